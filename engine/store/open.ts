import type { Store } from './types.js';

export interface StoreConfig {
  /** A postgres:// URL selects PostgreSQL. */
  databaseUrl?: string;
  /** Folder of the SQLite file (stratum.db); ':memory:' for an in-memory database. */
  dataDir?: string;
}

/** Opens and migrates the store the configuration names. */
export async function openStore(config: StoreConfig): Promise<Store> {
  void config;
  throw new Error('openStore: not implemented yet');
}
