import type { Readable } from 'node:stream';

/**
 * Reads a stream into one buffer, but never more than `maxBytes`: the chunk that crosses the cap
 * stops the read, the stream is destroyed (which cancels the transfer behind it) and `tooLarge()`
 * is thrown. What a stream claims about its length beforehand is not trusted.
 */
export async function readCapped(stream: Readable, maxBytes: number, tooLarge: () => Error): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
      size += bytes.length;
      // Leaving the loop by throwing makes the iterator destroy the stream.
      if (size > maxBytes) throw tooLarge();
      chunks.push(bytes);
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(chunks, size);
}
