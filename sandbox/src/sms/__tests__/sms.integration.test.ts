import { sms } from 'tencentcloud-sdk-nodejs-sms';
import { startTestSandbox, type TestSandbox } from '../../__tests__/test-sandbox';

describe('sandbox SMS with the real tencentcloud-sdk-nodejs-sms client', () => {
  let sandbox: TestSandbox;
  let client: InstanceType<typeof sms.v20210111.Client>;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    // The SDK builds its URL as protocol + endpoint + "/", so this reaches `POST /` on the sandbox.
    client = new sms.v20210111.Client({
      credential: { secretId: 'AKIDsms-test', secretKey: 'sms-test-key' },
      region: 'ap-guangzhou',
      profile: { httpProfile: { endpoint: `127.0.0.1:${sandbox.port}`, protocol: 'http://' } },
    });
  });
  afterAll(() => sandbox.stop());

  it('answers SendSms like Tencent Cloud and lists the codes newest first', async () => {
    const send = (code: string) =>
      client.SendSms({
        PhoneNumberSet: ['+8613800138000'],
        SmsSdkAppId: '1400000000',
        SignName: 'AI Photo',
        TemplateId: '1234567',
        TemplateParamSet: [code, '5'],
      });
    const first = await send('111111');
    expect(first.SendStatusSet).toEqual([
      expect.objectContaining({ PhoneNumber: '+8613800138000', Code: 'Ok', Fee: 1 }),
    ]);
    expect(first.RequestId).toEqual(expect.any(String));
    await send('222222');

    const res = await fetch(`${sandbox.url}/sandbox/sms/outbox?phone=13800138000`);
    const { items } = (await res.json()) as {
      items: Array<{ phone: string; code: string; templateId: string; templateParams: string[] }>;
    };
    expect(items.map((m) => m.code)).toEqual(['222222', '111111']);
    expect(items[0]).toMatchObject({ phone: '+8613800138000', templateId: '1234567', templateParams: ['222222', '5'] });

    const other = (await (await fetch(`${sandbox.url}/sandbox/sms/outbox?phone=%2B8613900000000`)).json()) as {
      items: unknown[];
    };
    expect(other.items).toEqual([]);
  });

  it('returns a Tencent Cloud error the SDK throws for a malformed request', async () => {
    await expect(
      client.SendSms({ PhoneNumberSet: [], SmsSdkAppId: '1400000000', TemplateId: '1' }),
    ).rejects.toMatchObject({
      code: 'InvalidParameter',
    });
  });

  it('counts SendSms calls', async () => {
    const { calls } = (await (await fetch(`${sandbox.url}/sandbox/calls`)).json()) as { calls: Record<string, number> };
    expect(calls['sms:SendSms']).toBe(3);
  });
});
