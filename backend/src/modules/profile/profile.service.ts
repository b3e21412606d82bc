import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../../db/db-errors';
import { inTransaction } from '../../db/transaction';
import { AppError, ConflictError, NotFoundError, UnsupportedMediaError } from '../../errors/app-error';
import type { Logger } from '../../infra/logger';
import type { AuthService } from '../auth/auth.service';
import type { MerchantSessions } from '../auth/merchant-sessions';
import { inspectImage } from '../media/media.service';
import type { StorageService } from '../media/storage.service';
import { maskPhone } from '../sms/sms-sender';
import { AVATAR_PREFIX, meOf, type Me, type User, type UsersRepository } from '../users/users.repository';

/** Profile pictures are stored as this square JPEG, whatever was uploaded. */
export const AVATAR_PIXELS = 256;
/** Largest upload accepted for a profile picture. */
export const AVATAR_MAX_BYTES = 5 * 1024 * 1024;
/** Decoding stops above this many pixels (a small file can claim a huge canvas). */
const AVATAR_MAX_INPUT_PIXELS = 40_000_000;

/** The texted-code failures of sign-in, which are input errors (400) when the merchant is already signed in. */
const CODE_FAILURES = new Set(['INVALID_CODE', 'CODE_EXPIRED', 'CODE_USED', 'TOO_MANY_ATTEMPTS']);

export interface ProfileDeps {
  ds: DataSource;
  users: UsersRepository;
  auth: AuthService;
  sessions: MerchantSessions;
  storage: StorageService;
  logger: Logger;
  clock?: () => Date;
}

/**
 * The merchant's own account: nickname, profile picture, phone number (confirmed by codes texted to
 * the old and the new number) and signing out everywhere (every token issued before is refused).
 */
export class ProfileService {
  private readonly clock: () => Date;

  constructor(private readonly deps: ProfileDeps) {
    this.clock = deps.clock ?? (() => new Date());
  }

  async setNickname(userId: string, nickname: string | null): Promise<Me> {
    await this.deps.users.setNickname(this.deps.ds.manager, userId, nickname, this.clock());
    return meOf(await this.user(userId), this.clock());
  }

  /**
   * Stores the picture as a 256×256 JPEG (turned upright, cropped to the centre, metadata such as
   * GPS dropped) at `avatar/<userId>/<sha256>.jpg`, and removes the previous one.
   */
  async setAvatar(userId: string, bytes: Buffer): Promise<Me> {
    await inspectImage(bytes, { maxPixels: AVATAR_MAX_INPUT_PIXELS });
    const jpeg = await Promise.resolve()
      .then(() =>
        sharp(bytes, { limitInputPixels: AVATAR_MAX_INPUT_PIXELS })
          .rotate()
          .resize(AVATAR_PIXELS, AVATAR_PIXELS, { fit: 'cover' })
          .flatten({ background: '#ffffff' })
          .jpeg({ quality: 85 })
          .toBuffer(),
      )
      .catch(() => {
        throw new UnsupportedMediaError('The picture could not be read; upload a JPEG, PNG or WebP image');
      });
    const key = `${AVATAR_PREFIX}${userId}/${createHash('sha256').update(jpeg).digest('hex')}.jpg`;
    const before = await this.user(userId);
    await this.deps.storage.put(key, jpeg, 'image/jpeg');
    await this.setAvatarKey(userId, key);
    if (before.avatarKey && before.avatarKey !== key) await this.removeObject(before.avatarKey);
    return meOf(await this.user(userId), this.clock());
  }

  async removeAvatar(userId: string): Promise<Me> {
    const before = await this.user(userId);
    await this.setAvatarKey(userId, null);
    if (before.avatarKey) await this.removeObject(before.avatarKey);
    return meOf(await this.user(userId), this.clock());
  }

