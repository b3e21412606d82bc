import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough, Readable } from 'node:stream';
import express from 'express';
import { createLogger } from '../../../infra/logger';
import { ObjectNotFoundError, type StorageService } from '../storage.service';
import { ZipService } from '../zip.service';
import { readZip } from './zip-reader';

/** Storage stand-in: known keys answer their bytes, `slow/*` a stream that never ends. */
function fakeStorage(objects: Record<string, Buffer>, opened: PassThrough[]): StorageService {
  const fake: Pick<StorageService, 'getStream'> = {
    getStream: async (key: string) => {
      if (key.startsWith('slow/')) {
        const endless = new PassThrough();
        endless.write(Buffer.alloc(64 * 1024, 1));
        opened.push(endless);
        return endless;
      }
      const body = objects[key];
      if (!body) throw new ObjectNotFoundError(key);
      return Readable.from([body]);
    },
  };
  // Only getStream is used by ZipService.
  return fake as StorageService;
}

function serve(
  zip: ZipService,
  entries: Array<{ name: string; key: string }>,
  done: (p: Promise<void>) => void,
): Promise<Server> {
  const app = express().get('/zip', (_req, res) => {
    done(zip.stream(res, 'x.zip', entries));
  });
  const server = createServer(app);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('ZipService', () => {
  it('writes objects in order, keeps duplicate names apart and notes missing ones', async () => {
    const opened: PassThrough[] = [];
    const zip = new ZipService(
      fakeStorage({ a: Buffer.from('A'), b: Buffer.from('BB') }, opened),
      createLogger('silent'),
    );
    let finished: Promise<void> = Promise.resolve();
    const server = await serve(
      zip,
      [
        { name: 'one/a.txt', key: 'a' },
        { name: 'one/a.txt', key: 'b' },
        { name: 'x', key: 'nope' },
      ],
      (p) => (finished = p),
    );
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/zip`);
      const files = readZip(Buffer.from(await res.arrayBuffer()));
      await finished;
      // Duplicate names are kept apart instead of overwriting each other on extraction.
      expect(files.map((f) => [f.name, f.data.toString()])).toEqual([
        ['one/a.txt', 'A'],
        ['one/a (2).txt', 'BB'],
        ['MISSING.txt', expect.stringContaining('- x')],
      ]);
    } finally {
      server.close();
    }
  });

  it('stops reading from storage when the client goes away', async () => {
    const opened: PassThrough[] = [];
    const zip = new ZipService(fakeStorage({}, opened), createLogger('silent'));
    let finished: Promise<void> = Promise.resolve();
    const server = await serve(
      zip,
      [
        { name: 'big.bin', key: 'slow/1' },
        { name: 'next.bin', key: 'slow/2' },
      ],
      (p) => (finished = p),
    );
    try {
      await new Promise<void>((resolve) => {
        const req = get(`http://127.0.0.1:${(server.address() as AddressInfo).port}/zip`, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
      });
      await finished;
      expect(opened).toHaveLength(1);
      expect(opened[0].destroyed).toBe(true);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
