/**
 * Paying in the portal with every channel against the sandbox, which speaks WeChat Pay and Alipay:
 * on a desktop a WeChat Pay QR code (decoded from the picture, "scanned" on the sandbox's WeChat
 * page, paid twice → granted once), a failed and a cancelled payment shown as such, and Alipay's
 * desktop cashier returning to /billing/return; on a 375 px phone WeChat H5, Alipay WAP and the
 * sandbox pay page. Billing lists the orders and the ledger; a receipt shows the trade numbers.
 * Credits: a daily check-in, a credit pack whose credits keep their own end date, and an invite
 * link whose friend's first payment rewards both.
 * Screenshots go to test-artifacts/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Stack } from '../../scripts/stack';
import { payMembership, randomPhone, signInMerchant } from '../../scripts/stack-client';
import { horizontalOverflow, screenshot, watchCsp, watchErrors } from './support/browser';
import { readQr } from './support/qr';
import { startUiStack, type UiStack } from './support/ui-stack';

jest.setTimeout(120_000);

let ui: UiStack;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  ui = await startUiStack('billing');
  ({ stack, browser } = ui);
}, 15 * 60_000);
afterAll(() => ui?.close(), 60_000);

/** A browser context signed in as a fresh merchant (token put where the portal keeps it). */
async function signedIn(options: Parameters<Browser['newContext']>[0]) {
  const merchant = await signInMerchant(stack, randomPhone('136'));
  const context = await browser.newContext(options);
  await context.addInitScript((token) => window.localStorage.setItem('aiphoto.token', token), merchant.token);
  const errors = watchErrors(context, stack.backend.url);
  // CSP violations are console errors too, so `errors` staying empty proves none happened.
  await watchCsp(context, stack.backend.url);
  const page = await context.newPage();
  return { context, page, errors, token: merchant.token };
}

const credits = (page: Page) => page.textContent('[data-testid=header-credits]');

async function openBilling(page: Page) {
  await page.goto(`${stack.backend.url}/billing`);
  await page.waitForSelector('[data-testid=billing] [data-testid=buy]:not([disabled])');
}

/** Starts a purchase with `channel` from the Billing page's membership card. */
async function buyWith(page: Page, channel: 'wechat' | 'alipay' | 'sandbox') {
  await page.click('[data-testid=buy]');
  await page.click(`[data-testid=pay-${channel}]`);
}

