import { en, translate, zh } from '../lib/messages';
import { matchRoute } from '../lib/router';
import { DEFAULT_LIMITS } from '../lib/upload-checks';
import { admit } from '../lib/use-uploads';
import { ApiError, errorFromBody } from '../api';
import { describeError } from '../lib/i18n';

describe('messages', () => {
  it('has an English text for every Chinese one, with the same placeholders', () => {
    for (const key of Object.keys(zh) as Array<keyof typeof zh>) {
      const names = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect({ key, vars: names(en[key]) }).toEqual({ key, vars: names(zh[key]) });
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    expect(translate('zh', 'create.cost', { tasks: 3, credits: 2, cost: 6, left: 97 })).toBe(
      '共 3 个任务 × 2 点，消耗 6 点（剩余 97 点）',
    );
    expect(translate('en', 'login.resend', {})).toBe('Resend in {s} s');
  });
});

describe('errorFromBody', () => {
  it('reads the common error shape and Retry-After', () => {
    const err = errorFromBody(429, JSON.stringify({ error: { code: 'RATE_LIMITED', message: 'slow down' } }), '42');
    expect([err.status, err.code, err.message, err.retryAfterSeconds]).toEqual([429, 'RATE_LIMITED', 'slow down', 42]);
  });

  it('keeps a non-JSON answer readable', () => {
    expect(errorFromBody(502, '<html>Bad gateway</html>', null)).toMatchObject({
      code: 'HTTP_502',
      message: '<html>Bad gateway</html>',
    });
  });
});

describe('SMS guard errors', () => {
  it('say in the user language why no code is sent, instead of the generic rate-limit text', () => {
    for (const lang of ['zh', 'en'] as const) {
      const t = (key: Parameters<typeof translate>[1]) => translate(lang, key);
      expect(describeError(new ApiError(400, 'SMS_COUNTRY_NOT_ALLOWED', 'x'), t)).toBe(
        translate(lang, 'error.SMS_COUNTRY_NOT_ALLOWED'),
      );
      expect(describeError(new ApiError(429, 'SMS_BUDGET_EXHAUSTED', 'x', 600), t)).toBe(
        translate(lang, 'error.SMS_BUDGET_EXHAUSTED'),
      );
    }
    expect(translate('zh', 'error.SMS_COUNTRY_NOT_ALLOWED')).toMatch(/国家或地区/);
  });
});

describe('upload errors', () => {
  it('say what to do in the user language and keep the code for support', () => {
    for (const code of ['IMAGE_CORRUPT', 'IMAGE_TOO_MANY_PIXELS', 'PAYLOAD_TOO_LARGE', 'UPLOADS_BUSY'] as const) {
      for (const lang of ['zh', 'en'] as const) {
        const t = (key: Parameters<typeof translate>[1]) => translate(lang, key);
        expect(describeError(new ApiError(400, code, 'server text'), t)).toBe(
          `${translate(lang, `error.${code}`)} (${code})`,
        );
      }
    }
    expect(translate('zh', 'error.IMAGE_CORRUPT')).toMatch(/损坏/);
  });
});

describe('matchRoute', () => {
  it('maps paths to screens', () => {
    expect(matchRoute('/')).toEqual({ name: 'workspace' });
    expect(matchRoute('/tasks')).toEqual({ name: 'history' });
    expect(matchRoute('/tasks/4f1c-9a')).toEqual({ name: 'task', id: '4f1c-9a' });
    expect(matchRoute('/somewhere')).toEqual({ name: 'workspace' });
  });
});

describe('admit', () => {
  const file = (name: string, type: string, size = 1000) => ({ name, type, size });

  it('accepts the formats and sizes the server takes, up to the room left, and names the rest with the reason', () => {
    const picked = [
      file('a.jpg', 'image/jpeg'),
      file('b.gif', 'image/gif'),
      file('c.png', 'image/png'),
      file('huge.png', 'image/png', DEFAULT_LIMITS.maxBytes + 1),
      file('d.webp', 'image/webp'),
    ];
    const { accepted, result } = admit(picked, 2, DEFAULT_LIMITS);
    expect(accepted.map((i) => picked[i].name)).toEqual(['a.jpg', 'c.png']);
    expect(result).toEqual({
      tooMany: 1,
      rejected: [
        { name: 'b.gif', problem: 'format' },
        { name: 'huge.png', problem: 'tooBig' },
      ],
    });
  });
});
