/**
 * The merchant's account in Chromium against the sandbox: WeChat QR sign-in (the QR code decoded
 * from the sandbox's qrconnect page and "scanned" by a phone, which allows or declines; the first
 * time a phone number is verified by SMS and linked, afterwards WeChat signs straight in), and the
 * 账户 page at 375 px: nickname, picture, linking and unlinking WeChat by QR, changing the phone
 * number with codes to both numbers, and signing out everywhere (another browser's session ends).
 * Screenshots go to test-artifacts/screenshots/.
 */
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stack } from '../../scripts/stack';
import { waitFor } from '../../jest/wait-for';
import { randomPhone, requestJson, signInMerchant } from '../../scripts/stack-client';
import { horizontalOverflow, imagesLoaded, screenshot, watchErrors } from './support/browser';
import { readQr } from './support/qr';
import { startUiStack, type UiStack } from './support/ui-stack';

jest.setTimeout(120_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  ui = await startUiStack('account');
  ({ stack, browser } = ui);
}, 15 * 60_000);
afterAll(() => ui?.close(), 60_000);

const PHONE_VIEWPORT = { width: 375, height: 740 };

/** The codes the sandbox texted to `phone`, newest first. */
async function outbox(phone: string): Promise<string[]> {
  const answer = await requestJson<{ items: Array<{ code: string }> }>(
    `${stack.sandbox.url}/sandbox/sms/outbox?phone=${phone}`,
  );
  return answer.items.map((m) => m.code);
}

/** The newest code texted to `phone` once there are more than `before` of them. */
async function nextSmsCode(phone: string, before: number): Promise<string> {
  const codes = await waitFor(
    () => outbox(phone),
    (c) => c.length > before,
    { what: `a code for ${phone}` },
  );
  return codes[0];
}

/**
 * Being the phone: opens the QR code of the sandbox's WeChat login page in another browser (the
 * WeChat app after the scan) and allows (or declines) as WeChat user `user`.
 */
async function scanWithPhone(page: Page, user: string, action: 'allow' | 'deny' = 'allow'): Promise<void> {
  await page.waitForURL(/\/connect\/qrconnect\?/);
  const confirmUrl = await readQr(page, '[data-testid=wechat-login-qr]');
  expect(confirmUrl).toMatch(new RegExp(`^${stack.sandbox.url}/connect/confirm\\?uuid=`));
  const phone = await browser.newContext({ viewport: PHONE_VIEWPORT });
  try {
    const app = await phone.newPage();
    await app.goto(confirmUrl);
    await page.waitForSelector('[data-testid=wechat-login-status] >> text=扫描成功');
    await app.fill('[data-testid=wechat-user]', user);
    await app.click(`[data-testid=wechat-${action}]`);
    await app.waitForSelector(
      `[data-testid=wechat-confirm-result] >> text=${action === 'allow' ? 'confirmed' : 'denied'}`,
    );
  } finally {
    await phone.close();
  }
}

describe('WeChat QR sign-in on a desktop', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const wechatUser = `alice-${randomBytes(3).toString('hex')}`;
  const phone = randomPhone('139');

  beforeAll(async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    errors = watchErrors(context, stack.backend.url);
    page = await context.newPage();
  });
  afterAll(() => context?.close());
  afterEach(() => expect(errors).toEqual([]));

  it('the first time: scan, allow, verify a phone by SMS → signed in and linked', async () => {
    await page.goto(stack.backend.url);
    await page.click('[data-testid=wechat-login]');
    await screenshot(page, 'account-wechat-qr');
    await scanWithPhone(page, wechatUser);

    await page.waitForURL(/\/login\/wechat\?code=\w+&state=[0-9a-f]{32}$/);
    await page.waitForSelector('[data-testid=wechat-person]');
    expect(await page.textContent('[data-testid=wechat-person]')).toContain(wechatUser);
    await screenshot(page, 'account-wechat-verify-phone');
    await page.fill('input[name=phone]', phone);
    await page.click('[data-testid=send-code]');
    await page.waitForSelector('text=验证码已发送');
    await page.fill('input[name=code]', await nextSmsCode(phone, 0));
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-testid=header-credits]');
    expect(new URL(page.url()).pathname).toBe('/');

    await page.click('[data-testid=nav-profile]');
    await page.waitForSelector(`[data-testid=wechat-linked] >> text=${wechatUser}`);
    expect(await page.textContent('[data-testid=profile-phone-current]')).toContain(phone);
    // The WeChat nickname became the merchant's.
    expect(await page.inputValue('input[name=nickname]')).toBe(wechatUser);
  });

  it('afterwards WeChat signs straight in; declining on the phone is shown as such', async () => {
    await page.click('text=退出');
    await page.click('[data-testid=wechat-login]');
    await scanWithPhone(page, wechatUser);
    await page.waitForSelector('[data-testid=header-credits]');
    expect(new URL(page.url()).pathname).toBe('/');

    await page.click('text=退出');
    await page.click('[data-testid=wechat-login]');
    await scanWithPhone(page, wechatUser, 'deny');
    await page.waitForSelector('[data-testid=wechat-failed] >> text=你已取消微信授权');
    await screenshot(page, 'account-wechat-denied');
    await page.click('text=返回登录');
    await page.waitForSelector('[data-testid=wechat-login]');
  });

  it('a way back that this browser did not start is refused without asking the server', async () => {
    await page.goto(`${stack.backend.url}/login/wechat?code=abc&state=${'f'.repeat(32)}`);
    await page.waitForSelector('[data-testid=wechat-failed] >> text=不是从本浏览器发起');
  });
});

