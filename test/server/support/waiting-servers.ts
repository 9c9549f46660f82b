// Servers for tests of a fetch that waits (long polling) while other calls
// change what it waits for: on SQLite one server serves both; on PostgreSQL the
// fetch waits on a second server of the same database, so that what wakes it
// must cross servers (LISTEN/NOTIFY).
import type { ApiClient } from './client.js';
import { freshSchema, schemaUrl } from '../../support/postgres.js';
import { removeDataDir, startTestServer, type TestServer } from './real-server.js';

/** The API most calls go to, and the one a fetch waits on. */
export interface WaitingServers {
  api: ApiClient;
  waitingApi: ApiClient;
}

export interface StartedWaitingServers {
  servers: WaitingServers;
  close: () => Promise<void>;
}

/** One server on a fresh SQLite file, serving both. */
export async function oneSqliteServer(): Promise<StartedWaitingServers> {
  const server = await startTestServer();
  return { servers: { api: server.api, waitingApi: server.api }, close: () => closeAll([server]) };
}

/** Two servers on a fresh PostgreSQL schema: calls go to the first, the fetch waits on the second. */
export async function twoServersOnOnePostgres(): Promise<StartedWaitingServers> {
  const url = schemaUrl(await freshSchema());
  const [a, b] = [await startTestServer({ databaseUrl: url }), await startTestServer({ databaseUrl: url })];
  return { servers: { api: a.api, waitingApi: b.api }, close: () => closeAll([a, b]) };
}

async function closeAll(servers: TestServer[]): Promise<void> {
  for (const server of servers) {
    await server.close();
    removeDataDir(server.dataDir);
  }
}
