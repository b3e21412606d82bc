/**
 * Data the cases share, made once per database: distinct garment photos, and a merchant whose
 * history holds 10,000 finished tasks (written straight through the tasks repository, the way
 * the backend writes them, so seeding takes seconds rather than 10,000 API round trips).
 */
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import type { DataSource } from 'typeorm';
import { inTransaction } from '../../backend/src/db/transaction';
import { TaskTypesService } from '../../backend/src/modules/task-types/task-types.service';
import { TasksRepository } from '../../backend/src/modules/tasks/tasks.repository';
import { doneTask } from '../../backend/src/testing/task-factories';
import type { BenchContext } from './context';

/** `count` garment photos that differ in their bytes (the garment shifts by a pixel each). */
export async function garmentPhotos(count: number, offset = 0): Promise<Buffer[]> {
  const garment = await sharp({ create: { width: 360, height: 460, channels: 3, background: '#be1e28' } })
    .png()
    .toBuffer();
  const photos: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    photos.push(
      await sharp({ create: { width: 900, height: 1000, channels: 3, background: '#b0b2b4' } })
        .composite([{ input: garment, left: 100 + ((i + offset) % 400), top: 200 + Math.floor((i + offset) / 400) }])
        .jpeg()
        .toBuffer(),
    );
  }
  return photos;
}

/** Uploads photos through the API, a few at a time; answers their input keys in order. */
export async function uploadAll(ctx: BenchContext, token: string, photos: Buffer[]): Promise<string[]> {
  const keys: string[] = new Array(photos.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      while (next < photos.length) {
        const i = next++;
        keys[i] = await ctx.upload(token, photos[i]);
      }
    }),
  );
  return keys;
}

export interface SeededHistory {
  token: string;
  userId: string;
  /** The newest task (a finished basic_clean with one result). */
  taskId: string;
  count: number;
}

export const HISTORY_SIZE = 10_000;
/**
 * Rows per seeding transaction, with a turn of the event loop between two. On SQLite every
 * statement is synchronous and every `await` in between resolves at once, so without that turn
 * the 10,000 inserts were one stretch of JavaScript that never let the loop run: ~1 s on a quiet
 * machine, over 5 s when the bench process got a tenth of a core. Meanwhile the backend closed
 * the keep-alive socket of the upload just before (its `keepAliveTimeout`, 5 s), undici's own idle
 * timer (3 s, counted in ticks of the same stalled loop) had not run, and the FIN was not read:
 * the list case's first page went out on that closed socket and failed with "fetch failed:
 * other side closed". With a turn every 200 rows the FIN is read, or undici drops the socket
 * first, and the next request opens a new connection.
 */
const SEED_CHUNK = 200;
/** By database: each phase has its own (context.ts). */
const seeded = new WeakMap<DataSource, Promise<SeededHistory>>();

/** A merchant with HISTORY_SIZE finished basic_clean tasks, one result each, 1 ms apart. */
export function seededHistory(ctx: BenchContext): Promise<SeededHistory> {
  let history = seeded.get(ctx.ds);
  if (!history) {
    history = seed(ctx);
    seeded.set(ctx.ds, history);
  }
  return history;
}

async function seed(ctx: BenchContext): Promise<SeededHistory> {
  const merchant = await ctx.merchant(100);
  const [inputKey] = await uploadAll(ctx, merchant.token, await garmentPhotos(1));
  const repository = new TasksRepository();
  const typeDef = await new TaskTypesService(ctx.ds).forCreate('basic_clean');
  const newest = Date.now() - 60_000;
  const ids: string[] = [];
  for (let chunk = 0; chunk < HISTORY_SIZE; chunk += SEED_CHUNK) {
    // Back to the event loop between transactions (see SEED_CHUNK).
    if (chunk) await new Promise<void>((resolve) => setImmediate(resolve));
    await inTransaction(ctx.ds, async (tx) => {
      for (let i = chunk; i < Math.min(HISTORY_SIZE, chunk + SEED_CHUNK); i++) {
        const id = randomUUID();
        ids.push(id);
        await repository.insert(
          tx,
          doneTask(typeDef, merchant.userId, {
            id,
            inputKey,
            resultKeys: [`output/${merchant.userId}/${id}/main.jpg`],
            deadlineAt: new Date(newest + 600_000),
          }),
          new Date(newest - i),
        );
      }
    });
  }
  return { token: merchant.token, userId: merchant.userId, taskId: ids[0], count: HISTORY_SIZE };
}
