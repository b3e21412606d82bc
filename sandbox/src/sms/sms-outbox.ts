/** A text message "sent" through the sandbox, as the outbox lists it. */
export interface OutboxMessage {
  phone: string;
  /** The first template parameter: the verification code in our templates. */
  code: string | null;
  templateParams: string[];
  templateId: string;
  signName: string;
  smsSdkAppId: string;
  serialNo: string;
  sentAt: string;
}

/**
 * Reduces a phone number to its national digits so `+8613800000000`, `8613800000000`
 * and `13800000000` all find the same messages (the SDK requires E.164, people type
 * national numbers).
 */
export function normalizePhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  return digits.length === 13 && digits.startsWith('86') ? digits.slice(2) : digits;
}

/** In-memory outbox, newest last; bounded so a long-running sandbox does not grow forever. */
export class SmsOutbox {
  private readonly messages: OutboxMessage[] = [];

  constructor(private readonly limit = 1000) {}

  add(message: OutboxMessage): void {
    this.messages.push(message);
    if (this.messages.length > this.limit) this.messages.splice(0, this.messages.length - this.limit);
  }

  /** Messages to that phone (all when omitted), newest first. */
  list(phone?: string): OutboxMessage[] {
    const wanted = phone ? normalizePhone(phone) : undefined;
    return this.messages.filter((m) => !wanted || normalizePhone(m.phone) === wanted).reverse();
  }
}
