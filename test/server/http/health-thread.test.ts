// The management port's thread: /healthz and /metrics only, answered off the
// server's event loop, with the API port's meaning (the store answers) and the
// main thread's metrics.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../engine/index.js';
import type { Store } from '../../../engine/store/types.js';
import { DEFAULT_HTTP_TIMEOUTS } from '../../../server/http/client-errors.js';
import { startHealthThread, type HealthThread, type HealthThreadOptions } from '../../../server/http/health-thread.js';
import { describePostgres, freshSchema, schemaUrl } from '../../support/postgres.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Partial<HealthThreadOptions>): Promise<{ thread: HealthThread; url: string }> {
  const thread = await startHealthThread({
    port: 0,
    host: '127.0.0.1',
    replica: undefined,
    timeouts: DEFAULT_HTTP_TIMEOUTS,
    checkHealth: () => Promise.resolve(),
    metrics: () => Promise.resolve({ text: 'stratum_up 1\n', contentType: 'text/plain; version=0.0.4' }),
    ...options,
  });
  cleanups.push(() => thread.close());
  return { thread, url: `http://127.0.0.1:${thread.port}` };
}

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-health-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function sqliteStore(): Promise<Store> {
  const store = await openStore({ dataDir: folder() });
  cleanups.push(() => store.close());
  return store;
}

describe('the management port thread', () => {
  it('answers /healthz from a store connection of its own, and the main thread\'s /metrics', async () => {
    const store = await sqliteStore();
    const { url } = await start({ replica: store.replica!(), checkHealth: () => Promise.reject(new Error('never asked: the thread reads the store itself')) });
    const health = await fetch(`${url}/healthz`);
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    expect(health.headers.get('cache-control')).toBe('no-store');
    const metrics = await fetch(`${url}/metrics`);
    expect([metrics.status, metrics.headers.get('content-type'), await metrics.text()]).toEqual([200, 'text/plain; version=0.0.4', 'stratum_up 1\n']);
  });

  it('answers while the server\'s event loop is held (by a write step, here by waiting synchronously for the probe)', async () => {
    const store = await sqliteStore();
    const { url } = await start({ replica: store.replica!() });
    // a probe from another process while this thread's event loop cannot run: on a listener of the main
    // thread it would be answered only after the wait, which it holds up: the probe would time out
    const probe = `fetch(${JSON.stringify(`${url}/healthz`)}, { signal: AbortSignal.timeout(10_000) }).then(async (r) => console.log(r.status, await r.text()), (e) => console.log('failed', e.name))`;
    const { stdout } = spawnSync(process.execPath, ['-e', probe], { encoding: 'utf8', timeout: 20_000 });
    expect(stdout.trim()).toBe('200 {"status":"ok"}');
  });

  it('answers 503 when its store does not answer', async () => {
    // a folder whose database was never migrated: the read fails as a broken store's would
    const { url } = await start({ replica: { kind: 'sqlite', dataDir: folder(), busyTimeoutMs: 100 } });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(health.headers.get('content-type')).toBe('application/problem+json');
    expect(((await health.json()) as { detail: string }).detail).toBe('The store does not answer.');
  });

  it('asks the main thread when the store has no other connection (in memory)', async () => {
    let healthy = true;
    const { url } = await start({ checkHealth: () => (healthy ? Promise.resolve() : Promise.reject(new Error('closed'))) });
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    healthy = false;
    expect((await fetch(`${url}/healthz`)).status).toBe(503);
  });

  it('answers 503 when the server\'s event loop has stopped running', async () => {
    // any heartbeat is older than a negative limit: the wiring of the check, not its timing
    const { url } = await start({ stallMs: -1 });
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(503);
    expect(((await health.json()) as { detail: string }).detail).toMatch(/event loop has not run/);
  });

  it('answers 503 "stopping" once the server begins to stop, though the store answers, and /metrics still 200', async () => {
    const { thread, url } = await start({});
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    thread.stopping();
    // the message reaches the thread between two probes
    await new Promise((resolve) => setTimeout(resolve, 50));
    const health = await fetch(`${url}/healthz`);
    expect([health.status, health.headers.get('content-type')]).toEqual([503, 'application/problem+json']);
    expect(((await health.json()) as { detail: string }).detail).toMatch(/^The server is stopping/);
    expect((await fetch(`${url}/metrics`)).status).toBe(200);
  });

  it('serves nothing else', async () => {
    const { url } = await start({});
    const other = await fetch(`${url}/api/processes`, { headers: { authorization: 'Bearer demo-integration' } });
    expect([other.status, other.headers.get('content-type')]).toEqual([404, 'application/problem+json']);
    const post = await fetch(`${url}/healthz`, { method: 'POST' });
    expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD, OPTIONS']);
  });

  it('refuses to start on a port that is taken', async () => {
    const { thread } = await start({});
    await expect(start({ port: thread.port })).rejects.toThrow(/STRATUM_HEALTH_PORT/);
  });
});

describePostgres('the management port thread on PostgreSQL', () => {
  it('answers /healthz through a pool of its own, and 503 when the database does not answer', async () => {
    const url = schemaUrl(await freshSchema());
    const store = await openStore({ databaseUrl: url });
    cleanups.push(() => store.close());
    const { url: health } = await start({ replica: store.replica!(), checkHealth: () => Promise.reject(new Error('never asked')) });
    expect((await fetch(`${health}/healthz`)).status).toBe(200);

    const nowhere = await start({ replica: { kind: 'postgres', config: { connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 } } });
    expect((await fetch(`${nowhere.url}/healthz`)).status).toBe(503);
  });
});
