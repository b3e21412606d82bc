import express, { type Request, type Response, type Router } from 'express';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import { escapeHtml } from '../payments/pay-page';
import { ACCESS_TOKEN_SECONDS, WX_ERRORS, WechatLoginBook, type LoginApp } from './wechat-login';

const query = (req: Request, name: string) => (typeof req.query[name] === 'string' ? req.query[name] : '');

function page(title: string, body: string, script = ''): string {
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:420px;margin:40px auto;padding:0 16px;color:#222;text-align:center}
img{width:220px;height:220px;image-rendering:pixelated}button{font-size:16px;padding:10px 20px;margin:6px;border-radius:6px;border:0;cursor:pointer}
#allow{background:#07c160;color:#fff}#deny{background:#eee}input{font-size:16px;padding:8px;width:100%;box-sizing:border-box}
.muted{color:#777;font-size:13px}</style></head>
<body>${body}${script ? `<script>${script}</script>` : ''}</body></html>`;
}

const errorPage = (res: Response, message: string) =>
  void res
    .status(400)
    .type('html')
    .send(page('微信登录', `<h1>参数错误</h1><p data-testid="wechat-error">${escapeHtml(message)}</p>`));

const confirmSchema = z.object({
  uuid: z.string().min(1),
  action: z.enum(['allow', 'deny']),
  user: z.string().trim().min(1).max(32).optional(),
});

/**
 * WeChat sign-in as the Open Platform and the mini-program backend answer it:
 *
 * - `GET /connect/qrconnect?appid&redirect_uri&response_type=code&scope=snsapi_login&state` — the
 *   website login page with its QR code. The code holds `<sandbox>/connect/confirm?uuid=…`, the
 *   page the WeChat app shows after scanning (name the WeChat user, Allow or Deny); the QR page
 *   then sends the browser to `redirect_uri?code=…&state=…` (Deny: `?state=…` only).
 * - `GET /sns/oauth2/access_token?appid&secret&code&grant_type=authorization_code` → `{ access_token,
 *   expires_in, refresh_token, openid, scope, unionid }`; a code works once, for 5 minutes.
 * - `GET /sns/userinfo?access_token&openid` → `{ openid, nickname, sex, province, city, country,
 *   headimgurl, privilege, unionid }`.
 * - `GET /sns/jscode2session?appid&secret&js_code&grant_type=authorization_code` → `{ openid,
 *   session_key, unionid }`; `POST /sandbox/wechat/mini/login {user}` → `{ code }` plays `wx.login()`.
 *
 * Errors are HTTP 200 with `{ errcode, errmsg }`, as WeChat answers them.
 */
export function wechatLoginRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  const book = new WechatLoginBook(ctx.keys, ctx.now);
  const wxError = (res: Response, name: keyof typeof WX_ERRORS) => void res.json(WX_ERRORS[name]);

  /** appid + secret of one of our two apps, or the errcode WeChat answers. */
  const appFromCredentials = (req: Request, res: Response, expected: LoginApp): boolean => {
    const app = book.appOf(query(req, 'appid'));
    if (app !== expected) return (wxError(res, 'invalidAppid'), false);
    if (query(req, 'secret') !== book.secretOf(app)) return (wxError(res, 'invalidSecret'), false);
    if (query(req, 'grant_type') !== 'authorization_code') return (wxError(res, 'invalidGrant'), false);
    return true;
  };

  router.get('/connect/qrconnect', async (req: Request, res: Response) => {
    ctx.calls.record('wechat:qrconnect');
    const appid = query(req, 'appid');
    const redirectUri = query(req, 'redirect_uri');
    if (book.appOf(appid) !== 'web') return errorPage(res, 'appid 参数错误 (not the website app of this sandbox)');
    if (query(req, 'response_type') !== 'code') return errorPage(res, 'response_type must be code');
    if (!query(req, 'scope').split(',').includes('snsapi_login'))
      return errorPage(res, 'scope 参数错误 (snsapi_login)');
    let redirect: URL;
    try {
      redirect = new URL(redirectUri);
    } catch {
      return errorPage(res, 'redirect_uri 参数错误');
    }
    if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') return errorPage(res, 'redirect_uri 参数错误');
    const uuid = book.openSession(appid, redirect.toString(), query(req, 'state'));
    const confirmUrl = `${ctx.publicUrl()}/connect/confirm?uuid=${uuid}`;
    const qr = await QRCode.toDataURL(confirmUrl, { margin: 2, width: 220 });
    res.type('html').send(
      page(
        '微信登录',
        `<h1>微信登录</h1><p class="muted">AI Photo sandbox: scan with "WeChat" (open the code's link as the phone)</p>
<img data-testid="wechat-login-qr" alt="QR" src="${qr}">
<p data-testid="wechat-login-status">请使用微信扫描二维码登录</p>`,
        `const poll = async () => {
  try {
    const r = await fetch(${JSON.stringify(`/sandbox/wechat/oauth/poll/${uuid}`)});
    const j = await r.json();
    const status = document.querySelector('[data-testid=wechat-login-status]');
    if (j.status === 'scanned') status.textContent = '扫描成功，请在微信中点击确认即可登录';
    if (j.status === 'expired') { status.textContent = '二维码已失效'; return; }
    if (j.next) { location.href = j.next; return; }
  } catch (e) {}
  setTimeout(poll, 400);
};
poll();`,
      ),
    );
  });

  router.get('/sandbox/wechat/oauth/poll/:uuid', (req: Request, res: Response) => {
    const session = book.session(String(req.params.uuid));
    if (!session) return void res.json({ status: 'expired' });
    res.json({ status: session.status, next: book.nextUrl(session) });
  });

  // The WeChat app after scanning: who is signing in, and Allow / Deny.
  router.get('/connect/confirm', (req: Request, res: Response) => {
    const uuid = query(req, 'uuid');
    const session = book.scanned(uuid);
    if (!session) return errorPage(res, '二维码已失效');
    res.type('html').send(
      page(
        '微信登录确认',
        `<h1>登录确认</h1><p class="muted">AI Photo sandbox: the WeChat app after the scan</p>
<label>WeChat user <input id="user" data-testid="wechat-user" value="wx-${uuid.slice(0, 6)}"></label>
<p><button id="allow" data-testid="wechat-allow">允许 Allow</button><button id="deny" data-testid="wechat-deny">拒绝 Deny</button></p>
<p id="out" data-testid="wechat-confirm-result"></p>`,
        `async function act(action) {
  const r = await fetch('/connect/confirm', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ uuid: ${JSON.stringify(uuid)}, action, user: document.getElementById('user').value }) });
  const j = await r.json();
  document.getElementById('out').textContent = j.status || (j.error && j.error.message) || '?';
}
document.getElementById('allow').onclick = () => act('allow');
document.getElementById('deny').onclick = () => act('deny');`,
      ),
    );
  });

  router.post('/connect/confirm', express.json(), (req: Request, res: Response) => {
    const parsed = confirmSchema.safeParse(req.body);
    if (!parsed.success) return void res.status(400).json({ error: { code: 'BAD_REQUEST', message: 'uuid, action' } });
    const { uuid, action, user } = parsed.data;
    const session = book.decide(uuid, action === 'allow', user ?? `wx-${uuid.slice(0, 6)}`);
    if (!session) return void res.status(409).json({ error: { code: 'EXPIRED', message: 'QR code expired or used' } });
    res.json({ status: session.status });
  });

  router.get('/sns/oauth2/access_token', (req: Request, res: Response) => {
    ctx.calls.record('wechat:access_token');
    if (!appFromCredentials(req, res, 'web')) return;
    const redeemed = book.redeem(query(req, 'code'), 'web', query(req, 'appid'));
    if ('error' in redeemed) return wxError(res, redeemed.error);
    const { person } = redeemed;
    res.json({
      access_token: book.issueToken(person),
      expires_in: ACCESS_TOKEN_SECONDS,
      refresh_token: book.issueToken(person),
      openid: person.openid,
      scope: 'snsapi_login',
      unionid: person.unionid,
    });
  });

  router.get('/sns/userinfo', (req: Request, res: Response) => {
    ctx.calls.record('wechat:userinfo');
    const issued = book.token(query(req, 'access_token'));
    if ('error' in issued) return wxError(res, issued.error);
    const { person } = issued;
    if (query(req, 'openid') !== person.openid) return wxError(res, 'invalidOpenid');
    res.json({
      openid: person.openid,
      nickname: person.name,
      sex: 0,
      province: '',
      city: '',
      country: 'CN',
      headimgurl: `${ctx.publicUrl()}/sandbox/wechat/avatar/${person.unionid}.svg`,
      privilege: [],
      unionid: person.unionid,
    });
  });

  router.get('/sns/jscode2session', (req: Request, res: Response) => {
    ctx.calls.record('wechat:jscode2session');
    if (!appFromCredentials(req, res, 'mini')) return;
    const redeemed = book.redeem(query(req, 'js_code'), 'mini', query(req, 'appid'));
    if ('error' in redeemed) return wxError(res, redeemed.error);
    res.json({
      openid: redeemed.person.openid,
      session_key: Buffer.from(book.issueToken(redeemed.person)).subarray(0, 16).toString('base64'),
      unionid: redeemed.person.unionid,
    });
  });

  // The mini-program's wx.login(): a code for jscode2session, for the WeChat user named.
  router.post('/sandbox/wechat/mini/login', express.json(), (req: Request, res: Response) => {
    const user = typeof req.body?.user === 'string' && req.body.user.trim() ? req.body.user.trim().slice(0, 32) : '';
    if (!user) return void res.status(400).json({ error: { code: 'BAD_REQUEST', message: 'user is required' } });
    res.json({ code: book.issueCode('mini', ctx.keys.appid, book.person(user, ctx.keys.appid)) });
  });

  // headimgurl: a picture per WeChat user.
  router.get('/sandbox/wechat/avatar/:name', (req: Request, res: Response) => {
    const name = String(req.params.name);
    const hue = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 0);
    res
      .type('image/svg+xml')
      .send(
        `<svg xmlns="http://www.w3.org/2000/svg" width="132" height="132"><rect width="132" height="132" fill="hsl(${hue},60%,55%)"/><circle cx="66" cy="52" r="24" fill="#fff"/><rect x="30" y="84" width="72" height="40" rx="20" fill="#fff"/></svg>`,
      );
  });
  return router;
}