describe('paying on a desktop', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ context, page, errors } = await signedIn({ viewport: { width: 1280, height: 900 } }));
    await openBilling(page);
  });
  afterAll(() => context?.close());
  afterEach(() => expect(errors).toEqual([]));

  it('WeChat Pay: shows a QR code with amount and countdown; scanning and paying twice grants once', async () => {
    await buyWith(page, 'wechat');
    const codeUrl = await readQr(page, '[data-testid=pay-qr]');
    expect(codeUrl).toMatch(/^weixin:\/\/wxpay\/bizpayurl\?pr=/);
    expect(await page.textContent('[data-testid=pay-qr-panel]')).toContain('¥99');
    expect(await page.textContent('[data-testid=pay-countdown]')).toMatch(/^1[45]:\d\d$/);
    await screenshot(page, 'billing-wechat-qr');

    const phone = await context.newPage(); // the payer's WeChat, after scanning
    await phone.goto(`${stack.sandbox.url}/sandbox/wechat/scan?code_url=${encodeURIComponent(codeUrl)}`);
    await phone.click('#pay');
    await phone.waitForSelector('#state >> text=SUCCESS');
    await phone.click('#pay'); // paid again: WeChat resends the notify
    await phone.waitForFunction(() => document.getElementById('out')?.textContent?.includes('"status": 204'));
    await phone.close();

    await page.waitForSelector('[data-testid=pay-paid]');
    await page.waitForFunction(() => document.querySelector('[data-testid=header-credits]')?.textContent === '100 点');
    await page.waitForSelector('[data-testid=order-row][data-status=paid][data-channel=wechat]');
    expect(await page.locator('[data-testid=ledger-row][data-source=membership]').count()).toBe(1);
  });

  it('a failed WeChat payment and a cancelled one are shown as such, and charge nothing', async () => {
    await openBilling(page);
    await buyWith(page, 'wechat');
    const codeUrl = await readQr(page, '[data-testid=pay-qr]');
    const phone = await context.newPage();
    await phone.goto(`${stack.sandbox.url}/sandbox/wechat/scan?code_url=${encodeURIComponent(codeUrl)}`);
    await phone.click('#fail');
    await phone.waitForSelector('#state >> text=PAYERROR');
    await phone.close();
    await page.waitForSelector('[data-testid=pay-ended][data-status=failed]', { timeout: 20_000 });
    await screenshot(page, 'billing-payment-failed');

    await page.click('[data-testid=pay-ended] button');
    await page.click('[data-testid=pay-wechat]');
    await readQr(page, '[data-testid=pay-qr]');
    await page.click('[data-testid=pay-cancel]');
    await page.waitForSelector('[data-testid=pay-ended][data-status=closed]');
    await openBilling(page);
    await page.waitForSelector('[data-testid=order-row][data-status=failed]');
    await page.waitForSelector('[data-testid=order-row][data-status=closed]');
    expect(await credits(page)).toBe('100 点');
  });

  it('Alipay: the desktop cashier pays and returns to the portal, which asks the server, not the URL', async () => {
    await buyWith(page, 'alipay');
    await page.waitForURL(/\/gateway\.do\?/);
    await page.waitForSelector('text=Alipay cashier');
    await screenshot(page, 'billing-alipay-cashier');
    await page.click('#pay');
    await page.waitForURL(/\/billing\/return\?orderId=/);
    await page.waitForSelector('[data-testid=pay-return][data-status=paid]');
    await screenshot(page, 'billing-return-paid');
    await page.waitForFunction(() => document.querySelector('[data-testid=header-credits]')?.textContent === '200 点');

    await page.click('[data-testid=pay-return] >> text=账单');
    await page.waitForSelector('[data-testid=order-row][data-status=paid][data-channel=alipay]');
    expect(await page.locator('[data-testid=order-row][data-status=paid]').count()).toBe(2);
    expect(await page.locator('[data-testid=ledger-row][data-source=membership]').count()).toBe(2);
    await screenshot(page, 'billing-desktop');

    await page.click('[data-testid=order-row][data-channel=alipay] >> text=收据');
    await page.waitForSelector('[data-testid=receipt][data-status=paid]');
    const receipt = await page.textContent('[data-testid=receipt]');
    expect(receipt).toMatch(/支付流水号\d{28}/);
    expect(receipt).toContain('支付宝');
    await screenshot(page, 'billing-receipt');
  });
});

describe('paying on a 375 px phone', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    ({ context, page, errors } = await signedIn({
      viewport: { width: 375, height: 812 },
      isMobile: true,
      hasTouch: true,
      userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
    }));
    await openBilling(page);
  });
  afterAll(() => context?.close());
  afterEach(() => expect(errors).toEqual([]));

  it('WeChat Pay H5: the phone cashier returns to the order', async () => {
    await buyWith(page, 'wechat');
    await page.waitForURL(/\/sandbox\/wechat\/h5\?prepay_id=/);
    await page.click('#pay');
    await page.waitForURL(/\/billing\/return\?orderId=/);
    await page.waitForSelector('[data-testid=pay-return][data-status=paid]');
    expect({ overflow: await horizontalOverflow(page) }).toEqual({ overflow: 0 });
    await screenshot(page, 'mobile-billing-return');
  });

  it('Alipay WAP: the phone cashier pays and returns; giving up there leaves the order closed', async () => {
    await openBilling(page);
    await buyWith(page, 'alipay');
    await page.waitForURL(/method=alipay\.trade\.wap\.pay/);
    await page.click('#pay');
    await page.waitForSelector('[data-testid=pay-return][data-status=paid]');
    await page.waitForFunction(() => document.querySelector('[data-testid=header-credits]')?.textContent === '200 点');

    await openBilling(page);
    await buyWith(page, 'alipay');
    await page.waitForURL(/method=alipay\.trade\.wap\.pay/);
    await page.click('#fail'); // the payer gives up: Alipay closes the trade and goes to quit_url
    await page.waitForURL(/\/billing$/);
    await page.waitForSelector('[data-testid=order-row][data-status=pending][data-channel=alipay]');
  });

  it('the sandbox pay page beside the portal, and Billing fits the screen', async () => {
    await openBilling(page);
    await page.click('[data-testid=buy]');
    const [payPage] = await Promise.all([context.waitForEvent('page'), page.click('[data-testid=pay-sandbox]')]);
    await payPage.waitForSelector('#pay');
    await payPage.click('#pay');
    await page.waitForSelector('[data-testid=pay-paid]');
    await payPage.close();
    await page.waitForFunction(() => document.querySelector('[data-testid=header-credits]')?.textContent === '300 点');
    expect(await page.locator('[data-testid=order-row][data-status=paid]').count()).toBe(3);
    expect({ route: '/billing', overflow: await horizontalOverflow(page) }).toEqual({ route: '/billing', overflow: 0 });
    await screenshot(page, 'mobile-billing');
    await page.click('[data-testid=order-row] >> nth=0 >> text=收据');
    await page.waitForSelector('[data-testid=receipt][data-status=paid]');
    expect({ route: 'receipt', overflow: await horizontalOverflow(page) }).toEqual({ route: 'receipt', overflow: 0 });
    await screenshot(page, 'mobile-receipt');
  });
});

