import { AppError } from '../../errors/app-error';

/**
 * What the login flow needs from an SMS vendor. One implementation talks to Tencent Cloud
 * SMS (live or the sandbox, through the same SDK); tests may pass a recording fake.
 */
export interface SmsSender {
  /** Sends a login code to `phone` (our stored form: 11 mainland digits or E.164). */
  sendCode(phone: string, code: string): Promise<void>;
}

/** The vendor refused or could not be reached; the merchant may retry later. */
export class SmsFailedError extends AppError {
  constructor(message = 'The text message could not be sent; try again in a moment') {
    super(502, 'SMS_FAILED', message);
  }
}

/** E.164 for the vendor: mainland numbers are stored without their country code. */
export function toE164(phone: string): string {
  return phone.startsWith('+') ? phone : `+86${phone}`;
}

/** `138****8000`: enough to correlate logs, not enough to collect numbers. */
export function maskPhone(phone: string): string {
  return phone.length <= 7 ? '***' : `${phone.slice(0, phone.length - 8)}****${phone.slice(-4)}`;
}
