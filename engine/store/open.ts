// PostgreSQL's module (pg) is imported only when a store names it: loading pg costs a SQLite server's start
// about 0.1 s of CPU in each process and thread that opens a store.
import { ConfigurationError, StoreConnectError } from '../errors.js';
import { DEFAULT_BUSY_TIMEOUT_MS, SqliteStore } from './sqlite.js';
import type { PostgresStore } from './postgres.js';
import type { Store, StoreReplica } from './types.js';

export interface StoreConfig {
  /** A postgres:// URL selects PostgreSQL. */
  databaseUrl?: string;
  /** Folder of the SQLite file (stratum.db); ':memory:' for an in-memory database. */
  dataDir?: string;
  /** Told when opening changed the schema: `from` 0 is a new store, else the version an older Stratum left. */
  onMigrated?: (change: { from: number; to: number }) => void;
  /** Told when the store was already at this schema version: nothing to migrate (another process may have just done it). */
  onCurrent?: (version: number) => void;
}

/** Opens and migrates the store the configuration names. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const url = config.databaseUrl?.trim();
  let store: SqliteStore | PostgresStore;
  if (url) {
    if (!/^postgres(ql)?:\/\//i.test(url)) {
      throw new ConfigurationError(
        'DATABASE_URL',
        `DATABASE_URL must be a postgres:// or postgresql:// URL, got ${JSON.stringify(redactPassword(url))}; leave it unset to use the SQLite file in STRATUM_DATA`,
      );
    }
    const postgres = await import('./postgres.js');
    store = new postgres.PostgresStore({ connectionString: url });
  } else {
    const dataDir = config.dataDir ?? './data';
    try {
      store = new SqliteStore({ dataDir });
    } catch (error) {
      throw unusableDataDir(error, dataDir);
    }
  }
  try {
    // what migrate found under its lock: another process migrating at the same time is not taken for this one
    const { from, to } = await store.migrate();
    if (to !== from) config.onMigrated?.({ from, to });
    else config.onCurrent?.(to);
  } catch (error) {
    await store.close().catch(() => undefined);
    throw url && error instanceof StoreConnectError ? unreachable(error, url) : error;
  }
  return store;
}

/**
 * How another process or thread reaches the store the configuration names, without opening it here
 * (`npm start`'s primary, whose workers open and migrate it): what `Store.replica()` would say.
 */
export function replicaOf(config: StoreConfig): StoreReplica {
  const url = config.databaseUrl?.trim();
  return url ? { kind: 'postgres', config: { connectionString: url } } : { kind: 'sqlite', dataDir: config.dataDir ?? './data', busyTimeoutMs: DEFAULT_BUSY_TIMEOUT_MS };
}

/**
 * Opens another connection to a store that `Store.replica()` described (a replay worker process reads through it; no migration).
 * It only reads, so it needs no WAL checkpointer of its own: the store that writes runs one.
 */
export async function openReplica(replica: StoreReplica): Promise<Store> {
  if (replica.kind === 'sqlite') return new SqliteStore({ dataDir: replica.dataDir, busyTimeoutMs: replica.busyTimeoutMs, readConnections: 0, checkpoint: 'off' });
  const { PostgresStore } = await import('./postgres.js');
  return new PostgresStore(replica.config, { readPoolSize: 2 });
}

// helpers

/** The folder cannot be created or written (a file in its path, no permission, a read-only file system): the setting names it. */
function unusableDataDir(error: unknown, dataDir: string): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  if (!code || !/^E[A-Z]+$/.test(code)) return error;
  return new ConfigurationError(
    'STRATUM_DATA',
    `STRATUM_DATA=${dataDir}: the folder of the SQLite file cannot be created or opened (${code}: ${(error as Error).message}); ` +
      'name a folder this user may create and write, or set DATABASE_URL for PostgreSQL',
  );
}

/** No connection to PostgreSQL (nothing listening, unknown host, refused login, no such database): the URL names where. */
function unreachable(error: StoreConnectError, url: string): ConfigurationError {
  return new ConfigurationError(
    'DATABASE_URL',
    `DATABASE_URL=${redactPassword(url)}: no connection to PostgreSQL (${error.message}); ` +
      'check that the server runs there and that the URL names its host, port, user, password and database',
  );
}

function redactPassword(url: string): string {
  return url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
}