  /** Texts a code to the current number (`old`) or to the number to change to (`new`). */
  async sendPhoneCode(
    userId: string,
    ip: string,
    target: 'old' | 'new',
    phone?: string,
  ): Promise<{ sent: true; cooldownSeconds: number }> {
    const user = await this.user(userId);
    if (target === 'old') return this.deps.auth.sendCode(user.phone, ip, 'phone-old');
    if (!phone) throw new AppError(400, 'VALIDATION_FAILED', 'Give the new phone number');
    await this.assertFree(user, phone);
    return this.deps.auth.sendCode(phone, ip, 'phone-new');
  }

  /**
   * Moves the account to `phone` once both codes are right. Every token issued before is refused
   * afterwards (they name the old number); the answer carries a fresh one for this browser.
   */
  async changePhone(
    userId: string,
    ip: string,
    change: { phone: string; oldCode: string; newCode: string },
  ): Promise<{ token: string; user: Me }> {
    const user = await this.user(userId);
    await this.assertFree(user, change.phone);
    try {
      await this.deps.auth.useCodes(ip, [
        { phone: user.phone, code: change.oldCode, purpose: 'phone-old' },
        { phone: change.phone, code: change.newCode, purpose: 'phone-new' },
      ]);
    } catch (err) {
      // A wrong code is an input error here: a 401 would sign the merchant out of the portal.
      if (err instanceof AppError && err.status === 401 && CODE_FAILURES.has(err.code))
        throw new AppError(400, err.code, err.message);
      throw err;
    }
    const now = this.clock();
    await inTransaction(this.deps.ds, async (tx) => {
      let changed: number;
      try {
        changed = await this.deps.users.changePhone(tx, userId, user.phone, change.phone, now);
      } catch (err) {
        if (isUniqueViolation(err)) throw phoneTaken();
        throw err;
      }
      if (changed !== 1) throw new ConflictError('The phone number was changed meanwhile; reload', 'PHONE_CHANGED');
      await this.deps.sessions.bump(tx, userId);
    });
    await this.deps.sessions.ended(userId);
    this.deps.logger.info(
      { userId, from: maskPhone(user.phone), to: maskPhone(change.phone) },
      'merchant changed phone number',
    );
    return this.deps.auth.issue(await this.user(userId));
  }

  /** Every token of the merchant issued until now is refused from the next request on. */
  /**
   * A short-lived URL of the profile picture `<AVATAR_PREFIX><userId>/<file>`, when it is the one
   * the merchant has now (names are content hashes); 404 AVATAR_NOT_FOUND otherwise.
   */
  async avatarUrl(userId: string, file: string, ttlSeconds: number): Promise<string> {
    const key = `${AVATAR_PREFIX}${userId}/${file}`;
    const user = await this.deps.users.findUser(this.deps.ds.manager, userId);
    if (!user || user.avatarKey !== key) throw new NotFoundError('No such picture', 'AVATAR_NOT_FOUND');
    return this.deps.storage.signedUrl(key, ttlSeconds);
  }

  async signOutEverywhere(userId: string): Promise<{ signedOut: true }> {
    await inTransaction(this.deps.ds, (tx) => this.deps.sessions.bump(tx, userId));
    await this.deps.sessions.ended(userId);
    this.deps.logger.info({ userId }, 'merchant signed out everywhere');
    return { signedOut: true };
  }

  private async assertFree(user: User, phone: string): Promise<void> {
    if (phone === user.phone) throw new ConflictError('This is already your phone number', 'SAME_PHONE');
    if (await this.deps.users.findUserByPhone(this.deps.ds.manager, phone)) throw phoneTaken();
  }

  private async setAvatarKey(userId: string, key: string | null): Promise<void> {
    await this.deps.users.setAvatarKey(this.deps.ds.manager, userId, key, this.clock());
  }

  private async removeObject(key: string): Promise<void> {
    try {
      await this.deps.storage.delete(key);
    } catch (err) {
      // The new picture is in place; an orphaned old one is only storage.
      this.deps.logger.warn({ err, key }, 'could not delete the previous profile picture');
    }
  }

  private async user(userId: string): Promise<User> {
    const user = await this.deps.users.findUser(this.deps.ds.manager, userId);
    if (!user) throw new NotFoundError('User not found');
    return user;
  }
}

const phoneTaken = () => new ConflictError('This phone number belongs to another account', 'PHONE_TAKEN');
