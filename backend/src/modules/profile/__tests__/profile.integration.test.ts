import sharp from 'sharp';
import request from 'supertest';
import { waitFor } from '../../../../../jest/wait-for';
import { drivers } from '../../../testing/test-db';
import { closeOf, connectProgress, refusedStatus } from '../../progress/__tests__/ws-test-client';
import { accountBackend, randomPhone, type AccountBackend } from './account-harness';

jest.setTimeout(120_000);

const png = (width: number, height: number, g = 40) =>
  sharp({ create: { width, height, channels: 3, background: { r: 200, g, b: 60 } } })
    .png()
    .toBuffer();

describe.each(drivers)('the merchant profile on %s', (driver) => {
  let t: AccountBackend;
  const api = () => request(t.backend.app);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    // Cached token versions never age out here: a replica can only learn of a sign-out from the announcement.
    t = await accountBackend(driver, { SESSION_CACHE_SECONDS: '3600' });
  });
  afterAll(() => t?.close());

  it('sets, trims and clears the nickname; refuses control characters and more than 32 characters', async () => {
    const { token } = await t.signIn(randomPhone());
    const set = await api().patch('/api/v1/me').set(bearer(token)).send({ nickname: '  小店 Ann  ' }).expect(200);
    expect(set.body.nickname).toBe('小店 Ann');
    expect((await api().get('/api/v1/me').set(bearer(token)).expect(200)).body.nickname).toBe('小店 Ann');
    for (const nickname of ['a\u0000b', 'x'.repeat(33), '   ']) {
      const bad = await api().patch('/api/v1/me').set(bearer(token)).send({ nickname }).expect(400);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
    }
    expect(
      (await api().patch('/api/v1/me').set(bearer(token)).send({ nickname: null }).expect(200)).body.nickname,
    ).toBe(null);
  });

  it('stores the avatar as a 256×256 JPEG behind a hash-named URL; replacing or removing it ends the old URL', async () => {
    const { token, user } = await t.signIn(randomPhone());
    const first = await api()
      .post('/api/v1/me/avatar')
      .set(bearer(token))
      .attach('file', await png(600, 400), 'a.png');
    expect(first.status).toBe(200);
    const url: string = first.body.avatarUrl;
    expect(url).toMatch(new RegExp(`^/api/v1/avatars/${user.id}/[0-9a-f]{64}\\.jpg$`));

    // Public (an <img> sends no token); a redirect to a short-lived signed storage URL.
    const redirect = await api().get(url).expect(302);
    const image = Buffer.from(await (await fetch(redirect.headers.location)).arrayBuffer());
    const meta = await sharp(image).metadata();
    expect({ format: meta.format, width: meta.width, height: meta.height, exif: meta.exif }).toEqual({
      format: 'jpeg',
      width: 256,
      height: 256,
      exif: undefined,
    });

    const second = await api()
      .post('/api/v1/me/avatar')
      .set(bearer(token))
      .attach('file', await png(300, 900, 160), 'b.png');
    expect(second.body.avatarUrl).not.toBe(url);
    expect((await api().get(url).expect(404)).body.error.code).toBe('AVATAR_NOT_FOUND');
    // The old object is gone from storage as well.
    expect((await fetch(redirect.headers.location)).status).toBe(404);

    const notImage = await api()
      .post('/api/v1/me/avatar')
      .set(bearer(token))
      .attach('file', Buffer.from('hello'), 'x.png');
    expect(notImage.status).toBe(415);
    const removed = await api().delete('/api/v1/me/avatar').set(bearer(token)).expect(200);
    expect(removed.body.avatarUrl).toBeNull();
    await api().get(second.body.avatarUrl).expect(404);
    // Another merchant's file name under my id is not served either.
    await api()
      .get(`/api/v1/avatars/${user.id}/${'0'.repeat(64)}.jpg`)
      .expect(404);
  });

  it('changes the phone with codes to the old and the new number; wrong codes are 400, earlier tokens end', async () => {
    const oldPhone = randomPhone();
    const newPhone = randomPhone('135');
    const { token, user } = await t.signIn(oldPhone);
    const ip = t.ip();
    const as = (path: string) => api().post(path).set(bearer(token)).set('X-Forwarded-For', ip);

    const taken = (await t.signIn(randomPhone('136'))).user.phone;
    expect((await as('/api/v1/me/phone/code').send({ target: 'new', phone: taken }).expect(409)).body.error.code).toBe(
      'PHONE_TAKEN',
    );
    expect(
      (await as('/api/v1/me/phone/code').send({ target: 'new', phone: oldPhone }).expect(409)).body.error.code,
    ).toBe('SAME_PHONE');

    // Signing in just texted the old number; the resend cooldown is per purpose, so this one goes out.
    await as('/api/v1/me/phone/code').send({ target: 'old' }).expect(200);
    const again = await as('/api/v1/me/phone/code').send({ target: 'old' });
    expect([again.status, again.body.error.code]).toEqual([429, 'RATE_LIMITED']);
    const oldCode = await t.smsCode(oldPhone);
    // A sign-in code for the new number is not a phone-change code (codes are kept per purpose).
    await api().post('/api/v1/auth/send-code').set('X-Forwarded-For', t.ip()).send({ phone: newPhone }).expect(200);
    const loginCode = await t.smsCode(newPhone);
    const wrongPurpose = await as('/api/v1/me/phone').send({ phone: newPhone, oldCode, newCode: loginCode });
    expect([wrongPurpose.status, wrongPurpose.body.error.code]).toEqual([400, 'INVALID_CODE']);

    await as('/api/v1/me/phone/code').send({ target: 'new', phone: newPhone }).expect(200);
    const newCode = await t.smsCode(newPhone);
    const wrong = await as('/api/v1/me/phone').send({
      phone: newPhone,
      oldCode,
      newCode: newCode === '000000' ? '111111' : '000000',
    });
    expect([wrong.status, wrong.body.error.code]).toEqual([400, 'INVALID_CODE']);
    // Still signed in after the wrong code.
    await api().get('/api/v1/me').set(bearer(token)).expect(200);

    const changed = await as('/api/v1/me/phone').send({ phone: newPhone, oldCode, newCode }).expect(200);
    expect(changed.body.user).toMatchObject({ id: user.id, phone: newPhone });
    const ended = await api().get('/api/v1/me').set(bearer(token)).expect(401);
    expect(ended.body.error.code).toBe('SESSION_ENDED');
    expect((await api().get('/api/v1/me').set(bearer(changed.body.token)).expect(200)).body.phone).toBe(newPhone);
    // The codes were spent; the new number signs in to the same account, the old one to a new account.
    await as('/api/v1/me/phone').send({ phone: newPhone, oldCode, newCode }).expect(401);
    expect((await t.signIn(newPhone)).user.id).toBe(user.id);
    expect((await t.signIn(oldPhone)).user.id).not.toBe(user.id);
  });

  it('signs out everywhere: every earlier token is refused, also on /ws, and open sockets are closed', async () => {
    const phone = randomPhone();
    const laptop = await t.signIn(phone);
    const phoneApp = await t.signIn(phone);
    const socket = await connectProgress(t.backend.url, { token: laptop.token, via: 'protocol' });
    await socket.next('ready');
    const closed = closeOf(socket.socket);

    await api().post('/api/v1/me/sign-out-everywhere').set(bearer(phoneApp.token)).expect(200, { signedOut: true });
    for (const token of [laptop.token, phoneApp.token]) {
      expect((await api().get('/api/v1/me').set(bearer(token)).expect(401)).body.error.code).toBe('SESSION_ENDED');
    }
    expect(await closed).toEqual({ code: 4001, reason: 'session ended' });
    expect(await refusedStatus(t.backend.url, '/ws', ['aiphoto-progress', laptop.token])).toBe(401);
    const again = await t.signIn(phone);
    await api().get('/api/v1/me').set(bearer(again.token)).expect(200);
  });

  it('is for the portal sign-in only: an API key cannot change the profile', async () => {
    const { token } = await t.signIn(randomPhone());
    const key = (await api().post('/api/v1/api-keys').set(bearer(token)).send({ name: 'n8n' }).expect(201)).body.key;
    await api().get('/api/v1/me').set('X-API-Key', key).expect(200);
    await api().patch('/api/v1/me').set(bearer(key)).send({ nickname: 'x' }).expect(401);
    await api().post('/api/v1/me/sign-out-everywhere').set(bearer(key)).expect(401);
  });

  if (driver === 'mysql')
    it('another replica refuses the old tokens at once (announced through Redis), though it had accepted them', async () => {
      const { token } = await t.signIn(randomPhone());
      const replica = await t.replica();
      await request(replica.app).get('/api/v1/me').set(bearer(token)).expect(200); // its cache now holds the version
      await api().post('/api/v1/me/sign-out-everywhere').set(bearer(token)).expect(200);
      await waitFor(async () => (await request(replica.app).get('/api/v1/me').set(bearer(token))).status === 401, {
        what: 'the replica to refuse the ended session',
      });
    });
});
