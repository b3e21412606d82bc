import request from 'supertest';
import { drivers } from '../../../testing/test-db';
import { accountBackend, randomPhone, type AccountBackend } from '../../profile/__tests__/account-harness';

jest.setTimeout(120_000);

describe.each(drivers)('WeChat sign-in against the sandbox on %s', (driver) => {
  let t: AccountBackend;
  const api = () => request(t.backend.app);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    t = await accountBackend(driver);
  });
  afterAll(() => t?.close());

  /** Start as the portal does: the URL to open, the state, and the browser's state cookie. */
  async function start(token?: string) {
    const req = token
      ? api().post('/api/v1/me/wechat/start').set(bearer(token))
      : api().post('/api/v1/auth/wechat/web/start');
    const res = await req.set('X-Forwarded-For', t.ip()).expect(200);
    const cookie = String(res.headers['set-cookie']).split(';')[0];
    return { url: new URL(res.body.url as string), state: res.body.state as string, cookie };
  }

  /** The WeChat side: open the QR page, "scan" it on the phone and allow (or deny) as `user`. */
  async function scan(url: URL, user: string, action: 'allow' | 'deny' = 'allow') {
    const page = await (await fetch(url)).text();
    const uuid = /\/sandbox\/wechat\/oauth\/poll\/([0-9a-f]+)/.exec(page)?.[1];
    if (!uuid) throw new Error(`no QR login page: ${page.slice(0, 200)}`);
    await fetch(`${t.sandbox.url}/connect/confirm?uuid=${uuid}`);
    await fetch(`${t.sandbox.url}/connect/confirm`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ uuid, action, user }),
    });
    const poll = (await (await fetch(`${t.sandbox.url}/sandbox/wechat/oauth/poll/${uuid}`)).json()) as { next: string };
    return new URL(poll.next);
  }

  /** A full QR sign-in as WeChat user `user`: the callback's answer. */
  async function qrSignIn(user: string, status = 200) {
    const { url, cookie } = await start();
    const back = await scan(url, user);
    return api()
      .post('/api/v1/auth/wechat/web/callback')
      .set('Cookie', cookie)
      .set('X-Forwarded-For', t.ip())
      .send({ code: back.searchParams.get('code'), state: back.searchParams.get('state') })
      .expect(status);
  }

  async function verifyPhone(ticket: string, phone: string) {
    const ip = t.ip();
    await t.backend.ctx.kv.del(`sms:cooldown:${phone}`);
    await api().post('/api/v1/auth/send-code').set('X-Forwarded-For', ip).send({ phone }).expect(200);
    return api()
      .post('/api/v1/auth/wechat/link')
      .set('X-Forwarded-For', ip)
      .send({ ticket, phone, code: await t.smsCode(phone) });
  }

  const miniCode = async (user: string) =>
    (
      (await (
        await fetch(`${t.sandbox.url}/sandbox/wechat/mini/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ user }),
        })
      ).json()) as { code: string }
    ).code;

  it('offers both sign-ins and starts a snsapi_login QR login with a state bound to the browser by cookie', async () => {
    expect((await api().get('/api/v1/auth/wechat/config').expect(200)).body).toEqual({ web: true, mini: true });
    const res = await api().post('/api/v1/auth/wechat/web/start').expect(200);
    const url = new URL(res.body.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${t.sandbox.url}/connect/qrconnect`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      scope: 'snsapi_login',
      state: res.body.state,
      redirect_uri: `${t.config.http.publicBaseUrl}/login/wechat`,
    });
    expect(url.hash).toBe('#wechat_redirect');
    expect(String(res.headers['set-cookie'])).toMatch(
      new RegExp(`^aiphoto_wx_state=${res.body.state}; Max-Age=600; Path=/api/v1; .*HttpOnly; SameSite=Lax`),
    );
  });

  it('a state is single-use and only good in the browser that started it', async () => {
    const { url, state, cookie } = await start();
    const back = await scan(url, 'mallory');
    const code = back.searchParams.get('code');
    expect(back.searchParams.get('state')).toBe(state);
    const callback = (c?: string) => {
      const req = api().post('/api/v1/auth/wechat/web/callback').set('X-Forwarded-For', t.ip());
      return (c ? req.set('Cookie', c) : req).send({ code, state });
    };
    // Another browser (no cookie, or another one's) cannot complete it, and that spends the state.
    expect((await callback().expect(400)).body.error.code).toBe('WECHAT_STATE_INVALID');
    expect((await callback(cookie).expect(400)).body.error.code).toBe('WECHAT_STATE_INVALID');
    // A made-up state is refused the same way.
    const made = await api()
      .post('/api/v1/auth/wechat/web/callback')
      .set('Cookie', `aiphoto_wx_state=${'a'.repeat(32)}`)
      .send({ code, state: 'a'.repeat(32) })
      .expect(400);
    expect(made.body.error.code).toBe('WECHAT_STATE_INVALID');
  });

  it('first sign-in asks for a phone (SMS) and links; afterwards WeChat signs straight in, also from the mini-program', async () => {
    const first = await qrSignIn('alice');
    expect(first.body).toMatchObject({ status: 'link-required', wechat: { nickname: 'alice' } });
    expect(first.body.wechat.avatarUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sandbox\/wechat\/avatar\//);
    const { ticket } = first.body;

    const phone = randomPhone();
    // A wrong code keeps the ticket; the right one links and signs in.
    await t.backend.ctx.kv.del(`sms:cooldown:${phone}`);
    await api().post('/api/v1/auth/send-code').set('X-Forwarded-For', t.ip()).send({ phone }).expect(200);
    const wrong = await api().post('/api/v1/auth/wechat/link').send({ ticket, phone, code: '000000' });
    expect(wrong.status).toBe(401);
    const linked = await verifyPhone(ticket, phone);
    expect(linked.status).toBe(200);
    expect(linked.body.user).toMatchObject({ phone, nickname: 'alice' });
    const userId = linked.body.user.id;
    expect((await verifyPhone(ticket, phone).then((r) => r.body)).error.code).toBe('WECHAT_TICKET_INVALID');

    const again = await qrSignIn('alice');
    expect(again.body).toMatchObject({ status: 'signed-in', user: { id: userId, phone } });
    await api().get('/api/v1/me').set(bearer(again.body.token)).expect(200);

    // The mini-program knows the same person by unionid.
    const mini = await api()
      .post('/api/v1/auth/wechat/mini')
      .send({ code: await miniCode('alice') })
      .expect(200);
    expect(mini.body).toMatchObject({ status: 'signed-in', user: { id: userId } });
    const status = await api().get('/api/v1/me/wechat').set(bearer(mini.body.token)).expect(200);
    expect(status.body).toMatchObject({ linked: true, nickname: 'alice', web: true, mini: true });

    // A used or made-up code is refused.
    const code = await miniCode('alice');
    await api().post('/api/v1/auth/wechat/mini').send({ code }).expect(200);
    expect((await api().post('/api/v1/auth/wechat/mini').send({ code }).expect(400)).body.error.code).toBe(
      'WECHAT_CODE_INVALID',
    );
  });

  it('a new person in the mini-program links to an existing phone account, which keeps its id', async () => {
    const phone = randomPhone();
    const existing = await t.signIn(phone);
    const first = await api()
      .post('/api/v1/auth/wechat/mini')
      .send({ code: await miniCode('bob') })
      .expect(200);
    expect(first.body.status).toBe('link-required');
    expect(first.body.wechat).toEqual({ nickname: null, avatarUrl: null });
    const linked = await verifyPhone(first.body.ticket, phone);
    expect(linked.body.user.id).toBe(existing.user.id);
  });

  it('one WeChat person belongs to one account: taken, already linked, unlink and link from the profile', async () => {
    // carol is linked to account A.
    const a = await verifyPhone((await qrSignIn('carol')).body.ticket, randomPhone());
    const b = await t.signIn(randomPhone());

    // B cannot link carol; A cannot link a second person (dave).
    const linkAs = async (token: string, user: string) => {
      const { url, cookie } = await start(token);
      const back = await scan(url, user);
      return api()
        .post('/api/v1/me/wechat/callback')
        .set(bearer(token))
        .set('Cookie', cookie)
        .send({ code: back.searchParams.get('code'), state: back.searchParams.get('state') });
    };
    expect((await linkAs(b.token, 'carol')).body.error.code).toBe('WECHAT_TAKEN');
    expect((await linkAs(a.body.token, 'dave')).body.error.code).toBe('WECHAT_ALREADY_LINKED');
    // Nor through the phone step: dave's ticket with A's number.
    const dave = await qrSignIn('dave');
    expect((await verifyPhone(dave.body.ticket, a.body.user.phone)).body.error.code).toBe('WECHAT_ALREADY_LINKED');

    // A link state cannot sign in, nor serve another merchant.
    const { url, cookie } = await start(b.token);
    const back = await scan(url, 'erin');
    const asSignIn = await api()
      .post('/api/v1/auth/wechat/web/callback')
      .set('Cookie', cookie)
      .send({ code: back.searchParams.get('code'), state: back.searchParams.get('state') });
    expect(asSignIn.body.error.code).toBe('WECHAT_STATE_INVALID');

    // A unlinks; carol then links to B from B's profile, and signs in to B.
    expect((await api().delete('/api/v1/me/wechat').set(bearer(a.body.token)).expect(200)).body.linked).toBe(false);
    const linked = await linkAs(b.token, 'carol');
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ linked: true, nickname: 'carol', web: true });
    expect((await qrSignIn('carol')).body).toMatchObject({ status: 'signed-in', user: { id: b.user.id } });
  });

  // Last: it stops the sandbox (the harness's close tolerates that).
  it('answers 503 WECHAT_UNAVAILABLE when WeChat cannot be reached', async () => {
    const { state, cookie } = await start();
    await t.sandbox.close();
    const res = await api()
      .post('/api/v1/auth/wechat/web/callback')
      .set('Cookie', cookie)
      .send({ code: 'c'.repeat(32), state });
    expect([res.status, res.body.error.code]).toEqual([503, 'WECHAT_UNAVAILABLE']);
  });
});
