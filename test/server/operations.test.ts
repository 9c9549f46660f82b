// Health, metrics, logs and the modeler's static files.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppOptions } from '../../server/app.js';
import { UserDirectory } from '../../server/auth/users.js';
import type { InstanceView, TaskView } from '../../engine/api.js';
import { camunda8Client } from './support/camunda8-client.js';
import { ApiClient, problemOf, TEST_USERS, TOKENS } from './support/client.js';
import { FakeStratum } from './support/fake-stratum.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const ORDER = { orderNo: 'SO-OPS-1', customer: { name: 'Secret Customer Ltd' }, amount: 42, currency: 'CNY', paymentTerms: 'credit' };

/** createApp over HTTP with a FakeStratum, capturing log lines. */
async function serve(options: Partial<AppOptions> = {}) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const stratum = new FakeStratum();
  const { app, dispose } = createApp({
    stratum,
    users: UserDirectory.fromJson(TEST_USERS),
    logger: pino({ level: 'info' }, sink),
    modelerDir: null,
    ...options,
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url, api: new ApiClient(url), lines, stratum,
    close: () => new Promise<void>((resolve) => { dispose(); server.close(() => resolve()); server.closeAllConnections(); }),
  };
}

describe('GET /healthz', () => {
  it('answers 200 {status: "ok"} while the store answers and 503 problem+json when it does not', async () => {
    let healthy = true;
    const app = await serve({ checkHealth: () => (healthy ? Promise.resolve() : Promise.reject(new Error('database is locked'))) });
    const healthy200 = await app.api.get('/healthz');
    expect(healthy200.body).toEqual({ status: 'ok' });
    expect(healthy200.headers.get('cache-control')).toBe('no-store');
    expect(healthy200.headers.get('x-content-type-options')).toBe('nosniff');
    healthy = false;
    const down = await app.api.get('/healthz');
    expect(down.status).toBe(503);
    expect(problemOf(down).detail).not.toContain('database is locked');
    await app.close();
  });
});

describe('the management port (STRATUM_HEALTH_PORT)', () => {
  it('listens beside the API port when configured, and not otherwise', async () => {
    const server = await startTestServer({ healthPort: 0 });
    try {
      expect(server.healthUrl).toBeDefined();
      expect(server.healthUrl).not.toBe(server.url);
      const health = await fetch(`${server.healthUrl}/healthz`);
      expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
      expect((await fetch(`${server.healthUrl}/api/processes`, { headers: { authorization: `Bearer ${TOKENS.erp}` } })).status).toBe(404);
      expect(await (await fetch(`${server.healthUrl}/metrics`)).text()).toContain('stratum_engine_steps_total');
      // probes that still point at the API port keep working
      expect((await server.api.get('/healthz')).status).toBe(200);
      // OPTIONS and other methods as the API port answers them: 204 with Allow, 405 with the same Allow
      for (const base of [server.healthUrl, server.url]) {
        for (const path of ['/healthz', '/metrics']) {
          const options = await fetch(`${base}${path}`, { method: 'OPTIONS' });
          expect([options.status, options.headers.get('allow'), await options.text()], `${base}${path}`).toEqual([204, 'GET, HEAD, OPTIONS', '']);
          const post = await fetch(`${base}${path}`, { method: 'POST' });
          expect([post.status, post.headers.get('allow'), post.headers.get('content-type')], `${base}${path}`)
            .toEqual([405, 'GET, HEAD, OPTIONS', expect.stringMatching(/^application\/problem\+json/)]);
          expect(((await post.json()) as { allow: string[] }).allow).toEqual(['GET', 'HEAD', 'OPTIONS']);
        }
      }
    } finally {
      await server.close();
      removeDataDir(server.dataDir);
    }
    const plain = await startTestServer();
    expect(plain.healthUrl).toBeUndefined();
    await plain.close();
    removeDataDir(plain.dataDir);
  });
});

