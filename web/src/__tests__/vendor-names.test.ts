import { errorCodeTexts } from '../lib/error-codes';
import { tables, translate } from '../lib/messages';

/**
 * Merchant views never name the vendors behind the service, nor storage paths (issue 15, "honest
 * failures"; README "Security"). The developer page (`dev.*`) may name n8n: there it is the
 * merchant's own automation tool that our published nodes plug into, not a vendor of ours.
 */
const VENDOR_WORDS =
  /tencent|腾讯|数据万象|runninghub|\bcos\b|\bci\b|n8n|\bsts\b|output\/|input\/|bucket|signed url|q-sign/i;

describe('merchant texts name no vendor', () => {
  it.each(['zh', 'en'] as const)('every portal text in %s', (lang) => {
    const offending = Object.entries(tables[lang])
      .filter(([key]) => !key.startsWith('dev.'))
      .filter(([, text]) => VENDOR_WORDS.test(text));
    expect(offending).toEqual([]);
    const codes = Object.entries(errorCodeTexts[lang]).filter(([, text]) => VENDOR_WORDS.test(text));
    expect(codes).toEqual([]);
  });

  it('the failure sentences say whose fault it was in both languages', () => {
    expect(translate('zh', 'failure.photo')).toBe('这张照片无法处理：');
    expect(translate('zh', 'failure.serviceNext')).toBe('点数已退回，可重试');
    expect(translate('en', 'failure.service')).toMatch(/^Our service/);
  });

  it('catches what it is meant to catch', () => {
    for (const text of ['Tencent CI: failed', 'RunningHub failedReason', 'cos bucket', '腾讯云', 'output/u/t/main.jpg'])
      expect(VENDOR_WORDS.test(text)).toBe(true);
    expect(VENDOR_WORDS.test('服务暂时出错，点数已退回，可重试')).toBe(false);
  });
});
