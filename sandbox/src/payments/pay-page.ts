import type { SandboxOrder } from './order-book';

function escapeHtml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

/** The local "cashier" a payer opens from `code_url`: order summary and Pay / Fail buttons. */
export function payPageHtml(order: SandboxOrder): string {
  const no = escapeHtml(order.out_trade_no);
  const yuan = (order.amount.total / 100).toFixed(2);
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Sandbox pay · ${no}</title>
<style>body{font-family:system-ui,sans-serif;max-width:420px;margin:48px auto;padding:0 16px;color:#222}
.amount{font-size:40px;margin:8px 0}button{font-size:16px;padding:10px 20px;margin-right:8px;border-radius:6px;border:0;cursor:pointer}
#pay{background:#07c160;color:#fff}#fail{background:#eee}pre{background:#f6f6f6;padding:8px;white-space:pre-wrap}</style></head>
<body><p>AI Photo sandbox payment (no real money)</p>
<h1>${escapeHtml(order.description)}</h1><div class="amount">¥${yuan}</div>
<p>Order <code>${no}</code> · state <b id="state">${escapeHtml(order.trade_state)}</b></p>
<button id="pay">Pay</button><button id="fail">Fail</button><pre id="out"></pre>
<script>
async function act(result){
  const r = await fetch(location.pathname, {method:'POST', headers:{'Content-Type':'application/json'}, body: JSON.stringify({result})});
  const j = await r.json();
  document.getElementById('state').textContent = j.tradeState || '?';
  document.getElementById('out').textContent = JSON.stringify(j, null, 2);
}
document.getElementById('pay').onclick = () => act('success');
document.getElementById('fail').onclick = () => act('fail');
</script></body></html>`;
}
