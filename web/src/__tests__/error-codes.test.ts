import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApiError } from '../api';
import { errorCodeTexts, isErrorCode } from '../lib/error-codes';
import { describeError } from '../lib/i18n';
import { translate, type Lang } from '../lib/messages';

const BACKEND_SRC = join(__dirname, '..', '..', '..', 'backend', 'src');
/**
 * Upper-case literals in the backend source that are not error answers of our API: WeChat Pay's
 * notification reply, the health report's per-check states, Alipay's product codes.
 */
const NOT_OURS = new Set([
  'FAIL',
  'OK',
  'TIMEOUT',
  'UNREACHABLE',
  'CHECK_FAILED',
  'FAST_INSTANT_TRADE_PAY',
  'QUICK_WAP_WAY',
]);
const CODE = /['"`]([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)['"`]/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['__tests__', 'testing', 'bench'].includes(entry.name) ? [] : sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

/** The text between an opening parenthesis at `start` and its closing one. */
function argumentsAt(text: string, start: number): string {
  let depth = 1;
  let i = start;
  while (i < text.length && depth > 0) {
    if ('([{'.includes(text[i])) depth++;
    else if (')]}'.includes(text[i])) depth--;
    i++;
  }
  return text.slice(start, i - 1);
}

/**
 * Every error code the backend can answer: the upper-case literals passed to an error
 * constructor (`new XxxError(…)`, `super(…)` in the AppError subclasses), to the upgrade
 * refusal (`refuse(socket, status, 'CODE')`), and given as a code setting or default
 * (`code: 'CODE'`, `code = 'CODE'`, `privateCode: 'CODE'`, `code: 'A' | 'B'`).
 */
function backendErrorCodes(): Map<string, string> {
  const found = new Map<string, string>();
  const add = (code: string, file: string) => {
    if (!NOT_OURS.has(code) && !found.has(code)) found.set(code, file.slice(BACKEND_SRC.length + 1));
  };
  for (const file of sources(BACKEND_SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const call of text.matchAll(/\bnew (\w*Error)\(|\bsuper\(|\brefuse\(/g)) {
      if (['Error', 'TypeError', 'RangeError', 'URIError'].includes(call[1] ?? '')) continue;
      for (const literal of argumentsAt(text, (call.index ?? 0) + call[0].length).matchAll(CODE)) add(literal[1], file);
    }
    for (const setting of text.matchAll(/\b\w*[cC]ode\??\s*[:=]\s*((?:['"][A-Z][A-Z0-9_]*['"]\s*\|?\s*)+)/g)) {
      for (const literal of setting[1].matchAll(CODE)) add(literal[1], file);
    }
  }
  return found;
}

describe('error codes', () => {
  const codes = backendErrorCodes();

  it('finds the codes the backend answers (the collector itself works)', () => {
    for (const code of [
      'VALIDATION_FAILED',
      'UNAUTHORIZED',
      'RATE_LIMITED',
      'INTERNAL',
      'TASK_NOT_FOUND',
      'UPLOADS_BUSY',
    ]) {
      expect(codes.has(code)).toBe(true);
    }
    expect(codes.size).toBeGreaterThan(60);
  });

  it('has a Chinese and an English sentence for every code the backend can answer', () => {
    const missing = [...codes]
      .filter(([code]) => !isErrorCode(code) || !errorCodeTexts.zh[code]?.trim() || !errorCodeTexts.en[code]?.trim())
      .map(([code, file]) => `${code} (${file})`);
    expect(missing).toEqual([]);
  });

  it('writes the Chinese table in Chinese and the English one in English', () => {
    for (const [code, text] of Object.entries(errorCodeTexts.zh))
      expect({ code, han: /\p{Script=Han}/u.test(text) }).toEqual({ code, han: true });
    for (const [code, text] of Object.entries(errorCodeTexts.en))
      expect({ code, han: /\p{Script=Han}/u.test(text) }).toEqual({ code, han: false });
  });

  it('shows the localized sentence, never the server English message, for a known code', () => {
    for (const lang of ['zh', 'en'] as Lang[]) {
      const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
        translate(lang, key, vars);
      for (const code of codes.keys()) {
        const shown = describeError(new ApiError(400, code, 'server-side English text'), t);
        expect({ code, lang, leaks: shown.includes('server-side English text') }).toEqual({ code, lang, leaks: false });
      }
      // The sign-in pages say it without the code (their own sentence); never the server's English.
      const shown = describeError(new ApiError(400, 'INVALID_CODE', 'server-side English text'), t);
      expect(shown).toContain(errorCodeTexts[lang].INVALID_CODE);
      expect(shown).not.toContain('server-side English text');
    }
  });
});
