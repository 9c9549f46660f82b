// One database that a suite opens a store on as often as it likes (a restart, a second server), on SQLite or on
// PostgreSQL: the suites that run once on each store take their database from here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, type Store } from '../../engine/index.js';
import { PostgresStore } from '../../engine/store/postgres.js';
import { freshSchema, inSchema } from './postgres.js';

/** A database of its own: each `open` opens a new store on it; `dispose` removes what it leaves behind. */
export interface ReopenableStore {
  open(): Promise<Store>;
  dispose(): void;
}

/** SQLite in a fresh temporary folder `stratum-<name>-…`, which `dispose` deletes. */
export function reopenableSqliteStore(name: string): Promise<ReopenableStore> {
  const dataDir = mkdtempSync(join(tmpdir(), `stratum-${name}-`));
  return Promise.resolve({ open: () => openStore({ dataDir }), dispose: () => rmSync(dataDir, { recursive: true, force: true }) });
}

/** PostgreSQL in a fresh schema, migrated by each `open`; the schema is dropped after the file (postgres.ts). */
export async function reopenablePostgresStore(): Promise<ReopenableStore> {
  const schema = await freshSchema();
  return {
    open: async () => {
      const store = new PostgresStore(inSchema(schema));
      await store.migrate();
      return store;
    },
    dispose: () => undefined,
  };
}
