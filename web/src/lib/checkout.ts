import type { Schemas } from '../common/openapi';

export type ChannelName = Schemas['PurchaseRequest']['channel'];
export type PayScene = NonNullable<Schemas['PurchaseRequest']['scene']>;
export type EnabledChannel = Schemas['PaymentChannels']['channels'][number];

/** What the browser is, as far as choosing a payment scene goes. */
export interface Device {
  /** A phone-sized screen or a mobile browser: cashiers for phones, no QR to scan on the same screen. */
  phone: boolean;
}

export function currentDevice(win: Pick<Window, 'matchMedia' | 'navigator'> = window): Device {
  const narrow = win.matchMedia?.('(max-width: 640px)').matches ?? false;
  return { phone: narrow || /Mobi|Android|iPhone|iPad/i.test(win.navigator.userAgent) };
}

/**
 * The scene to ask for: on a phone the channel's phone cashier (WeChat H5, Alipay WAP) when it
 * is enabled, else what works everywhere — a QR code for WeChat (scanned with another phone,
 * or long-pressed inside WeChat), the desktop cashier or a QR code for Alipay. JSAPI needs the
 * payer's openid, which only a WeChat client (mini-program) has: the portal never asks for it.
 */
export function chooseScene(channel: EnabledChannel, device: Device): PayScene | null {
  const has = (s: PayScene) => channel.scenes.includes(s);
  const order: PayScene[] =
    channel.channel === 'alipay'
      ? device.phone
        ? ['wap', 'page', 'qr']
        : ['page', 'qr', 'wap']
      : device.phone
        ? ['h5', 'native']
        : ['native'];
  return order.find(has) ?? null;
}

/** How the portal carries on after the purchase answered. */
export type NextStep =
  | { kind: 'qr'; value: string }
  | { kind: 'redirect'; url: string }
  | { kind: 'popup'; url: string }
  | { kind: 'unsupported' };

export function nextStep(channel: ChannelName, payParams: Record<string, unknown>): NextStep {
  const text = (key: string) => (typeof payParams[key] === 'string' ? (payParams[key] as string) : null);
  // The sandbox channel's pay page stands in for the payer's phone: open it beside the portal.
  if (channel === 'sandbox' && text('payUrl')) return { kind: 'popup', url: text('payUrl')! };
  const qr = text('codeUrl') ?? text('qrCode');
  if (qr) return { kind: 'qr', value: qr };
  const url = text('h5Url') ?? text('payUrl');
  if (url) return { kind: 'redirect', url };
  return { kind: 'unsupported' };
}

/** `mm:ss` left until `expiresAt` (never negative). */
export function countdown(expiresAt: string, now: number): string {
  const left = Math.max(0, Math.floor((Date.parse(expiresAt) - now) / 1000));
  return `${String(Math.floor(left / 60)).padStart(2, '0')}:${String(left % 60).padStart(2, '0')}`;
}

/** Whether a tick of the order poll also asks the channel (every third tick: failures are only learnt by asking). */
export function refreshOnTick(tick: number): boolean {
  return tick % 3 === 2;
}