describe('POST /api/orders without the order library', () => {
  it('answers 503 when order-to-cash is not deployed, instead of blaming the caller', async () => {
    const app = await serve();
    const response = await app.api.post('/api/orders', TOKENS.erp, ORDER);
    expect(response.status).toBe(503);
    expect(problemOf(response).detail).toContain('order-to-cash');
    await app.close();
  });
});

describe('errors the server did not expect', () => {
  it('answer 500 problem+json without internals, logged with the request id', async () => {
    const app = await serve();
    app.stratum.library.list = () => Promise.reject(new Error('SQLITE_CORRUPT: database disk image is malformed at /var/lib/stratum'));
    const response = await app.api.get('/api/processes', TOKENS.erp);
    expect(response.status).toBe(500);
    expect(response.text).not.toContain('SQLITE');
    await app.close();
    const logged = app.lines.find((line) => line.msg === 'request failed');
    expect(logged?.requestId).toBe(response.headers.get('x-request-id'));
  });
});

describe('logs', () => {
  it('writes one JSON line per request with request id, route template, status and duration, never tokens or order data', async () => {
    const app = await serve();
    const xml = '<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="order-to-cash"/></definitions>';
    await app.api.request('POST', '/api/deployments?name=o.bpmn', { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    const response = await app.api.post<InstanceView>('/api/orders', TOKENS.erp, ORDER, { headers: { 'x-request-id': 'erp-batch-7' } });
    expect(response.headers.get('x-request-id')).toBe('erp-batch-7');
    await app.api.get(`/api/instances/${response.body.id}`, TOKENS.director);
    await app.close();

    const requests = app.lines.filter((line) => line.msg === 'request');
    expect(requests.find((line) => line.requestId === 'erp-batch-7')).toMatchObject({ method: 'POST', route: '/api/orders', status: 201, user: 'erp' });
    expect(requests.find((line) => line.route === '/api/instances/{id}')).toMatchObject({ status: 200, user: 'dirk' });
    expect(requests.every((line) => typeof line.durationMs === 'number' && typeof line.requestId === 'string')).toBe(true);
    const everything = JSON.stringify(app.lines);
    for (const secret of [TOKENS.erp, TOKENS.designer, TOKENS.director, 'Secret Customer Ltd', 'SO-OPS-1']) expect(everything).not.toContain(secret);
  });
});

describe('GET /metrics', () => {
  let server: TestServer;
  beforeAll(async () => (server = await startTestServer()));
  afterAll(async () => {
    await server.close();
    removeDataDir(server.dataDir);
  });

  it('counts requests by route template and status, engine steps by action, and exposes process metrics', async () => {
    expect((await server.api.post('/api/orders', TOKENS.erp, { ...ORDER, amount: 900_000 })).status).toBe(201);
    const [task] = (await server.api.get<TaskView[]>('/api/tasks?businessKey=SO-OPS-1', TOKENS.vp)).body;
    await server.api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables: { approved: true } });
    await server.api.get('/api/instances/unknown-1', TOKENS.vp);
    await server.api.get('/api/instances/unknown-2', TOKENS.vp);
    await server.api.get('/no/such/page');

    const metrics = await server.api.get('/metrics');
    expect(metrics.contentType).toMatch(/^text\/plain/);
    const text = metrics.text;
    expect(text).toMatch(/stratum_http_requests_total\{method="POST",route="\/api\/orders",status="201"\} 1/);
    expect(text).toMatch(/stratum_http_requests_total\{method="GET",route="\/api\/instances\/\{id\}",status="404"\} 2/);
    expect(text).toMatch(/stratum_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).toMatch(/stratum_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/api\/orders",status="201"\}/);
    expect(text).toMatch(/stratum_engine_steps_total\{action="start",process_key="order-to-cash",outcome="ok"\} 1/);
    expect(text).toMatch(/stratum_engine_steps_total\{action="complete-task",[^}]*outcome="ok"\} 1/);
    expect(text).toMatch(/stratum_engine_step_duration_seconds_count\{action="start",outcome="ok"\} 1/);
    // the approval ran on the engine order entry left warm
    expect(text).toMatch(/stratum_engine_cache_lookups_total\{result="hit"\} [1-9]/);
    expect(text).toMatch(/stratum_engine_cache_entries [1-9]/);
    expect(text).toMatch(/stratum_engine_cache_budget_bytes [1-9]/);
    // both writes handed back the view their step built
    expect(text).toMatch(/stratum_view_cache_lookups_total\{result="hit"\} 2/);
    expect(text).toMatch(/stratum_view_cache_entries 1/);
    expect(text).toMatch(/stratum_view_cache_budget_bytes [1-9]/);
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).not.toContain('unknown-1');
  });
});

