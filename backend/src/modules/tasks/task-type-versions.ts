import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { toDbTime } from '../../db/time';
import { rows, type Db } from '../../db/transaction';
import type { TaskTypeDefinition } from '../task-types/task-type.schema';

/**
 * The definitions tasks were created with, each distinct one stored once in `task_type_versions`
 * under the SHA-256 of its JSON text (migration 1732231021000). A task row names its version, so
 * a history page reads twenty short rows, not twenty copies of the definition.
 *
 * The text of a hash never changes (rows are only ever added), so what this process has read for
 * a hash is right for every database it talks to: the cache below needs no invalidation.
 */
const texts = new Map<string, string>();
/** A handful of versions exist; the bound only guards against a pathological number of edits. */
const MAX_CACHED = 500;

function remember(hash: string, text: string): void {
  if (texts.size >= MAX_CACHED && !texts.has(hash)) texts.clear();
  texts.set(hash, text);
}

/** Hash and text of a definition object (computed once per object: a batch shares one). */
const versionsOfObjects = new WeakMap<TaskTypeDefinition, { hash: string; text: string }>();

export function typeVersionOf(def: TaskTypeDefinition): { hash: string; text: string } {
  let version = versionsOfObjects.get(def);
  if (!version) {
    const text = JSON.stringify(def);
    version = { hash: createHash('sha256').update(text).digest('hex'), text };
    versionsOfObjects.set(def, version);
  }
  return version;
}

/** Versions seen committed in a database (a row, once there, stays): no statement needed again. */
const committed = new WeakMap<DataSource, Set<string>>();
/** Versions this transaction wrote itself (they vanish with it if it rolls back). */
const writtenIn = new WeakMap<Db, Set<string>>();

/**
 * Makes sure `def`'s version row exists for a task inserted in `db`, and answers its hash.
 * Usually no statement at all; otherwise a plain read (no lock), and only for a definition never
 * stored before an insert that tolerates a concurrent one doing the same.
 */
export async function saveTypeVersion(db: Db, def: TaskTypeDefinition): Promise<string> {
  const { hash, text } = typeVersionOf(def);
  remember(hash, text);
  let known = committed.get(db.connection);
  if (!known) committed.set(db.connection, (known = new Set()));
  if (known.has(hash) || writtenIn.get(db)?.has(hash)) return hash;
  const found = await rows<{ hash: string }>(db, 'SELECT hash FROM task_type_versions WHERE hash = ?', [hash]);
  if (found.length) {
    // Not one this transaction wrote (those are in `writtenIn`), so another committed it.
    known.add(hash);
    return hash;
  }
  const onConflict =
    db.connection.options.type === 'mysql' ? 'ON DUPLICATE KEY UPDATE hash = hash' : 'ON CONFLICT (hash) DO NOTHING';
  await db.query(
    `INSERT INTO task_type_versions (hash, type, definition, created_at) VALUES (?, ?, ?, ?) ${onConflict}`,
    [hash, def.key, text, toDbTime(new Date())],
  );
  let mine = writtenIn.get(db);
  if (!mine) writtenIn.set(db, (mine = new Set()));
  mine.add(hash);
  return hash;
}

/** The JSON text of each of `hashes` (read from the database only for those not cached). */
export async function typeDefinitionTexts(db: Db, hashes: Iterable<string | null>): Promise<Map<string, string>> {
  const wanted = new Set<string>();
  for (const hash of hashes) if (hash) wanted.add(hash);
  const answer = new Map<string, string>();
  const missing: string[] = [];
  for (const hash of wanted) {
    const text = texts.get(hash);
    if (text === undefined) missing.push(hash);
    else answer.set(hash, text);
  }
  if (missing.length) {
    const found = await rows<{ hash: string; definition: string }>(
      db,
      `SELECT hash, definition FROM task_type_versions WHERE hash IN (${missing.map(() => '?').join(', ')})`,
      missing,
    );
    for (const row of found) {
      remember(row.hash, row.definition);
      answer.set(row.hash, row.definition);
    }
  }
  return answer;
}
