import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../../db/db-errors';
import { fromDbTime } from '../../db/time';
import { inTransaction, type Db } from '../../db/transaction';
import { AppError, ConflictError, ServiceUnavailableError } from '../../errors/app-error';
import type { KeyValueStore } from '../../infra/kv';
import type { Logger } from '../../infra/logger';
import type { AuthService } from '../auth/auth.service';
import type { Me, UsersRepository } from '../users/users.repository';
import type { WechatApi } from './wechat-api';
import type { StoredWechatIdentity, WechatIdentitiesRepository, WechatIdentity } from './wechat-identities.repository';
import type { WechatLoginSettings } from './wechat-login.config';

/** How long a QR login may take from "start" to the callback (the QR page itself lives 5 minutes). */
export const STATE_TTL_SECONDS = 600;
/** How long a WeChat person who is not linked yet has to verify a phone number. */
export const TICKET_TTL_SECONDS = 900;

export type SignInAnswer =
  | { status: 'signed-in'; token: string; user: Me }
  | { status: 'link-required'; ticket: string; wechat: { nickname: string | null; avatarUrl: string | null } };

export interface WechatLink {
  linked: boolean;
  nickname: string | null;
  avatarUrl: string | null;
  /** Which of our apps this person has signed in with. */
  web: boolean;
  mini: boolean;
  linkedAt: string | null;
}

interface StoredState {
  purpose: 'sign-in' | 'link';
  userId?: string;
}

const stateKey = (state: string) => `wxlogin:state:${state}`;
const ticketKey = (ticket: string) => `wxlogin:ticket:${ticket}`;

const stateInvalid = () =>
  new AppError(400, 'WECHAT_STATE_INVALID', 'This WeChat sign-in expired, was used, or began elsewhere; start again');
const ticketInvalid = () =>
  new AppError(400, 'WECHAT_TICKET_INVALID', 'The WeChat sign-in expired; scan the QR code again');
const taken = () =>
  new ConflictError('This WeChat account is linked to another phone account; unlink it there first', 'WECHAT_TAKEN');
const alreadyLinked = () =>
  new ConflictError('This account is linked to another WeChat account; unlink it first', 'WECHAT_ALREADY_LINKED');
const off = (what: string) => new AppError(404, 'WECHAT_LOGIN_OFF', `${what} is not enabled on this server`);

export interface WechatLoginDeps {
  ds: DataSource;
  kv: KeyValueStore;
  users: UsersRepository;
  identities: WechatIdentitiesRepository;
  auth: AuthService;
  settings: () => WechatLoginSettings;
  api: (apiUrl: string) => WechatApi;
  logger: Logger;
  clock?: () => Date;
}

/**
 * WeChat sign-in. A WeChat person belongs to one phone account: the first sign-in answers
 * `link-required` with a ticket, and the person verifies a phone number by SMS, which links them
 * (to the account of that number, created if new). Afterwards WeChat signs straight in. The QR
 * login's `state` is random, stored server-side for 10 minutes, bound to the browser that started
 * (an HttpOnly cookie the routes compare), and taken on first use.
 */
export class WechatLoginService {
  private readonly clock: () => Date;

