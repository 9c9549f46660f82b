// The real server (startServer: store, engine, shipped diagrams, express) on
// an ephemeral port, with a temporary SQLite folder and the test users.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import type { AdmissionLimits } from '../../../server/http/admission.js';
import type { HttpTimeouts } from '../../../server/http/client-errors.js';
import { startServer, type RunningServer } from '../../../server/start.js';
import { ApiClient, TEST_USERS, TOKENS } from './client.js';

export const DIAGRAMS_DIR = fileURLToPath(new URL('../../../diagrams/', import.meta.url));
/** Small processes of the server tests' own (test/fixtures/server/). */
export const SERVER_FIXTURES = fileURLToPath(new URL('../../fixtures/server/', import.meta.url));

/** Deploys fixtures of test/fixtures/server/ by name (e.g. `customer-review.bpmn`) as the designer. */
export async function deployFixtures(api: ApiClient, ...names: string[]): Promise<void> {
  for (const name of names) {
    const response = await api.request('POST', `/api/deployments?name=${encodeURIComponent(name)}`, {
      token: TOKENS.designer, body: readFileSync(SERVER_FIXTURES + name, 'utf8'), headers: { 'content-type': 'application/xml' },
    });
    // 200: already deployed as it is
    if (response.status !== 201 && response.status !== 200) throw new Error(`${name} did not deploy: ${response.text}`);
  }
}

export interface TestServer extends RunningServer {
  api: ApiClient;
  dataDir: string;
}

/** A fresh temporary data folder with the test users file in it. */
export function makeDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-server-'));
  writeFileSync(join(dir, 'users.json'), JSON.stringify(TEST_USERS));
  return dir;
}

export function removeDataDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export async function startTestServer(options: { dataDir?: string; bodyBytes?: number; diagramsDir?: string; databaseUrl?: string; /** Demo mode: server/demo-users.json. */ demo?: boolean; ratesFile?: string; orderProcessKey?: string; admission?: AdmissionLimits; timeouts?: HttpTimeouts; requireDeploymentNote?: boolean; webhooksFile?: string; /** STRATUM_WEBHOOKS_ALLOW_PRIVATE: for receivers on 127.0.0.1. */ webhooksAllowPrivate?: boolean; /** STRATUM_HEALTH_PORT (0: a free one). */ healthPort?: number; /** STRATUM_WORKERS as configured (this server stays one process). */ workers?: number; /** Where its log goes (default: silent, or STRATUM_TEST_LOG's level). */ logger?: Logger } = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? makeDataDir();
  const server = await startServer({
    config: {
      port: 0,
      host: '127.0.0.1',
      ...(options.healthPort !== undefined ? { healthPort: options.healthPort } : {}),
      dataDir,
      ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
      ...(options.demo ? {} : { usersFile: join(dataDir, 'users.json') }),
      demo: options.demo ?? false,
      diagramsDir: options.diagramsDir ?? DIAGRAMS_DIR,
      bodyLimitBytes: options.bodyBytes ?? 256 * 1024,
      logLevel: 'silent',
      ...(options.ratesFile ? { ratesFile: options.ratesFile } : {}),
      orderProcessKey: options.orderProcessKey ?? 'order-to-cash',
      ...(options.admission ? { admission: options.admission } : {}),
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(options.requireDeploymentNote !== undefined ? { requireDeploymentNote: options.requireDeploymentNote } : {}),
      ...(options.webhooksFile ? { webhooksFile: options.webhooksFile } : {}),
      ...(options.webhooksAllowPrivate !== undefined ? { webhooksAllowPrivate: options.webhooksAllowPrivate } : {}),
      ...(options.workers !== undefined ? { workers: options.workers } : {}),
    },
    logger: options.logger ?? pino({ level: process.env.STRATUM_TEST_LOG ?? 'silent' }),
    scheduler: false,
    modelerDir: null,
  });
  return { ...server, api: new ApiClient(server.url), dataDir };
}
