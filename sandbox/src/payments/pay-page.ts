import type { SandboxOrder } from './order-book';

export function escapeHtml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export interface PayPage {
  /** Shown above the amount: which client the page stands in for. */
  title: string;
  description: string;
  amountFen: number;
  reference: string;
  state: string;
  /** Where Pay / Fail POST `{ result }`. */
  action: string;
  /** Where the page goes after the payer acted (H5 `redirect_url`, Alipay `return_url`), if anywhere. */
  after?: 'stay' | 'answer';
  accent?: string;
}

/**
 * The local stand-in for a payer's client (the WeChat app after a scan, the H5 or Alipay
 * cashier): order summary and Pay / Fail buttons. The action answers JSON; when it names a
 * `next` URL the page navigates there, as the vendor's cashier would return to the merchant.
 */
export function payPageHtml(page: PayPage): string {
  const yuan = (page.amountFen / 100).toFixed(2);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(page.title)} · ${escapeHtml(page.reference)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:420px;margin:48px auto;padding:0 16px;color:#222}
.amount{font-size:40px;margin:8px 0}button{font-size:16px;padding:10px 20px;margin-right:8px;border-radius:6px;border:0;cursor:pointer}
#pay{background:${page.accent ?? '#07c160'};color:#fff}#fail{background:#eee}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap;overflow-wrap:anywhere}</style></head>
<body><p>${escapeHtml(page.title)} (AI Photo sandbox, no real money)</p>
<h1>${escapeHtml(page.description)}</h1><div class="amount">¥${yuan}</div>
<p>Order <code>${escapeHtml(page.reference)}</code> · state <b id="state">${escapeHtml(page.state)}</b></p>
<button id="pay">Pay</button><button id="fail">Fail</button><pre id="out"></pre>
<script>
async function act(result){
  const r = await fetch(${JSON.stringify(page.action)}, {method:'POST', headers:{'Content-Type':'application/json'}, body: JSON.stringify({result})});
  const j = await r.json();
  document.getElementById('state').textContent = j.tradeState || (j.error && j.error.code) || '?';
  document.getElementById('out').textContent = JSON.stringify(j, null, 2);
  if (j.next) location.href = j.next;
}
document.getElementById('pay').onclick = () => act('success');
document.getElementById('fail').onclick = () => act('fail');
</script></body></html>`;
}

/** The pay page of a WeChat Pay order. */
export function wechatPayPage(order: SandboxOrder, title: string, action: string): string {
  return payPageHtml({
    title,
    description: order.description,
    amountFen: order.amount.total,
    reference: order.out_trade_no,
    state: order.trade_state,
    action,
  });
}