describe('credits on Billing', () => {
  let context: BrowserContext;
  let page: Page;
  let errors: string[];

  beforeAll(async () => {
    let token: string;
    ({ context, page, errors, token } = await signedIn({ viewport: { width: 1280, height: 900 } }));
    await payMembership(stack, token);
    await openBilling(page);
  });
  afterAll(() => context?.close());
  afterEach(() => expect(errors).toEqual([]));

  it('checks in once a day and shows each credit lot with when it ends', async () => {
    await page.waitForSelector('[data-testid=checkin][data-done=false]');
    await page.click('[data-testid=checkin-button]');
    await page.waitForSelector('[data-testid=checkin][data-done=true]');
    await page.waitForFunction(() => document.querySelector('[data-testid=header-credits]')?.textContent === '102 点');
    await page.waitForSelector('[data-testid=credit-lot][data-source=checkin]');
    expect(await page.textContent('[data-testid=credit-lot][data-source=membership]')).toContain('随会员有效');
    await page.waitForSelector('[data-testid=ledger-row][data-source=checkin]');
  });

  it('buys a credit pack; its credits keep their own end date', async () => {
    await page.click('[data-testid=pack] >> nth=0 >> [data-testid=buy-pack]');
    const [payPage] = await Promise.all([
      context.waitForEvent('page'),
      page.click('[data-testid=pack] >> nth=0 >> [data-testid=pay-sandbox]'),
    ]);
    await payPage.click('#pay');
    await page.waitForSelector('[data-testid=pack] [data-testid=pay-paid]');
    await payPage.close();
    await page.waitForFunction(() => document.querySelector('[data-testid=header-credits]')?.textContent === '152 点');
    const lot = await page.textContent('[data-testid=credit-lot][data-source=pack]');
    expect(lot).toMatch(/到期/);
    expect(lot).toContain('50');
    await page.waitForSelector('[data-testid=order-row] >> text=50 点加油包');
    await screenshot(page, 'billing-credits');
  });

  it('an invite link brings a friend whose first payment rewards both', async () => {
    const code = (await page.textContent('[data-testid=invite-code]')) ?? '';
    expect(code).toMatch(/^[A-Z2-9]{8}$/);
    const friendContext = await browser.newContext({ viewport: { width: 375, height: 812 } });
    const friendErrors = watchErrors(friendContext, stack.backend.url);
    await watchCsp(friendContext, stack.backend.url);
    const friend = await friendContext.newPage();
    await friend.goto(`${stack.backend.url}/?invite=${code}`);
    const phone = randomPhone('139');
    await friend.fill('input[name=phone]', phone);
    await friend.click('[data-testid=send-code]');
    const outbox = (await (await fetch(`${stack.sandbox.url}/sandbox/sms/outbox?phone=${phone}`)).json()) as {
      items: Array<{ code: string }>;
    };
    await friend.fill('input[name=code]', outbox.items[0].code);
    await friend.click('button[type=submit]');
    await friend.waitForSelector('[data-testid=header-credits]');
    await friend.goto(`${stack.backend.url}/billing`);
    await friend.waitForSelector('[data-testid=invite] >> text=已填写邀请码');
    expect({ overflow: await horizontalOverflow(friend) }).toEqual({ overflow: 0 });
    await screenshot(friend, 'mobile-billing-invited');
    const friendToken = await friend.evaluate(() => window.localStorage.getItem('aiphoto.token'));
    await payMembership(stack, friendToken ?? '');
    await friendContext.close();
    expect(friendErrors).toEqual([]);

    await openBilling(page);
    await page.waitForSelector('[data-testid=invite-counts] >> text=已邀请 1 人，已奖励 1 次');
    await page.waitForSelector('[data-testid=credit-lot][data-source=invite]');
    expect(await credits(page)).toBe('172 点');
  });
});

