import { startTestSandbox, type TestSandbox } from '../../__tests__/test-sandbox';

describe('sandbox WeChat sign-in (Open Platform QR login and jscode2session)', () => {
  let sandbox: TestSandbox;
  let offsetMs = 0;

  beforeAll(async () => {
    sandbox = await startTestSandbox({ now: () => Date.now() + offsetMs });
  });
  afterAll(() => sandbox.stop());

  const web = () => sandbox.keys.wechatLogin;
  const get = async (path: string, params: Record<string, string>) => {
    const res = await fetch(`${sandbox.url}${path}?${new URLSearchParams(params)}`);
    return { status: res.status, text: await res.text() };
  };
  const json = async (path: string, params: Record<string, string>) =>
    JSON.parse((await get(path, params)).text) as Record<string, unknown>;

  const qrconnect = (overrides: Record<string, string> = {}) =>
    get('/connect/qrconnect', {
      appid: web().webAppId,
      redirect_uri: 'http://127.0.0.1:3999/login/wechat?from=x',
      response_type: 'code',
      scope: 'snsapi_login',
      state: 'st-1',
      ...overrides,
    });

  /** Opens the QR page, "scans" it and lets the phone decide; answers where the browser goes next. */
  async function scanAndDecide(action: 'allow' | 'deny', user = 'alice'): Promise<URL> {
    const page = await qrconnect();
    expect(page.status).toBe(200);
    expect(page.text).toContain('data:image/png;base64,');
    const uuid = /\/sandbox\/wechat\/oauth\/poll\/([0-9a-f]+)/.exec(page.text)![1];
    expect((await json(`/sandbox/wechat/oauth/poll/${uuid}`, {})).status).toBe('waiting');
    expect((await get('/connect/confirm', { uuid })).status).toBe(200);
    expect((await json(`/sandbox/wechat/oauth/poll/${uuid}`, {})).status).toBe('scanned');
    const decided = await fetch(`${sandbox.url}/connect/confirm`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ uuid, action, user }),
    });
    expect(decided.status).toBe(200);
    const poll = await json(`/sandbox/wechat/oauth/poll/${uuid}`, {});
    return new URL(String(poll.next));
  }

  const exchange = (code: string, secret = web().webSecret) =>
    json('/sns/oauth2/access_token', { appid: web().webAppId, secret, code, grant_type: 'authorization_code' });

  it('refuses a QR page for another app, scope or response type', async () => {
    const bads: Array<Record<string, string>> = [
      { appid: 'wx-other' },
      { scope: 'snsapi_base' },
      { response_type: 'token' },
      { redirect_uri: 'javascript:x' },
    ];
    for (const bad of bads) {
      const res = await qrconnect(bad);
      expect(res.status).toBe(400);
      expect(res.text).toContain('参数错误');
    }
  });

  it('QR login: allow → redirect_uri with code and state → access_token once → userinfo', async () => {
    const next = await scanAndDecide('allow');
    expect(`${next.origin}${next.pathname}`).toBe('http://127.0.0.1:3999/login/wechat');
    expect(next.searchParams.get('from')).toBe('x');
    expect(next.searchParams.get('state')).toBe('st-1');
    const code = next.searchParams.get('code')!;

    expect(await exchange(code, 'wrong-secret')).toEqual({ errcode: 40125, errmsg: 'invalid appsecret' });
    const token = await exchange(code);
    expect(token).toMatchObject({ expires_in: 7200, scope: 'snsapi_login' });
    expect(token.openid).toMatch(/^o[\w-]{27}$/);
    expect(token.unionid).toMatch(/^o[\w-]{27}$/);
    expect((await exchange(code)).errcode).toBe(40163);

    const info = await json('/sns/userinfo', {
      access_token: String(token.access_token),
      openid: String(token.openid),
    });
    expect(info).toMatchObject({ openid: token.openid, unionid: token.unionid, nickname: 'alice' });
    expect((await fetch(String(info.headimgurl))).headers.get('content-type')).toContain('image/svg+xml');
    expect((await json('/sns/userinfo', { access_token: 'nope', openid: String(token.openid) })).errcode).toBe(40001);

    // The same WeChat user signs in again with the same openid and unionid.
    const again = await exchange((await scanAndDecide('allow')).searchParams.get('code')!);
    expect([again.openid, again.unionid]).toEqual([token.openid, token.unionid]);
  });

  it('deny sends the browser back with the state only; a code expires after 5 minutes', async () => {
    const denied = await scanAndDecide('deny');
    expect(denied.searchParams.get('code')).toBeNull();
    expect(denied.searchParams.get('state')).toBe('st-1');

    const code = (await scanAndDecide('allow', 'bob')).searchParams.get('code')!;
    offsetMs = 5 * 60 * 1000 + 1000;
    try {
      expect((await exchange(code)).errcode).toBe(40029);
    } finally {
      offsetMs = 0;
    }
  });

  it('jscode2session: the mini-program sees the same unionid with its own openid', async () => {
    const web = await exchange((await scanAndDecide('allow', 'carol')).searchParams.get('code')!);
    const { code } = (await (
      await fetch(`${sandbox.url}/sandbox/wechat/mini/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ user: 'carol' }),
      })
    ).json()) as { code: string };
    const params = {
      appid: sandbox.keys.appid,
      secret: sandbox.keys.wechatLogin.miniSecret,
      grant_type: 'authorization_code',
    };
    // A website code is no mini-program code, and the other way round.
    expect((await json('/sns/jscode2session', { ...params, js_code: 'x' })).errcode).toBe(40029);
    expect((await json('/sns/jscode2session', { ...params, secret: 'no', js_code: code })).errcode).toBe(40125);
    const session = await json('/sns/jscode2session', { ...params, js_code: code });
    expect(session.unionid).toBe(web.unionid);
    expect(session.openid).not.toBe(web.openid);
    expect(typeof session.session_key).toBe('string');
    expect((await json('/sns/jscode2session', { ...params, js_code: code })).errcode).toBe(40163);
  });
});
