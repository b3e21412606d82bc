import bcrypt from 'bcrypt';
import { ConcurrencyGate } from '../../infra/concurrency-gate';

/**
 * Console password hashing with the native `bcrypt` binding: the work runs on libuv's thread
 * pool, not on the event loop, so sign-ins never freeze the other requests. At most
 * `concurrency` hashes run at once (the pool also serves file, DNS and zlib work), a few more
 * wait, and a burst beyond that answers 503. Hashes are the standard `$2a$`/`$2b$` format, so
 * the ones written earlier by bcryptjs verify unchanged.
 */
export class PasswordHasher {
  private readonly gate: ConcurrencyGate;
  /** Compared against for unknown usernames, so they cost one hash like known ones. */
  private decoy: Promise<string> | null = null;

  constructor(
    private readonly rounds: number,
    concurrency: number,
  ) {
    this.gate = new ConcurrencyGate(concurrency, concurrency * 8, {
      code: 'SIGN_IN_BUSY',
      message: 'Too many sign-ins at once; try again in a moment',
      retryAfterSeconds: 1,
    });
  }

  hash(password: string): Promise<string> {
    return this.gate.run(() => bcrypt.hash(password, this.rounds));
  }

  /** Checks `password` against `hash`, or against a decoy of the same cost when there is none. */
  async verify(password: string, hash: string | null): Promise<boolean> {
    const against = hash ?? (await (this.decoy ??= bcrypt.hash('decoy-password-never-matches', this.rounds)));
    const ok = await this.gate.run(() => bcrypt.compare(password, against));
    return ok && hash !== null;
  }

  /** Hashing work running and waiting now. */
  get load(): { active: number; waiting: number } {
    return this.gate.load;
  }
}
