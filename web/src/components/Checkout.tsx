import { useEffect, useRef, useState } from 'react';
import type { Order, PendingOrder } from '../api';
import {
  chooseScene,
  currentDevice,
  nextStep,
  refreshOnTick,
  type ChannelName,
  type EnabledChannel,
  type PayScene,
} from '../lib/checkout';
import { useI18n } from '../lib/i18n';
import { watchOrder } from '../lib/payment-watch';
import { useSignedIn } from '../lib/session-context';
import { PayQr } from './PayQr';

type State =
  | { kind: 'choose' }
  | { kind: 'creating' }
  | { kind: 'qr'; orderId: string; channel: 'wechat' | 'alipay'; value: string; amountFen: number; expiresAt: string }
  | { kind: 'waiting'; orderId: string; payUrl: string; blocked: boolean; resumed: boolean }
  | { kind: 'redirecting' }
  | { kind: 'confirming'; orderId: string }
  | { kind: 'paid' }
  | { kind: 'ended'; status: Order['status'] }
  | { kind: 'error'; message: string };

/** What the channel answered for an order, as far as carrying on goes. */
interface Answer {
  orderId: string;
  channel: ChannelName;
  amountFen: number;
  payParams: Record<string, unknown>;
}

export interface CheckoutProps {
  /** Creates the order (membership or credit pack) for the chosen channel and scene. */
  purchase(channel: ChannelName, scene: PayScene | null): Promise<Answer>;
  onPaid(): void | Promise<void>;
  onDone(): void;
  /** Continue this pending order (found after a reload) instead of choosing a channel. */
  resume?: PendingOrder;
}

/**
 * Paying for something: the enabled channels (the server says which), then the scene that fits
 * this browser — a QR code with a countdown, a redirect to the phone or desktop cashier (which
 * returns to /billing/return), or the sandbox's pay page beside the portal — and the order
 * followed until it is paid, failed or closed.
 */