describe('the 账户 page on a 375 px phone', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];
  const phone = randomPhone('137');
  const newPhone = randomPhone('135');

  beforeAll(async () => {
    const merchant = await signInMerchant(stack, phone);
    context = await browser.newContext({ viewport: PHONE_VIEWPORT });
    await context.addInitScript((token) => {
      if (!window.localStorage.getItem('aiphoto.token')) window.localStorage.setItem('aiphoto.token', token);
    }, merchant.token);
    errors = watchErrors(context, stack.backend.url);
    page = await context.newPage();
    await page.goto(`${stack.backend.url}/profile`);
    await page.waitForSelector('[data-testid=profile]');
  });
  afterAll(() => context?.close());
  afterEach(() => expect(errors).toEqual([]));

  it('sets the nickname and a picture, removes the picture; the page fits the screen', async () => {
    await page.fill('input[name=nickname]', '  小店 Ann ');
    await page.click('[data-testid=nickname-save]');
    await page.waitForSelector('[data-testid=profile-basics] >> text=已保存');
    expect(await page.inputValue('input[name=nickname]')).toBe('  小店 Ann ');

    const picture = await sharp({ create: { width: 640, height: 480, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    await page.setInputFiles('[data-testid=avatar-file]', { name: 'me.png', mimeType: 'image/png', buffer: picture });
    await imagesLoaded(page, '[data-testid=profile-basics] img.avatar', 1);
    await imagesLoaded(page, '.topbar img.avatar', 1);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'account-profile-375');

    await page.click('[data-testid=avatar-remove]');
    await page.waitForSelector('[data-testid=profile-basics] .avatar-letter >> text=小');
  });

  it('links WeChat by QR from the profile, then unlinks it', async () => {
    const user = `bob-${randomBytes(3).toString('hex')}`;
    await page.click('[data-testid=wechat-link]');
    await scanWithPhone(page, user);
    await page.waitForURL(/\/profile\?wechat=linked$/);
    await page.waitForSelector(`[data-testid=wechat-linked] >> text=${user}`);
    await page.waitForSelector('text=微信绑定成功');

    await page.click('[data-testid=wechat-unlink]');
    await page.click('[data-testid=wechat-unlink-yes]');
    await page.waitForSelector('text=未绑定微信');
  });

  it('changes the phone number with a code to each number; the old number no longer names this account', async () => {
    await page.click('[data-testid=phone-change]');
    const before = (await outbox(phone)).length;
    await page.click('[data-testid=phone-old-send]');
    const oldCode = await nextSmsCode(phone, before);
    await page.fill('input[name=oldCode]', oldCode);
    await page.fill('input[name=newPhone]', newPhone);
    await page.click('[data-testid=phone-new-send]');
    const newCode = await nextSmsCode(newPhone, 0);
    await page.fill('input[name=newCode]', newCode === '000000' ? '111111' : '000000');
    await page.click('[data-testid=phone-submit]');
    await page.waitForSelector('[data-testid=phone-message] >> text=验证码不正确');
    // That refusal is the one error this page may log.
    expect(errors.splice(0)).toEqual([
      expect.stringMatching(/^POST .*\/api\/v1\/me\/phone → 400$/),
      expect.stringMatching(/status of 400/),
    ]);
    await page.fill('input[name=newCode]', newCode);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, 'account-phone-change-375');
    await page.click('[data-testid=phone-submit]');
    await page.waitForSelector('[data-testid=phone-message] >> text=手机号已更换');
    expect(await page.textContent('[data-testid=profile-phone-current]')).toContain(newPhone);
    // The page kept working with the new token: a reload stays signed in.
    await page.reload();
    await page.waitForSelector(`[data-testid=profile-phone-current] >> text=${newPhone}`);
  });

  it('signs out everywhere: this browser and another one are both signed out', async () => {
    const other = await signInMerchant(stack, newPhone);
    const laptop = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      await laptop.addInitScript((token) => window.localStorage.setItem('aiphoto.token', token), other.token);
      const there = await laptop.newPage();
      await there.goto(`${stack.backend.url}/profile`);
      await there.waitForSelector(`[data-testid=profile-phone-current] >> text=${newPhone}`);

      await page.click('[data-testid=sign-out-everywhere]');
      await page.click('[data-testid=sign-out-everywhere-yes]');
      await page.waitForSelector('[data-testid=wechat-login]');

      await there.goto(`${stack.backend.url}/profile`);
      await there.waitForSelector('text=登录 / 注册');
    } finally {
      await laptop.close();
    }
    // The refused request of the signed-out laptop is in its own context, not this one's log.
  });
});