/** Chinese (and full-width) characters: an English line has none (issue 15, item 9). */
const CJK = /[\u3400-\u9fff\uff00-\uffef]/;

describe.each([
  ['zh', 375, 812],
  ['zh', 1280, 860],
  ['en', 375, 812],
  ['en', 1280, 860],
] as const)('before signing in (%s, %i px)', (lang, width, height) => {
  const tag = `${lang}-${width === 375 ? 'mobile' : 'desktop'}`;

  it('lists the plan and each product’s price per photo, and a wrong code is said in the language only', async () => {
    const context = await browser.newContext({ viewport: { width, height }, isMobile: width === 375 });
    await context.addInitScript((l) => window.localStorage.setItem('aiphoto.lang', l), lang);
    const errors = watchErrors(context, stack.backend.url);
    await watchCsp(context, stack.backend.url);
    const page = await context.newPage();
    const types = (
      (await (await fetch(`${stack.backend.url}/api/v1/task-types`)).json()) as {
        items: Array<{ key: string; credits: number; outputs: number; name: { zh: string; en: string } }>;
      }
    ).items;
    expect(types.length).toBeGreaterThanOrEqual(2);
    await page.goto(stack.backend.url);
    await page.waitForSelector('[data-testid=price-list] [data-testid=price-plan]');
    expect(await page.textContent('[data-testid=price-plan]')).toBe(
      { zh: '会员 ¥99：100 点额度，30 天有效', en: 'Membership ¥99: 100 credits, valid 30 days' }[lang],
    );
    for (const type of types) {
      const row = await page.textContent(`[data-testid=price-type][data-type=${type.key}]`);
      expect(row).toBe(
        lang === 'zh'
          ? `${type.name.zh}每张照片 ${type.credits} 点 · 出 ${type.outputs} 张图`
          : `${type.name.en}${type.credits} credits per photo · ${type.outputs} images`,
      );
    }
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, `pricing-public-${tag}`);

    // A wrong texted code: the whole error line in the page's language, no "出错了：" around English.
    const phone = randomPhone(lang === 'zh' ? '137' : '139');
    await page.fill('input[name=phone]', phone);
    await page.click('[data-testid=send-code]');
    await page.waitForSelector('[data-testid=send-code][disabled]');
    const sent = (await (await fetch(`${stack.sandbox.url}/sandbox/sms/outbox?phone=${phone}`)).json()) as {
      items: Array<{ code: string }>;
    };
    const wrong = String((Number(sent.items[0].code) + 1) % 1_000_000).padStart(6, '0');
    await page.fill('input[name=code]', wrong);
    await page.click('button[type=submit]');
    const alert = page.locator('form [role=alert]');
    await alert.waitFor();
    const line = (await alert.innerText()).trim();
    expect(line).toBe({ zh: '验证码不正确', en: 'The code is not correct' }[lang]);
    if (lang === 'en') expect(line).not.toMatch(CJK);
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, `login-wrong-code-${tag}`);

    // Switching the language leaves no line of the other one behind.
    await page.click('[data-testid=lang-toggle]');
    const other = lang === 'zh' ? 'en' : 'zh';
    await page.waitForSelector(
      `[data-testid=price-plan] >> text=${{ zh: '会员 ¥99：100 点额度，30 天有效', en: 'Membership ¥99: 100 credits, valid 30 days' }[other]}`,
    );
    const after = (await alert.innerText()).trim();
    expect(after).toBe({ zh: '验证码不正确', en: 'The code is not correct' }[other]);
    await screenshot(page, `login-wrong-code-${tag}-to-${other}`);
    await context.close();
    // The refused sign-in may be reported as a failed load; nothing else went wrong.
    expect(errors.filter((e) => !/\/auth\/login → 4\d\d$/.test(e) && !/status of 4\d\d/.test(e))).toEqual([]);
  });
});

