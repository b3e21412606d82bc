import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApiError } from '../api';
import { accountErrorText } from '../lib/account-errors';
import { describeError, formatDateTime, label, type Translate } from '../lib/i18n';
import { en, knownKey, translate, zh, type Lang } from '../lib/messages';

const tr =
  (lang: Lang): Translate =>
  (key, vars) =>
    translate(lang, key, vars);
const REPO = path.resolve(__dirname, '../../..');

describe('console errors in the console’s language', () => {
  it.each([
    ['zh', '请求过于频繁，请 30 秒后再试', '服务暂时不可用（HTTP 503），请稍后再试', '网络错误，请检查连接后重试'],
    [
      'en',
      'Too many requests; try again in 30 s',
      'The service is temporarily unavailable (HTTP 503); try again later',
      'Network error; check the connection and try again',
    ],
  ] as const)('%s: a 429 or a 5xx says try again later, a lost connection says so', (lang, limited, down, network) => {
    const t = tr(lang);
    expect(describeError(new ApiError(429, 'RATE_LIMITED', 'Too many requests', 30), t)).toBe(limited);
    expect(describeError(new ApiError(503, 'SERVICE_UNAVAILABLE', 'db down'), t)).toBe(down);
    expect(describeError(new ApiError(500, 'INTERNAL', 'boom'), t)).toContain('500');
    expect(describeError(new ApiError(502, 'HTTP_502', '<html>bad gateway</html>'), t)).not.toContain('<html>');
    expect(describeError(new ApiError(0, 'NETWORK', 'network error'), t)).toBe(network);
  });

  it('words the codes it knows, keeps the server message and code otherwise', () => {
    expect(describeError(new ApiError(409, 'LAST_ADMIN', 'The last active admin…'), tr('zh'))).toBe(
      '至少要保留一个启用的管理员',
    );
    expect(describeError(new ApiError(409, 'LAST_ADMIN', 'The last active admin…'), tr('en'))).toBe(
      'At least one active admin must remain',
    );
    expect(describeError(new ApiError(503, 'SIGN_IN_BUSY', 'busy'), tr('en'))).toBe(
      'Many sign-ins right now; try again shortly',
    );
    expect(describeError(new ApiError(409, 'SOMETHING_NEW', 'A new rule'), tr('zh'))).toBe(
      '操作失败：A new rule (SOMETHING_NEW)',
    );
    expect(describeError(new Error('请填写名称'), tr('zh'))).toBe('请填写名称');
    expect(accountErrorText(new ApiError(400, 'VALIDATION_FAILED', 'password: too short'), tr('en'))).toMatch(
      /at least 10 characters/,
    );
    expect(accountErrorText(new ApiError(409, 'USERNAME_TAKEN', 'taken'), tr('en'))).toBeNull();
  });

  it('has both languages for every text (no key only in one table, none empty)', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zh).sort());
    for (const table of [zh, en]) for (const text of Object.values(table)) expect(text.trim()).not.toBe('');
  });
});

describe('codes the console shows have a label in zh and en', () => {
  it('task and order states, channels and ledger kinds', () => {
    const codes: Array<[string, string[]]> = [
      ['task.status', ['queued', 'processing', 'done', 'failed', 'canceled']],
      ['order.status', ['pending', 'paid', 'closed', 'failed']],
      ['channel', ['wechat', 'alipay', 'sandbox']],
      ['ledger', ['grant', 'reserve', 'refund', 'expire', 'adjust']],
    ];
    for (const [prefix, list] of codes)
      for (const code of list)
        expect({ code, known: knownKey(`${prefix}.${code}`) !== null }).toEqual({ code, known: true });
    expect(label(tr('zh'), 'task.status', 'done')).toBe('已完成');
    expect(label(tr('en'), 'task.status', 'done')).toBe('Done');
    expect(label(tr('en'), 'task.status', 'paused')).toBe('paused'); // unknown codes show as sent
  });

  it('every task error code the workflows and the backend can set', () => {
    // The failure codes written into the repo's workflows, and the ones the backend sets itself.
    const workflowText = ['basic_clean.json', 'model_pose12.json']
      .map((f) => readFileSync(path.join(REPO, 'workflows', f), 'utf8'))
      .join('\n');
    const fromWorkflows = [...workflowText.matchAll(/"errorCode": "([^"]+)"/g)].flatMap(([, value]) =>
      [...value.matchAll(/'?\b([A-Z][A-Z_]{3,})\b'?/g)].map(([, code]) => code),
    );
    const settlement = readFileSync(path.join(REPO, 'backend/src/modules/tasks/task-settlement.service.ts'), 'utf8');
    const tasks = readFileSync(path.join(REPO, 'backend/src/modules/tasks/tasks.service.ts'), 'utf8');
    const fromBackend = [
      ...`${settlement}\n${tasks}`.matchAll(/'(TIMEOUT|CANCELED|INVALID_RESULT|GENERATION_FAILED)'/g),
    ].map(([, code]) => code);
    const codes = [...new Set([...fromWorkflows, ...fromBackend])];
    expect(codes).toEqual(expect.arrayContaining(['VENDOR_FAILED', 'VENDOR_ERROR', 'TIMEOUT', 'CANCELED']));
    for (const code of codes)
      expect({ code, known: knownKey(`task.error.${code}`) !== null }).toEqual({ code, known: true });
  });

  it('dates in the console’s language', () => {
    const iso = '2026-03-01T12:34:56.000Z';
    expect(formatDateTime('zh', iso)).toBe(new Date(iso).toLocaleString('zh-CN', { hour12: false }));
    expect(formatDateTime('en', iso)).toBe(new Date(iso).toLocaleString('en-GB', { hour12: false }));
    expect(formatDateTime('en', null)).toBe('—');
  });
});
