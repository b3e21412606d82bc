import { ApiError } from '../api';
import {
  automationErrorKey,
  curlCreateTask,
  DEPRECATED_HEADERS,
  STANDARD_WEBHOOK_HEADERS,
  VERIFY_SNIPPET,
  HIDDEN,
  revealReducer,
  toggleEvent,
  WEBHOOK_EVENTS,
  webhookFormProblem,
  type Reveal,
} from '../lib/developer';
import { matchRoute } from '../lib/router';
import { describeError } from '../lib/i18n';
import { translate } from '../lib/messages';

describe('the shown-once secret dialog', () => {
  const shown = revealReducer(HIDDEN, { type: 'show', kind: 'apiKey', label: 'ERP', secret: 'ak_1234abcd_secret' });

  it('opens with the secret, not yet copied', () => {
    expect(shown).toEqual({ open: true, kind: 'apiKey', label: 'ERP', secret: 'ak_1234abcd_secret', copy: 'idle' });
  });

  it('records a copy or a failed copy and keeps the secret on screen', () => {
    expect(revealReducer(shown, { type: 'copied' })).toMatchObject({
      open: true,
      copy: 'copied',
      secret: 'ak_1234abcd_secret',
    });
    expect(revealReducer(shown, { type: 'copyFailed' })).toMatchObject({ open: true, copy: 'failed' });
  });

  it('forgets the secret when closed, and a late copy result cannot reopen it', () => {
    const closed = revealReducer(revealReducer(shown, { type: 'copied' }), { type: 'close' });
    expect(closed).toEqual({ open: false });
    expect(JSON.stringify(closed)).not.toContain('secret');
    expect(revealReducer(closed, { type: 'copied' })).toEqual({ open: false });
  });

  it('a new secret replaces the previous one and starts uncopied', () => {
    const copied: Reveal = revealReducer(shown, { type: 'copied' });
    expect(
      revealReducer(copied, { type: 'show', kind: 'webhook', label: 'https://x.example/h', secret: 'whsec' }),
    ).toEqual({
      open: true,
      kind: 'webhook',
      label: 'https://x.example/h',
      secret: 'whsec',
      copy: 'idle',
    });
  });
});

describe('webhook event selection', () => {
  it('toggles an event and keeps the form order whatever the clicking order', () => {
    expect(toggleEvent(WEBHOOK_EVENTS, 'task.failed')).toEqual(['task.done', 'task.canceled']);
    expect(toggleEvent(['task.canceled'], 'task.done')).toEqual(['task.done', 'task.canceled']);
    expect(toggleEvent(['task.done'], 'task.done')).toEqual([]);
  });

  it('names what keeps the form from being sent', () => {
    expect(webhookFormProblem('', ['task.done'])).toBe('url');
    expect(webhookFormProblem('ftp://example.com/x', ['task.done'])).toBe('url');
    expect(webhookFormProblem('example.com/hook', ['task.done'])).toBe('url');
    expect(webhookFormProblem(' https://example.com/hook ', [])).toBe('events');
    expect(webhookFormProblem('http://127.0.0.1:8080/hook', ['task.failed'])).toBeNull(); // private addresses are the server's call
  });
});

describe('automation errors', () => {
  const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
    translate('zh', key, vars);

  it('turns limits and the private-URL refusal into sentences with the code kept', () => {
    const err = new ApiError(
      400,
      'WEBHOOK_URL_PRIVATE',
      'url: must not point at a loopback, private or link-local address',
    );
    expect(automationErrorKey(err)).toBe('dev.error.WEBHOOK_URL_PRIVATE');
    expect(describeError(err, t)).toBe(`${translate('zh', 'dev.error.WEBHOOK_URL_PRIVATE')} (WEBHOOK_URL_PRIVATE)`);
    expect(describeError(new ApiError(409, 'API_KEY_LIMIT', 'At most 20'), t)).toContain('20 个');
  });

  it('leaves other errors to the common code texts, in the user language only', () => {
    const err = new ApiError(400, 'VALIDATION_FAILED', 'url: not a valid URL');
    expect(automationErrorKey(err)).toBeNull();
    expect(describeError(err, t)).toBe(`${translate('zh', 'code.VALIDATION_FAILED')} (VALIDATION_FAILED)`);
    // A code this build does not know (a newer server) still shows the server message and code.
    expect(describeError(new ApiError(400, 'SOMETHING_NEW', 'new text'), t)).toBe('出错了：new text (SOMETHING_NEW)');
  });
});

describe('developer page wiring', () => {
  it('has its route', () => {
    expect(matchRoute('/developer')).toEqual({ name: 'developer' });
    expect(matchRoute('/developer/')).toEqual({ name: 'developer' });
  });

  it('shows a curl example against this portal with an API key and an idempotency key', () => {
    const curl = curlCreateTask('https://photos.example.com');
    expect(curl).toContain('https://photos.example.com/api/v1/uploads');
    expect(curl).toContain('-X POST https://photos.example.com/api/v1/tasks');
    expect(curl).toMatch(/Authorization: Bearer ak_/);
    expect(curl).toMatch(/X-API-Key: ak_/);
    expect(curl).toMatch(/Idempotency-Key: /);
  });

  it('teaches Standard Webhooks verification and lists the deprecated headers apart', () => {
    for (const name of ['webhook-id:', 'webhook-timestamp:', 'webhook-signature: v1,'])
      expect(STANDARD_WEBHOOK_HEADERS).toContain(name);
    expect(STANDARD_WEBHOOK_HEADERS).not.toMatch(/X-AiPhoto/);
    expect(VERIFY_SNIPPET).toContain("from 'standardwebhooks'");
    expect(VERIFY_SNIPPET).toContain('wh.verify(rawBody, req.headers)');
    expect(DEPRECATED_HEADERS).toContain('X-AiPhoto-Signature');
  });
});