describe.each([
  ['zh', 1280, 900],
  ['en', 375, 812],
  ['zh', 375, 812],
  ['en', 1280, 900],
] as const)('prices said before anything is spent (%s, %i px)', (lang, width, height) => {
  const tag = `${lang}-${width === 375 ? 'mobile' : 'desktop'}`;
  const day = (days: number) =>
    new Date(Date.now() + days * 86400_000).toLocaleDateString(lang === 'zh' ? 'zh-CN' : 'en-GB');

  it('says what paying adds; a pending WeChat payment survives a reload and is resumed, not opened again', async () => {
    const { context, page, errors, token } = await signedIn({
      viewport: { width, height },
      ...(width === 375
        ? {
            isMobile: true,
            hasTouch: true,
            userAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148',
          }
        : {}),
    });
    await context.addInitScript((l) => window.localStorage.setItem('aiphoto.lang', l), lang);
    const myOrders = async () =>
      (
        (await (
          await fetch(`${stack.backend.url}/api/v1/me/orders`, { headers: { Authorization: `Bearer ${token}` } })
        ).json()) as { items: Array<{ id: string; status: string }> }
      ).items;
    await openBilling(page);
    await page.click('[data-testid=buy]');
    expect(await page.textContent('[data-testid=renewal-preview]')).toBe(
      lang === 'zh'
        ? `支付后：额度 0 → 100 点，有效期至 ${day(30)}`
        : `Once paid: 0 → 100 credits, valid until ${day(30)}`,
    );
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, `billing-new-preview-${tag}`);
    const mobile = width === 375;
    await page.click('[data-testid=pay-wechat]');
    // A desktop shows a QR code; a phone goes to WeChat's H5 cashier. Either way the payment is left
    // unfinished, the portal reloaded, and the same order (same code, same cashier) comes back.
    const cashier = /\/sandbox\/wechat\/h5\?prepay_id=/;
    let codeUrl = '';
    if (mobile) {
      await page.waitForURL(cashier);
      codeUrl = new URL(page.url()).searchParams.get('prepay_id') ?? '';
      await openBilling(page);
    } else {
      codeUrl = await readQr(page, '[data-testid=pay-qr]');
      await page.reload();
    }
    await page.waitForSelector('[data-testid=pending-order]');
    const [pendingOrder] = await myOrders();
    expect(pendingOrder?.status).toBe('pending');
    expect(await page.getAttribute('[data-testid=pending-order]', 'data-order-id')).toBe(pendingOrder?.id);
    expect(await page.textContent('[data-testid=pending-order]')).toMatch(
      lang === 'zh'
        ? /^你有一笔未完成的订单：会员 ¥99，请在 \d\d:\d\d 前完成支付/
        : /^You have an unfinished order: Membership ¥99\. Pay before \d\d:\d\d/,
    );
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, `billing-pending-order-${tag}`);
    await page.click('[data-testid=pending-continue]');
    if (mobile) {
      await page.waitForURL(cashier);
      expect(new URL(page.url()).searchParams.get('prepay_id')).toBe(codeUrl);
      expect((await myOrders()).length).toBe(1);
      await page.click('#pay');
      await page.waitForSelector('[data-testid=pay-return][data-status=paid]');
    } else {
      expect(await readQr(page, '[data-testid=pay-qr]')).toBe(codeUrl);
      expect((await myOrders()).length).toBe(1);
      const phone = await context.newPage();
      await phone.goto(`${stack.sandbox.url}/sandbox/wechat/scan?code_url=${encodeURIComponent(codeUrl)}`);
      await phone.click('#pay');
      await phone.waitForSelector('#state >> text=SUCCESS');
      await phone.close();
      await page.waitForSelector('[data-testid=pay-paid]');
    }
    const hundred = lang === 'zh' ? '100 点' : '100 credits';
    await page.waitForFunction(
      (text) => document.querySelector('[data-testid=header-credits]')?.textContent === text,
      hundred,
    );
    expect((await myOrders()).map((o) => o.status)).toEqual(['paid']);

    // A member renewing: the credits add up and the new period follows the current one.
    await openBilling(page);
    await page.waitForSelector('[data-testid=pending-order]', { state: 'detached' });
    await page.click('[data-testid=buy]');
    expect(await page.textContent('[data-testid=renewal-preview]')).toBe(
      lang === 'zh'
        ? `支付后：额度 100 → 200 点，有效期从 ${day(30)} 顺延至 ${day(60)}`
        : `Once paid: 100 → 200 credits, extended from ${day(30)} to ${day(60)}`,
    );
    expect(await horizontalOverflow(page)).toBe(0);
    await screenshot(page, `billing-renewal-preview-${tag}`);
    await context.close();
    expect(errors).toEqual([]);
  });
});
