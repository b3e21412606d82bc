/**
 * Small HTTP helpers for code that drives a running stack from outside (the system e2e suite,
 * the browser tests' setup, the tasks bench): JSON calls that fail loudly, and a merchant signed
 * in with the SMS code from the sandbox outbox and, when asked, paid up in the sandbox.
 */
export interface StackUrls {
  backend: { url: string };
  sandbox: { url: string };
}

export interface Merchant {
  token: string;
  userId: string;
  phone: string;
}

/** A mainland mobile number nobody else in this run uses (random 8 digits after the prefix). */
export function randomPhone(prefix = '138'): string {
  return `${prefix}${String(Math.floor(Math.random() * 1e8)).padStart(11 - prefix.length, '0')}`;
}

/** A JSON request; throws with the status and body on anything but 2xx. */
export async function requestJson<T>(
  url: string,
  options: { method?: string; token?: string; body?: unknown } = {},
): Promise<T> {
  const res = await fetch(url, {
    method: options.method ?? (options.body === undefined ? 'GET' : 'POST'),
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  if (!res.ok)
    throw new Error(
      `${options.method ?? (options.body === undefined ? 'GET' : 'POST')} ${url} answered ${res.status}: ${text}`,
    );
  return (text ? JSON.parse(text) : null) as T;
}

/** Signs a merchant in through the API, reading the texted code from the sandbox outbox. */
export async function signInMerchant(stack: StackUrls, phone = randomPhone()): Promise<Merchant> {
  await requestJson(`${stack.backend.url}/api/v1/auth/send-code`, { body: { phone } });
  const outbox = await requestJson<{ items: Array<{ code: string }> }>(
    `${stack.sandbox.url}/sandbox/sms/outbox?phone=${phone}`,
  );
  const login = await requestJson<{ token: string; user: { id: string } }>(`${stack.backend.url}/api/v1/auth/login`, {
    body: { phone, code: outbox.items[0].code },
  });
  return { token: login.token, userId: login.user.id, phone };
}

/** Buys the monthly membership with the sandbox channel, the sandbox acting as the payer. */
export async function payMembership(
  stack: StackUrls,
  token: string,
): Promise<{ orderId: string; notifyStatus: number | undefined }> {
  const purchase = await requestJson<{ orderId: string; payParams: { outTradeNo: string } }>(
    `${stack.backend.url}/api/v1/membership/purchase`,
    {
      token,
      body: { channel: 'sandbox' },
    },
  );
  const paid = await requestJson<{ notify: { status?: number } | null }>(
    `${stack.sandbox.url}/sandbox/pay/${purchase.payParams.outTradeNo}`,
    {
      body: { result: 'success' },
    },
  );
  return { orderId: purchase.orderId, notifyStatus: paid.notify?.status };
}

/** A member: signed in and paid. */
export async function signUpMember(stack: StackUrls, phone?: string): Promise<Merchant> {
  const merchant = await signInMerchant(stack, phone);
  await payMembership(stack, merchant.token);
  return merchant;
}
