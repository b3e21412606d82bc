import { normalizePhone, SmsOutbox, type OutboxMessage } from '../sms-outbox';

function message(phone: string, code: string): OutboxMessage {
  return {
    phone,
    code,
    templateParams: [code],
    templateId: '1',
    signName: 'AI Photo',
    smsSdkAppId: '1400',
    serialNo: code,
    sentAt: '',
  };
}

describe('SMS outbox', () => {
  it('matches E.164 and national forms of the same number', () => {
    expect(normalizePhone('+8613800138000')).toBe('13800138000');
    expect(normalizePhone('8613800138000')).toBe('13800138000');
    expect(normalizePhone('138 0013 8000')).toBe('13800138000');
  });

  it("lists a phone's messages newest first and keeps a bounded history", () => {
    const outbox = new SmsOutbox(3);
    outbox.add(message('+8613800138000', '1'));
    outbox.add(message('+8613900139000', '2'));
    outbox.add(message('+8613800138000', '3'));
    outbox.add(message('+8613800138000', '4'));
    expect(outbox.list('13800138000').map((m) => m.code)).toEqual(['4', '3']);
    expect(outbox.list().map((m) => m.code)).toEqual(['4', '3', '2']);
  });
});
