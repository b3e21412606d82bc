import { chooseScene, countdown, currentDevice, nextStep, refreshOnTick } from '../lib/checkout';

const wechat = { channel: 'wechat' as const, scenes: ['native' as const, 'h5' as const, 'jsapi' as const] };
const alipay = { channel: 'alipay' as const, scenes: ['page' as const, 'wap' as const, 'qr' as const] };

describe('checkout', () => {
  it('asks for the phone cashier on a phone and a QR code or the desktop cashier elsewhere', () => {
    expect(chooseScene(wechat, { phone: false })).toBe('native');
    expect(chooseScene(wechat, { phone: true })).toBe('h5');
    expect(chooseScene({ channel: 'wechat', scenes: ['native', 'jsapi'] }, { phone: true })).toBe('native');
    expect(chooseScene(alipay, { phone: false })).toBe('page');
    expect(chooseScene(alipay, { phone: true })).toBe('wap');
    expect(chooseScene({ channel: 'alipay', scenes: ['qr'] }, { phone: true })).toBe('qr');
    // JSAPI needs an openid only a WeChat client has: never chosen by the portal.
    expect(chooseScene({ channel: 'wechat', scenes: ['jsapi'] }, { phone: true })).toBeNull();
  });

  it('turns pay params into the next step', () => {
    expect(nextStep('wechat', { outTradeNo: 'a', codeUrl: 'weixin://wxpay/bizpayurl?pr=x' })).toEqual({
      kind: 'qr',
      value: 'weixin://wxpay/bizpayurl?pr=x',
    });
    expect(nextStep('alipay', { qrCode: 'https://qr.example/x' })).toEqual({
      kind: 'qr',
      value: 'https://qr.example/x',
    });
    expect(nextStep('wechat', { h5Url: 'https://h5.example/x' })).toEqual({
      kind: 'redirect',
      url: 'https://h5.example/x',
    });
    expect(nextStep('alipay', { payUrl: 'https://gw.example/x' })).toEqual({
      kind: 'redirect',
      url: 'https://gw.example/x',
    });
    expect(nextStep('sandbox', { codeUrl: 'weixin://x', payUrl: 'http://sb/pay' })).toEqual({
      kind: 'popup',
      url: 'http://sb/pay',
    });
    expect(nextStep('wechat', { jsapi: {} })).toEqual({ kind: 'unsupported' });
  });

  it('counts down to the payment deadline, never below zero', () => {
    const at = Date.parse('2026-01-01T00:15:00Z');
    expect(countdown('2026-01-01T00:15:00Z', at - 14 * 60_000 - 59_000)).toBe('14:59');
    expect(countdown('2026-01-01T00:15:00Z', at + 5000)).toBe('00:00');
  });

  it('asks the channel on every third poll', () => {
    expect([0, 1, 2, 3, 4, 5].map(refreshOnTick)).toEqual([false, false, true, false, false, true]);
  });

  it('sees a phone by its screen or its browser', () => {
    const win = (narrow: boolean, ua: string) =>
      ({ matchMedia: () => ({ matches: narrow }), navigator: { userAgent: ua } }) as unknown as Window;
    expect(currentDevice(win(true, 'Mozilla/5.0 (X11; Linux x86_64)')).phone).toBe(true);
    expect(currentDevice(win(false, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0)')).phone).toBe(true);
    expect(currentDevice(win(false, 'Mozilla/5.0 (X11; Linux x86_64)')).phone).toBe(false);
  });
});
