import { sms } from 'tencentcloud-sdk-nodejs-sms';
import type { AppConfig } from '../../config/config';
import type { Logger } from '../../infra/logger';
import { SmsFailedError, maskPhone, toE164, type SmsSender } from './sms-sender';

type SmsClient = InstanceType<typeof sms.v20210111.Client>;

export interface TencentSmsSettings {
  sdkAppId: string;
  signName: string;
  templateId: string;
  /** Minutes the code stays valid: the template's second parameter. */
  validMinutes: number;
}

/**
 * Sends login codes with Tencent Cloud SMS `SendSms` (2021-01-11). The sandbox speaks the
 * same protocol, so sandbox mode runs this very class against another endpoint.
 */
export class TencentSmsSender implements SmsSender {
  constructor(
    private readonly client: Pick<SmsClient, 'SendSms'>,
    private readonly settings: TencentSmsSettings,
    private readonly logger: Logger,
  ) {}

  async sendCode(phone: string, code: string): Promise<void> {
    const to = maskPhone(phone);
    let status: { Code?: string; Message?: string; SerialNo?: string } | undefined;
    try {
      const res = await this.client.SendSms({
        PhoneNumberSet: [toE164(phone)],
        SmsSdkAppId: this.settings.sdkAppId,
        TemplateId: this.settings.templateId,
        SignName: this.settings.signName,
        TemplateParamSet: [code, String(this.settings.validMinutes)],
      });
      status = res.SendStatusSet?.[0];
    } catch (err) {
      // SDK errors carry the vendor's code (e.g. LimitExceeded.PhoneNumberDailyLimit); never the SMS text.
      const e = err as { code?: string; message?: string; requestId?: string };
      this.logger.warn({ to, vendorCode: e.code, vendorMessage: e.message, requestId: e.requestId }, 'SMS send failed');
      throw new SmsFailedError();
    }
    // The API call can succeed while the number itself was refused (per-number status).
    if (status?.Code !== 'Ok') {
      this.logger.warn({ to, vendorCode: status?.Code, vendorMessage: status?.Message }, 'SMS refused by the vendor');
      throw new SmsFailedError();
    }
    this.logger.info({ to, serialNo: status.SerialNo }, 'SMS code sent');
  }
}

// Placeholders for the sandbox, which checks that a request is TC3-signed but holds no keys.
const SANDBOX_SMS = {
  secretId: 'sandbox-sms-secret-id',
  secretKey: 'sandbox-sms-secret-key',
  sdkAppId: '1400000000',
  signName: 'AI Photo',
  templateId: '100000',
};

/**
 * Builds the configured sender: Tencent Cloud in live mode (all SMS_* settings required),
 * the sandbox endpoint otherwise. Throws at start-up rather than at the first login.
 */
export function createSmsSender(config: AppConfig, logger: Logger, validMinutes: number): SmsSender {
  const live = config.vendors.mode === 'live';
  const s = config.sms;
  if (live) {
    const missing = Object.entries({
      SMS_SECRET_ID: s.secretId,
      SMS_SECRET_KEY: s.secretKey,
      SMS_SDK_APP_ID: s.sdkAppId,
      SMS_SIGN_NAME: s.signName,
      SMS_TEMPLATE_ID: s.templateId,
    })
      .filter(([, v]) => !v)
      .map(([k]) => k);
    if (missing.length) throw new Error(`VENDOR_MODE=live needs the Tencent Cloud SMS settings: ${missing.join(', ')}`);
  }
  const sandbox = new URL(config.vendors.sandboxUrl);
  const client = new sms.v20210111.Client({
    credential: { secretId: s.secretId ?? SANDBOX_SMS.secretId, secretKey: s.secretKey ?? SANDBOX_SMS.secretKey },
    region: s.region,
    profile: {
      httpProfile: live
        ? { reqTimeout: 10 }
        : { endpoint: sandbox.host, protocol: sandbox.protocol === 'https:' ? 'https://' : 'http://', reqTimeout: 10 },
    },
  });
  return new TencentSmsSender(
    client,
    {
      sdkAppId: s.sdkAppId ?? SANDBOX_SMS.sdkAppId,
      signName: s.signName ?? SANDBOX_SMS.signName,
      templateId: s.templateId ?? SANDBOX_SMS.templateId,
      validMinutes,
    },
    logger.child({ component: 'sms', vendor: live ? 'tencent' : 'sandbox' }),
  );
}
