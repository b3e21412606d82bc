import bcrypt from 'bcrypt';
import { PasswordHasher } from '../password-hasher';

/** Written by bcryptjs (the previous hasher) for "Legacy-Pass-1": `$2b$`, and the same as `$2a$`. */
const BCRYPTJS_HASHES = [
  '$2b$04$tO57YU0rp7/ySmlq3EMB/.w24TautQ7zP6AUC/4m5tE3.eOLbm2gC',
  '$2a$04$tO57YU0rp7/ySmlq3EMB/.w24TautQ7zP6AUC/4m5tE3.eOLbm2gC',
];

describe('PasswordHasher (native bcrypt on the thread pool)', () => {
  afterEach(() => jest.restoreAllMocks());

  it.each(BCRYPTJS_HASHES)('verifies a hash bcryptjs wrote (%s)', async (hash) => {
    const hasher = new PasswordHasher(4, 2);
    expect(await hasher.verify('Legacy-Pass-1', hash)).toBe(true);
    expect(await hasher.verify('Legacy-Pass-2', hash)).toBe(false);
  });

  it('writes standard bcrypt hashes at the configured cost', async () => {
    const hash = await new PasswordHasher(5, 1).hash('New-Pass-1');
    expect(hash).toMatch(/^\$2b\$05\$/);
    expect(await bcrypt.compare('New-Pass-1', hash)).toBe(true);
  });

  it('spends one comparison at the same cost on an unknown username, and never says yes', async () => {
    const compare = jest.spyOn(bcrypt, 'compare');
    const hasher = new PasswordHasher(4, 2);
    expect(await hasher.verify('anything', null)).toBe(false);
    expect(compare).toHaveBeenCalledTimes(1);
    expect(String(compare.mock.calls[0]![1])).toMatch(/^\$2b\$04\$/);
  });

  it('runs at most `concurrency` hashes at once, queues a few, and refuses a burst beyond with 503', async () => {
    const hasher = new PasswordHasher(4, 2);
    let peak = 0;
    const original = bcrypt.compare.bind(bcrypt) as (data: string, encrypted: string) => Promise<boolean>;
    jest.spyOn(bcrypt, 'compare').mockImplementation(async (data: string | Buffer, encrypted: string) => {
      peak = Math.max(peak, hasher.load.active);
      return original(String(data), encrypted);
    });
    const hash = await hasher.hash('Pass-1');
    // 2 running + 16 waiting fit; the 19th and 20th are refused at once.
    const attempts = Array.from({ length: 20 }, () => hasher.verify('Pass-1', hash).catch((err: unknown) => err));
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r === true)).toHaveLength(18);
    expect(results.filter((r) => r !== true)).toEqual([
      expect.objectContaining({ status: 503, code: 'SIGN_IN_BUSY', headers: { 'Retry-After': '1' } }),
      expect.objectContaining({ status: 503, code: 'SIGN_IN_BUSY', headers: { 'Retry-After': '1' } }),
    ]);
    expect(peak).toBe(2);
    expect(hasher.load).toEqual({ active: 0, waiting: 0 });
  });
});
