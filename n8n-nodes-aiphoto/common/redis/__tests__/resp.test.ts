import { parseRedisUrl } from '../redis-client';
import { encodeCommand, RedisReplyError, RespReader } from '../resp';

describe('RESP encoding', () => {
  it('writes a command as an array of bulk strings, lengths in bytes', () => {
    expect(encodeCommand(['SET', 'k', '值', 'PX', '600000', 'NX']).toString('utf8')).toBe(
      '*6\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n值\r\n$2\r\nPX\r\n$6\r\n600000\r\n$2\r\nNX\r\n',
    );
    expect(encodeCommand(['PING']).toString()).toBe('*1\r\n$4\r\nPING\r\n');
    expect(encodeCommand(['ECHO', '']).toString()).toBe('*2\r\n$4\r\nECHO\r\n$0\r\n\r\n');
  });
});

describe('RESP replies', () => {
  const wire = Buffer.from(
    '+OK\r\n$-1\r\n:42\r\n-ERR wrong\r\n$5\r\nhe\r\no\r\n*2\r\n$1\r\na\r\n:7\r\n*-1\r\n$0\r\n\r\n',
  );
  const expected = ['OK', null, 42, new RedisReplyError('ERR wrong'), 'he\r\no', ['a', 7], null, ''];

  it('reads every reply type, several in one chunk', () => {
    const reader = new RespReader();
    expect(reader.push(wire)).toEqual(expected);
    expect(reader.pending).toBe(0);
  });

  it('reads replies split anywhere, one byte at a time', () => {
    const reader = new RespReader();
    const replies = [];
    for (let i = 0; i < wire.length; i++) replies.push(...reader.push(wire.subarray(i, i + 1)));
    expect(replies).toEqual(expected);
    expect(reader.pending).toBe(0);
  });

  it('keeps an incomplete reply until the rest arrives', () => {
    const reader = new RespReader();
    expect(reader.push(Buffer.from('$10\r\n01234'))).toEqual([]);
    expect(reader.pending).toBe(10);
    expect(reader.push(Buffer.from('56789\r\n+OK\r'))).toEqual(['0123456789']);
    expect(reader.push(Buffer.from('\n'))).toEqual(['OK']);
  });

  it('error replies are RedisReplyError with the server text', () => {
    const [reply] = new RespReader().push(Buffer.from('-WRONGPASS invalid username-password pair\r\n'));
    expect(reply).toBeInstanceOf(RedisReplyError);
    expect((reply as RedisReplyError).message).toBe('WRONGPASS invalid username-password pair');
  });

  it('refuses a reply type it does not know instead of guessing', () => {
    expect(() => new RespReader().push(Buffer.from('%1\r\n'))).toThrow('unknown type "%"');
  });
});

describe('parseRedisUrl', () => {
  it('reads host, port, database and credentials', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/15')).toEqual({
      host: '127.0.0.1',
      port: 6380,
      db: 15,
      username: undefined,
      password: undefined,
    });
    expect(parseRedisUrl('redis://:p%40ss@redis')).toMatchObject({
      host: 'redis',
      port: 6379,
      db: 0,
      password: 'p@ss',
    });
    expect(parseRedisUrl('redis://app:s3cret@[::1]:7000/2')).toMatchObject({
      host: '::1',
      port: 7000,
      db: 2,
      username: 'app',
      password: 's3cret',
    });
  });

  it('refuses what it cannot use, saying why', () => {
    expect(() => parseRedisUrl('rediss://host:6380')).toThrow('TLS');
    expect(() => parseRedisUrl('http://host')).toThrow('not a Redis URL');
    expect(() => parseRedisUrl('not a url')).toThrow('not a Redis URL');
    expect(() => parseRedisUrl('redis://host/db1')).toThrow('must be a number');
  });
});
