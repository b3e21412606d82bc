/**
 * The Redis wire protocol (RESP2), only as much as the trigger's shared memory needs: requests
 * are arrays of bulk strings; replies are simple strings, errors, integers, bulk strings (or
 * null) and arrays. Written here because the node package has no runtime dependencies.
 */

export type RespValue = string | number | null | RespValue[];

/** An error reply (`-ERR …`, `-WRONGPASS …`): Redis answered, the command failed. */
export class RedisReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RedisReplyError';
  }
}

/** One command as RESP: `*<n>\r\n` then `$<len>\r\n<bytes>\r\n` per argument. */
export function encodeCommand(args: readonly string[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const arg of args) {
    const bytes = Buffer.from(arg, 'utf8');
    parts.push(Buffer.from(`$${bytes.length}\r\n`), bytes, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parsed so far: the reply (a RedisReplyError for `-` lines) and where the next one starts. */
type Parsed = { value: RespValue | RedisReplyError; end: number } | null;

/** Parses one reply starting at `from`; null when the buffer does not hold all of it yet. */
function parseAt(buffer: Buffer, from: number): Parsed {
  if (from >= buffer.length) return null;
  const eol = buffer.indexOf('\r\n', from + 1);
  if (eol < 0) return null;
  const type = String.fromCharCode(buffer[from]);
  const line = buffer.toString('utf8', from + 1, eol);
  const next = eol + 2;
  switch (type) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RedisReplyError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const length = Number(line);
      if (length < 0) return { value: null, end: next };
      if (buffer.length < next + length + 2) return null;
      return { value: buffer.toString('utf8', next, next + length), end: next + length + 2 };
    }
    case '*': {
      const count = Number(line);
      if (count < 0) return { value: null, end: next };
      const items: RespValue[] = [];
      let at = next;
      for (let i = 0; i < count; i++) {
        const item = parseAt(buffer, at);
        if (!item) return null;
        // An error inside an array (EXEC) is kept as its message; the commands used here never nest one.
        items.push(item.value instanceof RedisReplyError ? item.value.message : item.value);
        at = item.end;
      }
      return { value: items, end: at };
    }
    default:
      throw new Error(`Redis sent a reply of unknown type ${JSON.stringify(type)}`);
  }
}

/**
 * Accumulates bytes from the socket and hands out complete replies in order. Replies may be
 * split across chunks anywhere, or several may arrive in one chunk.
 */
export class RespReader {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Array<RespValue | RedisReplyError> {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const replies: Array<RespValue | RedisReplyError> = [];
    let at = 0;
    for (;;) {
      const parsed = parseAt(this.buffer, at);
      if (!parsed) break;
      replies.push(parsed.value);
      at = parsed.end;
    }
    this.buffer = at === 0 ? this.buffer : this.buffer.subarray(at);
    return replies;
  }

  /** Bytes received but not yet a whole reply. */
  get pending(): number {
    return this.buffer.length;
  }
}