export function Checkout({ purchase, onPaid, onDone, resume }: CheckoutProps) {
  const { api } = useSignedIn();
  const { t, errorText } = useI18n();
  const [channels, setChannels] = useState<EnabledChannel[] | null>(null);
  const [state, setState] = useState<State>(resume ? { kind: 'creating' } : { kind: 'choose' });
  const abort = useRef<AbortController | null>(null);

  useEffect(() => {
    api.channels().then(
      (r) => setChannels(r.channels),
      (err: unknown) => setState({ kind: 'error', message: errorText(err) }),
    );
    return () => abort.current?.abort();
  }, [api, errorText]);

  const follow = async (orderId: string, untilMs: number) => {
    abort.current?.abort();
    const controller = new AbortController();
    abort.current = controller;
    let tick = 0;
    const outcome = await watchOrder(() => api.order(orderId, refreshOnTick(tick++)), {
      signal: controller.signal,
      timeoutMs: untilMs,
    });
    if (outcome.kind === 'paid') {
      setState({ kind: 'paid' });
      await onPaid();
    } else if (outcome.kind === 'ended') setState({ kind: 'ended', status: outcome.order.status });
    return outcome;
  };

  const settleClosed = async (orderId: string) => {
    abort.current?.abort();
    try {
      const order = await api.closeOrder(orderId);
      if (order.status === 'paid') {
        setState({ kind: 'paid' });
        await onPaid();
      } else setState({ kind: 'ended', status: order.status });
    } catch (err) {
      setState({ kind: 'error', message: errorText(err) });
    }
  };

  /** Carries on with an order the channel has answered: a QR code, a cashier, or the sandbox pay page. */
  const proceed = async (answer: Answer, tab: Window | null, resumed: boolean) => {
    const step = nextStep(answer.channel, answer.payParams);
    const order = await api.order(answer.orderId);
    if (step.kind === 'popup') {
      if (tab) {
        tab.opener = null;
        tab.location.href = step.url;
      }
      setState({ kind: 'waiting', orderId: answer.orderId, payUrl: step.url, blocked: !tab && !resumed, resumed });
      const outcome = await follow(answer.orderId, 30_000);
      if (outcome.kind === 'timeout') setState({ kind: 'confirming', orderId: answer.orderId });
    } else if (step.kind === 'qr' && answer.channel !== 'sandbox') {
      setState({
        kind: 'qr',
        orderId: answer.orderId,
        channel: answer.channel,
        value: step.value,
        amountFen: answer.amountFen,
        expiresAt: order.expiresAt,
      });
      const outcome = await follow(answer.orderId, Math.max(0, Date.parse(order.expiresAt) - Date.now()));
      if (outcome.kind === 'timeout') await settleClosed(answer.orderId);
    } else if (step.kind === 'redirect') {
      setState({ kind: 'redirecting' });
      window.location.assign(step.url);
    } else setState({ kind: 'error', message: t('pay.unsupported') });
  };

  const pay = async (channel: EnabledChannel) => {
    // Opened inside the click so popup blockers allow it; only the sandbox's pay page uses it.
    const tab = channel.channel === 'sandbox' ? window.open('', '_blank') : null;
    setState({ kind: 'creating' });
    try {
      await proceed(await purchase(channel.channel, chooseScene(channel, currentDevice())), tab, false);
    } catch (err) {
      tab?.close();
      setState({ kind: 'error', message: errorText(err) });
    }
  };

  // A pending order found after a reload: straight back to its QR code, cashier or pay page.
  const resumeOrder = resume?.order.id;
  useEffect(() => {
    if (!resume) return;
    proceed(
      {
        orderId: resume.order.id,
        channel: resume.order.channel,
        amountFen: resume.order.amountFen,
        payParams: resume.payParams,
      },
      null,
      true,
    ).catch((err: unknown) => setState({ kind: 'error', message: errorText(err) }));
    // Once per resumed order (`proceed` and `resume` are new objects every render).
  }, [resumeOrder]);

  const refresh = async (orderId: string) => {
    try {
      const order = await api.order(orderId, true);
      if (order.status === 'paid') {
        setState({ kind: 'paid' });
        await onPaid();
      } else if (order.status === 'pending') setState({ kind: 'confirming', orderId });
      else setState({ kind: 'ended', status: order.status });
    } catch (err) {
      setState({ kind: 'error', message: errorText(err) });
    }
  };

  return (
    <div className="checkout" data-testid="checkout" data-state={state.kind}>
      {state.kind === 'choose' && (
        <div className="stack tight">
          <span className="muted small">{t('pay.choose')}</span>
          <div className="row wrap">
            {channels?.map((c) => (
              <button
                key={c.channel}
                type="button"
                className={`pay-channel ${c.channel}`}
                onClick={() => void pay(c)}
                data-testid={`pay-${c.channel}`}
              >
                {t(`pay.channel.${c.channel}`)}
              </button>
            ))}
            <button type="button" className="link" onClick={onDone}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
      {(state.kind === 'creating' || state.kind === 'redirecting') && (
        <p className="notice" role="status">
          <span className="spinner" aria-hidden /> {t(state.kind === 'creating' ? 'pay.creating' : 'pay.redirecting')}
        </p>
      )}
      {state.kind === 'qr' && <PayQr {...state} onCancel={() => void settleClosed(state.orderId)} />}
      {state.kind === 'waiting' && (
        <div className="notice" role="status" data-testid="pay-waiting">
          <span className="spinner" aria-hidden />{' '}
          {state.blocked ? t('member.popupBlocked') : state.resumed ? t('pricing.resumeWaiting') : t('member.waiting')}
          <a href={state.payUrl} target="_blank" rel="noopener noreferrer">
            {t('member.openPay')}
          </a>
        </div>
      )}
      {state.kind === 'confirming' && (
        <div className="notice warn" role="status" data-testid="pay-confirming">
          {t('member.confirming')}{' '}
          <button type="button" className="secondary" onClick={() => void refresh(state.orderId)}>
            {t('common.refresh')}
          </button>
        </div>
      )}
      {state.kind === 'paid' && (
        <p className="ok" data-testid="pay-paid">
          {t('member.paid')}
        </p>
      )}
      {state.kind === 'ended' && (
        <p className="error" role="alert" data-testid="pay-ended" data-status={state.status}>
          {t(state.status === 'failed' ? 'pay.failed' : 'pay.closed')}{' '}
          <button type="button" className="link" onClick={() => setState({ kind: 'choose' })}>
            {t('pay.again')}
          </button>
        </p>
      )}
      {state.kind === 'error' && (
        <p className="error" role="alert">
          {state.message}{' '}
          <button type="button" className="link" onClick={() => setState({ kind: 'choose' })}>
            {t('pay.again')}
          </button>
        </p>
      )}
    </div>
  );
}
