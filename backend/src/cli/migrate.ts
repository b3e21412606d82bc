import { loadConfig } from '../config/config';
import { createDataSource } from '../db/data-source';

/** `npm run migrate -w backend`: applies pending migrations to the configured database. */
async function main(): Promise<void> {
  // `npm run … -w backend` runs here with cwd backend/; relative paths (DATA_DIR) mean the caller's folder.
  if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  const config = loadConfig();
  const ds = createDataSource(config.database);
  await ds.initialize();
  const applied = await ds.runMigrations({ transaction: 'each' });
  console.log(applied.length ? `applied: ${applied.map((m) => m.name).join(', ')}` : 'schema is up to date');
  await ds.destroy();
}

main().catch((err: unknown) => {
  console.error('migration failed:', err instanceof Error ? err.message : err);
  process.exit(1);
});