describe('the built modeler', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-modeler-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Stratum modeler</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("modeler")');
  let app: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => (app = await serve({ modelerDir: dir })));
  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves its files at / and index.html for client-side routes', async () => {
    const index = await fetch(`${app.url}/`);
    expect(await index.text()).toContain('Stratum modeler');
    const asset = await fetch(`${app.url}/assets/app.js`);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    const route = await fetch(`${app.url}/library/order-to-cash`, { headers: { accept: 'text/html' } });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('Stratum modeler');
  });

  it('serves the guides read-only at /docs/, where the modeler\'s lint findings link, as text a browser shows', async () => {
    const guide = await fetch(`${app.url}/docs/validation.md`);
    expect(guide.status).toBe(200);
    expect(guide.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await guide.text()).toContain('### `feel-condition-syntax` (error)');
    const route = await fetch(`${app.url}/docs/validation`, { headers: { accept: 'text/html' } });
    expect(await route.text()).toContain('Stratum modeler');
    expect((await fetch(`${app.url}/docs/missing.md`)).status).toBe(404);
    expect((await fetch(`${app.url}/docs/validation.md`, { method: 'PUT', body: 'x' })).status).toBe(404);
    expect((await fetch(`${app.url}/docs/%2e%2e/package.json`)).status).toBe(404);
  });

  it('keeps API misses, non-GET requests and missing assets as 404 problems', async () => {
    expect((await app.api.get('/api/nothing-here', TOKENS.erp)).status).toBe(404);
    const post = await app.api.request('POST', '/library', { json: {} });
    expect(post.status).toBe(404);
    const missing = await fetch(`${app.url}/assets/missing.js`, { headers: { accept: '*/*' } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  });
  it('answers a GET the Camunda routes do not serve with a 404 problem, not the modeler page', async () => {
    // Camunda 8's client: getTopology is a GET under /v2 that Stratum does not serve; it read the page as a topology
    const topology = await camunda8Client(app.url, TOKENS.erp).getTopology().then(() => undefined, (error: { status?: number }) => error.status);
    expect(topology).toBe(404);
    // what a browser or a health check asks: Camunda 7's engine list, Camunda 8's license, the roots themselves
    for (const path of ['/engine-rest/engine', '/engine-rest', '/v2/license', '/v2']) {
      const answer = await fetch(`${app.url}${path}`, { headers: { accept: 'text/html,*/*', authorization: `Bearer ${TOKENS.erp}` } });
      expect([path, answer.status, answer.headers.get('content-type')]).toEqual([path, 404, expect.stringMatching(/^application\/problem\+json/)]);
    }
  });

  it('keeps the answers of the Camunda routes out of caches, as those of /api', async () => {
    for (const path of ['/engine-rest/incident', '/api/incidents']) {
      const answer = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${TOKENS.erp}` } });
      expect([path, answer.status, answer.headers.get('cache-control')]).toEqual([path, 200, 'no-store']);
    }
    const jobs = await fetch(`${app.url}/v2/jobs/activation`, {
      method: 'POST', headers: { authorization: `Bearer ${TOKENS.erp}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'procurement-planning', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 }),
    });
    expect([jobs.status, jobs.headers.get('cache-control')]).toEqual([200, 'no-store']);
  });
});
