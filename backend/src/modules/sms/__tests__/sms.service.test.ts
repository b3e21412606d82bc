import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { capturingLogger } from '../../../testing/capturing-logger';
import { testConfig } from '../../../testing/test-config';
import { createSmsSender } from '../sms.service';
import { SmsFailedError, maskPhone, toE164 } from '../sms-sender';

// nock 15 is ESM-only and cannot load under this Jest setup, so the vendor is faked by a
// loopback HTTP server that records each request and answers the scripted replies in order.
interface Recorded {
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}
type Reply = { status: number; json?: unknown } | 'drop';

class FakeTencentCloud {
  readonly requests: Recorded[] = [];
  private readonly replies: Reply[] = [];
  private readonly server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      this.requests.push({ headers: req.headers, body: JSON.parse(raw || '{}') as Record<string, unknown> });
      const reply = this.replies.shift() ?? { status: 500 };
      if (reply === 'drop') return void req.socket.destroy();
      res.writeHead(reply.status, { 'Content-Type': 'application/json' }).end(JSON.stringify(reply.json ?? {}));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>((ok) => this.server.listen(0, '127.0.0.1', () => ok()));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }
  replyWith(...replies: Reply[]): void {
    this.replies.push(...replies);
  }
  reset(): void {
    this.requests.length = 0;
    this.replies.length = 0;
  }
  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((ok) => this.server.close(() => ok()));
  }
}

function sendSmsReply(status: Record<string, unknown>) {
  return {
    status: 200,
    json: {
      Response: {
        SendStatusSet: [{ SerialNo: 's-1', PhoneNumber: '+8613800138000', Fee: 1, ...status }],
        RequestId: 'req-1',
      },
    },
  };
}

describe('the Tencent Cloud SMS sender', () => {
  const vendor = new FakeTencentCloud();
  let config: ReturnType<typeof testConfig>;

  beforeAll(async () => {
    const url = await vendor.start();
    config = testConfig({
      VENDOR_MODE: 'sandbox',
      SANDBOX_URL: url,
      SMS_SDK_APP_ID: '1400123456',
      SMS_TEMPLATE_ID: '998877',
      SMS_SIGN_NAME: 'AI Photo',
    });
  });
  afterEach(() => vendor.reset());
  afterAll(() => vendor.stop());

  it('calls SendSms 2021-01-11 signed with TC3, E.164 number, template params [code, minutes]', async () => {
    vendor.replyWith(sendSmsReply({ Code: 'Ok', Message: 'send success' }));
    const { logger, lines } = capturingLogger();
    await createSmsSender(config, logger, 5).sendCode('13800138000', '402913');
    expect(vendor.requests).toHaveLength(1);
    const [{ headers, body }] = vendor.requests;

    expect(headers['x-tc-action']).toBe('SendSms');
    expect(headers['x-tc-version']).toBe('2021-01-11');
    expect(headers['x-tc-region']).toBe('ap-guangzhou');
    expect(String(headers.authorization)).toMatch(/^TC3-HMAC-SHA256 Credential=sandbox-sms-secret-id\//);
    expect(body).toEqual({
      PhoneNumberSet: ['+8613800138000'],
      SmsSdkAppId: '1400123456',
      TemplateId: '998877',
      SignName: 'AI Photo',
      TemplateParamSet: ['402913', '5'],
    });
    expect(lines.join('')).not.toContain('402913');
    expect(lines.join('')).not.toContain('13800138000');
  });

  it('maps an API error to 502 SMS_FAILED and logs the vendor code without the SMS code', async () => {
    vendor.replyWith({
      status: 200,
      json: {
        Response: {
          Error: { Code: 'LimitExceeded.PhoneNumberDailyLimit', Message: 'daily limit' },
          RequestId: 'req-2',
        },
      },
    });
    const { logger, lines } = capturingLogger();
    const err = await createSmsSender(config, logger, 5)
      .sendCode('13800138000', '555123')
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SmsFailedError);
    expect(err).toMatchObject({ status: 502, code: 'SMS_FAILED' });
    expect(lines.join('')).toContain('LimitExceeded.PhoneNumberDailyLimit');
    expect(lines.join('')).not.toContain('555123');
  });

  it('treats a per-number refusal inside a successful call as SMS_FAILED', async () => {
    vendor.replyWith(sendSmsReply({ Code: 'InvalidParameterValue.IncorrectPhoneNumber', Message: 'bad number' }));
    const { logger } = capturingLogger();
    await expect(createSmsSender(config, logger, 5).sendCode('13800138000', '111111')).rejects.toMatchObject({
      code: 'SMS_FAILED',
    });
  });

  it('maps a dropped connection and HTTP errors to SMS_FAILED', async () => {
    vendor.replyWith('drop', { status: 503 });
    const sender = createSmsSender(config, capturingLogger().logger, 5);
    await expect(sender.sendCode('13800138000', '111111')).rejects.toMatchObject({ code: 'SMS_FAILED' });
    await expect(sender.sendCode('13800138000', '111111')).rejects.toMatchObject({ code: 'SMS_FAILED' });
  });

  it('refuses to start in live mode without the Tencent Cloud settings, naming them', () => {
    const live = testConfig({ VENDOR_MODE: 'live', SMS_SECRET_ID: 'AKIDx' });
    expect(() => createSmsSender(live, capturingLogger().logger, 5)).toThrow(
      /SMS_SECRET_KEY, SMS_SDK_APP_ID, SMS_SIGN_NAME, SMS_TEMPLATE_ID/,
    );
  });

  it('formats and masks numbers for the vendor and the logs', () => {
    expect(toE164('13800138000')).toBe('+8613800138000');
    expect(toE164('+85291234567')).toBe('+85291234567');
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('+85291234567')).toBe('+852****4567');
  });
});
