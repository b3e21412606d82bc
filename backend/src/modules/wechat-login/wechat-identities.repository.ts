import { randomUUID } from 'node:crypto';
import { toCamel, type Camel } from '../../db/camel';
import { toDbTime } from '../../db/time';
import { execute, rows, type Db } from '../../db/transaction';

export type WechatApp = 'web' | 'mini';

/** A WeChat person as one of our apps saw them. */
export interface WechatIdentity {
  app: WechatApp;
  openid: string;
  unionid: string | null;
  nickname: string | null;
  avatarUrl: string | null;
}

interface WechatIdentityRow {
  id: string;
  user_id: string;
  unionid: string | null;
  web_openid: string | null;
  mini_openid: string | null;
  nickname: string | null;
  avatar_url: string | null;
  created_at: string;
  updated_at: string;
}

/** A stored identity as services see it (`userId`, `webOpenid`, `miniOpenid`, `avatarUrl`, ...). */
export type StoredWechatIdentity = Camel<WechatIdentityRow>;

const openidColumn = (app: WechatApp) => (app === 'web' ? 'web_openid' : 'mini_openid');

/**
 * `wechat_identities`: one row per WeChat person, linked to exactly one phone account (unique
 * `user_id`), found by unionid or by the openid of the app they came through (each unique), so a
 * WeChat person can never belong to two accounts.
 */
export class WechatIdentitiesRepository {
  /** The row of this person: by unionid when WeChat gave one, else (or also) by the app's openid. */
  async find(db: Db, who: Pick<WechatIdentity, 'app' | 'openid' | 'unionid'>): Promise<StoredWechatIdentity | null> {
    const column = openidColumn(who.app);
    const found = await rows<WechatIdentityRow>(
      db,
      `SELECT * FROM wechat_identities WHERE ${column} = ? OR (unionid IS NOT NULL AND unionid = ?) ORDER BY created_at LIMIT 2`,
      [who.openid, who.unionid ?? ''],
    );
    // Were the openid and the unionid on two rows, the unionid's row is the person's.
    const row = found.find((r) => who.unionid && r.unionid === who.unionid) ?? found[0];
    return row ? toCamel(row) : null;
  }

  async findByUser(db: Db, userId: string): Promise<StoredWechatIdentity | null> {
    const [row] = await rows<WechatIdentityRow>(db, 'SELECT * FROM wechat_identities WHERE user_id = ?', [userId]);
    return row ? toCamel(row) : null;
  }

  async insert(db: Db, userId: string, who: WechatIdentity, now: Date): Promise<void> {
    const t = toDbTime(now);
    await db.query(
      `INSERT INTO wechat_identities (id, user_id, unionid, web_openid, mini_openid, nickname, avatar_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        randomUUID(),
        userId,
        who.unionid,
        who.app === 'web' ? who.openid : null,
        who.app === 'mini' ? who.openid : null,
        who.nickname,
        who.avatarUrl,
        t,
        t,
      ],
    );
  }

  /** Fills what this sign-in taught us (the app's openid, the unionid, a newer nickname or picture). */
  async refresh(db: Db, id: string, who: WechatIdentity, now: Date): Promise<void> {
    const column = openidColumn(who.app);
    await execute(
      db,
      `UPDATE wechat_identities SET ${column} = ?, unionid = COALESCE(unionid, ?), nickname = COALESCE(?, nickname), avatar_url = COALESCE(?, avatar_url), updated_at = ? WHERE id = ?`,
      [who.openid, who.unionid, who.nickname, who.avatarUrl, toDbTime(now), id],
    );
  }

  async deleteByUser(db: Db, userId: string): Promise<number> {
    return execute(db, 'DELETE FROM wechat_identities WHERE user_id = ?', [userId]);
  }
}

/** The key an invite reward records for a WeChat person (unique: one reward per person ever). */
export function wechatRewardKey(who: Pick<StoredWechatIdentity, 'unionid' | 'webOpenid' | 'miniOpenid'>): string {
  if (who.unionid) return `u:${who.unionid}`;
  return who.webOpenid ? `w:${who.webOpenid}` : `m:${who.miniOpenid ?? ''}`;
}