  constructor(private readonly deps: WechatLoginDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  /** Which ways of signing in with WeChat are on (the portal shows the button accordingly). */
  enabled(): { web: boolean; mini: boolean } {
    try {
      const s = this.deps.settings();
      return { web: Boolean(s.web), mini: Boolean(s.mini) };
    } catch (err) {
      this.deps.logger.warn({ err }, 'WeChat sign-in settings unreadable');
      return { web: false, mini: false };
    }
  }

  /** A state and the QR login URL (`connect/qrconnect`, scope snsapi_login) to send the browser to. */
  async start(purpose: StoredState['purpose'], userId?: string): Promise<{ url: string; state: string }> {
    const settings = this.settingsOrUnavailable();
    if (!settings.web) throw off('WeChat QR sign-in');
    const state = randomBytes(16).toString('hex');
    const stored: StoredState = purpose === 'link' ? { purpose, userId } : { purpose };
    await this.deps.kv.set(stateKey(state), JSON.stringify(stored), STATE_TTL_SECONDS);
    const query = new URLSearchParams({
      appid: settings.web.appId,
      redirect_uri: settings.redirectUrl,
      response_type: 'code',
      scope: 'snsapi_login',
      state,
    });
    return { url: `${settings.openUrl}/connect/qrconnect?${query}#wechat_redirect`, state };
  }

  /** The browser came back from the QR page with `code` and `state`: sign in, or ask for a phone. */
  async webSignIn(code: string, state: string, browserState: string | null): Promise<SignInAnswer> {
    const stored = await this.takeState(state, browserState);
    if (stored.purpose !== 'sign-in') throw stateInvalid();
    return this.signIn(await this.webProfile(code));
  }

  /** The same, for a signed-in merchant linking WeChat from the profile. */
  async webLink(userId: string, code: string, state: string, browserState: string | null): Promise<WechatLink> {
    const stored = await this.takeState(state, browserState);
    if (stored.purpose !== 'link' || stored.userId !== userId) throw stateInvalid();
    await this.link(userId, await this.webProfile(code));
    return this.status(userId);
  }

  /** A mini-program's `wx.login()` code (`jscode2session`). */
  async miniSignIn(jsCode: string): Promise<SignInAnswer> {
    const settings = this.settingsOrUnavailable();
    if (!settings.mini) throw off('Mini-program sign-in');
    const profile = await this.deps.api(settings.apiUrl).miniProfile(settings.mini, jsCode);
    return this.signIn({ app: 'mini', ...profile });
  }

  /**
   * First sign-in of a WeChat person: the phone number verified with its texted code becomes (or
   * already is) their account, and the person is linked to it.
   */
  async linkWithPhone(ticket: string, phone: string, code: string, ip: string): Promise<{ token: string; user: Me }> {
    const raw = await this.deps.kv.get(ticketKey(ticket));
    if (!raw) throw ticketInvalid();
    await this.deps.auth.useCodes(ip, [{ phone, code, purpose: 'login' }]);
    const who = JSON.parse(raw) as WechatIdentity;
    await this.assertLinkable(phone, who);
    // Taken only now, so a mistyped code does not cost the scan; of two racing requests one gets it.
    if (!(await this.deps.kv.take(ticketKey(ticket)))) throw ticketInvalid();
    const user = await this.deps.users.findOrCreateUser(this.deps.ds.manager, phone, this.clock());
    await this.link(user.id, who);
    this.deps.logger.info({ userId: user.id, app: who.app }, 'WeChat linked at first sign-in');
    return this.deps.auth.issue((await this.deps.users.findUser(this.deps.ds.manager, user.id)) ?? user);
  }

  async status(userId: string): Promise<WechatLink> {
    const row = await this.deps.identities.findByUser(this.deps.ds.manager, userId);
    return toLink(row);
  }

  async unlink(userId: string): Promise<WechatLink> {
    if (await this.deps.identities.deleteByUser(this.deps.ds.manager, userId))
      this.deps.logger.info({ userId }, 'WeChat unlinked');
    return toLink(null);
  }

  /** Refuses early (keeping the ticket) when the number's account or the person is linked elsewhere. */
  private async assertLinkable(phone: string, who: WechatIdentity): Promise<void> {
    const db = this.deps.ds.manager;
    const existing = await this.deps.identities.find(db, who);
    const owner = await this.deps.users.findUserByPhone(db, phone);
    if (existing && existing.userId !== owner?.id) throw taken();
    if (!existing && owner && (await this.deps.identities.findByUser(db, owner.id))) throw alreadyLinked();
  }

  private settingsOrUnavailable(): WechatLoginSettings {
    try {
      return this.deps.settings();
    } catch (err) {
      this.deps.logger.error({ err }, 'WeChat sign-in settings unreadable');
      throw new ServiceUnavailableError('WeChat sign-in is unavailable right now', 'WECHAT_UNAVAILABLE');
    }
  }

  private async takeState(state: string, browserState: string | null): Promise<StoredState> {
    const raw = await this.deps.kv.take(stateKey(state));
    if (!raw || browserState !== state) throw stateInvalid();
    return JSON.parse(raw) as StoredState;
  }

  private async webProfile(code: string): Promise<WechatIdentity> {
    const settings = this.settingsOrUnavailable();
    if (!settings.web) throw off('WeChat QR sign-in');
    return { app: 'web', ...(await this.deps.api(settings.apiUrl).webProfile(settings.web, code)) };
  }

  private async signIn(who: WechatIdentity): Promise<SignInAnswer> {
    const db = this.deps.ds.manager;
    const row = await this.deps.identities.find(db, who);
    if (row) {
      await this.refresh(db, row, who);
      const user = await this.deps.users.findUser(db, row.userId);
      if (user) {
        this.deps.logger.info({ userId: user.id, app: who.app }, 'merchant signed in with WeChat');
        return { status: 'signed-in', ...this.deps.auth.issue(user) };
      }
    }
    const ticket = randomBytes(24).toString('base64url');
    await this.deps.kv.set(ticketKey(ticket), JSON.stringify(who), TICKET_TTL_SECONDS);
    return { status: 'link-required', ticket, wechat: { nickname: who.nickname, avatarUrl: who.avatarUrl } };
  }

  /** Links `who` to the account; 409 when the person or the account is linked elsewhere. */
  private async link(userId: string, who: WechatIdentity): Promise<void> {
    const now = this.clock();
    await inTransaction(this.deps.ds, async (tx) => {
      const existing = await this.deps.identities.find(tx, who);
      if (existing) {
        if (existing.userId !== userId) throw taken();
        await this.refresh(tx, existing, who);
        return;
      }
      if (await this.deps.identities.findByUser(tx, userId)) throw alreadyLinked();
      try {
        await this.deps.identities.insert(tx, userId, who, now);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // Linked meanwhile: to this account (another WeChat) or this person (to another account).
        throw (await this.deps.identities.findByUser(tx, userId)) ? alreadyLinked() : taken();
      }
      // A merchant without a nickname takes the WeChat one.
      if (who.nickname) await this.deps.users.fillNickname(tx, userId, who.nickname.slice(0, 32), now);
    });
  }

  private async refresh(db: Db, row: StoredWechatIdentity, who: WechatIdentity): Promise<void> {
    try {
      await this.deps.identities.refresh(db, row.id, who, this.clock());
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      this.deps.logger.warn({ userId: row.userId }, 'a WeChat openid is on two identities; left as it was');
    }
  }
}

function toLink(row: StoredWechatIdentity | null): WechatLink {
  return {
    linked: Boolean(row),
    nickname: row?.nickname ?? null,
    avatarUrl: row?.avatarUrl ?? null,
    web: Boolean(row?.webOpenid),
    mini: Boolean(row?.miniOpenid),
    linkedAt: fromDbTime(row?.createdAt ?? null)?.toISOString() ?? null,
  };
}
