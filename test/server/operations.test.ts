// Health, metrics, logs, the modeler's static files and the guides at /docs/.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type AppOptions } from '../../server/app.js';
import { UserDirectory } from '../../server/auth/users.js';
import type { InstanceView, TaskView } from '../../engine/api.js';
import { stratumRules } from '../../engine/lint/config.js';
import { anchorsOf, ROOT } from '../support/guide-anchors.js';
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

/** A GET of `path` exactly as written: fetch would resolve its `..` before sending. */
function rawGet(url: string, path: string, accept: string): Promise<{ status: number; contentType: string | undefined }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    request({ hostname, port, path, headers: { accept } }, (answer) => {
      answer.resume();
      answer.on('end', () => resolve({ status: answer.statusCode ?? 0, contentType: answer.headers['content-type'] }));
    }).on('error', reject).end();
  });
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

describe('the guides at /docs/ in a browser', () => {
  const BROWSER = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
  const DOCS = join(ROOT, 'docs');
  const scratch = mkdtempSync(join(tmpdir(), 'stratum-guides-'));
  let app: Awaited<ReturnType<typeof serve>>;
  let scratchApp: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    app = await serve({ docsDir: DOCS });
    scratchApp = await serve({ docsDir: scratch });
  });
  afterAll(async () => {
    await app.close();
    await scratchApp.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  const page = async (url: string, path: string) => {
    const answer = await fetch(`${url}${path}`, { headers: { accept: BROWSER } });
    return { answer, html: await answer.text() };
  };
  const idsOf = (html: string) => new Set([...html.matchAll(/<h[1-6] id="([^"]+)"/g)].map(([, id]) => id));

  it('answers a browser the guide as an HTML page, its headings carrying the anchors GitHub gives them', async () => {
    const { answer, html } = await page(app.url, '/docs/validation.md');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(answer.headers.get('vary')).toBe('Accept');
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">/);
    expect(html).toContain('<title>Validation: what Stratum refuses at deploy, and why</title>');
    expect(html).toContain('<h3 id="feel-condition-syntax-error"><code>feel-condition-syntax</code> (error)</h3>');
    // every guide, every heading: the anchors the links of the README and the guides are checked against
    for (const guide of readdirSync(DOCS).filter((name) => name.endsWith('.md'))) {
      expect([guide, idsOf((await page(app.url, `/docs/${guide}`)).html)]).toEqual([guide, anchorsOf(`docs/${guide}`)]);
    }
    const head = await fetch(`${app.url}/docs/validation.md`, { method: 'HEAD', headers: { accept: BROWSER } });
    expect([head.status, head.headers.get('content-type'), await head.text()]).toEqual([200, 'text/html; charset=utf-8', '']);
  });

  it('has the heading each lint rule\'s documentation link leads to, so a finding\'s link scrolls to its rule', async () => {
    const pages = new Map<string, Set<string>>();
    const missing: string[] = [];
    for (const [id, rule] of Object.entries(stratumRules)) {
      const url = rule().meta?.documentation?.url ?? '';
      const [path, anchor] = url.split('#');
      if (!pages.has(path)) pages.set(path, idsOf((await page(app.url, `/${path}`)).html));
      if (!anchor || !pages.get(path)?.has(anchor)) missing.push(`${id}: ${url}`);
    }
    expect(Object.keys(stratumRules).length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });

  it('renders tables, keeps links between guides relative and shows the images of docs/images', async () => {
    const validation = (await page(app.url, '/docs/validation.md')).html;
    expect(validation).toMatch(/<table>\n<thead>\n<tr>\n<th>rule<\/th>\n<th>severity<\/th>/);
    const modeler = (await page(app.url, '/docs/modeler.md')).html;
    expect(modeler).toContain('<a href="api.md#cancelling-and-incidents">');
    expect(modeler).toContain('<img src="images/modeler-problems-panel.png"');
    const image = await fetch(`${app.url}/docs/images/modeler-problems-panel.png`, { headers: { accept: 'image/avif,image/webp,image/png,*/*;q=0.8' } });
    expect([image.status, image.headers.get('content-type')]).toEqual([200, 'image/png']);
  });

  it('keeps the Markdown, byte for byte, as text/plain for any Accept that does not prefer HTML', async () => {
    const markdown = readFileSync(join(DOCS, 'validation.md'));
    for (const accept of [undefined, '*/*', 'text/plain', 'text/plain, text/html', 'text/html;q=0.5, text/plain', 'application/json']) {
      const answer = await fetch(`${app.url}/docs/validation.md`, { headers: accept === undefined ? {} : { accept } });
      expect([accept, answer.status, answer.headers.get('content-type'), answer.headers.get('vary')]).toEqual([accept, 200, 'text/plain; charset=utf-8', 'Accept']);
      expect(Buffer.from(await answer.arrayBuffer()).equals(markdown), accept).toBe(true);
    }
  });

  it('shows HTML written in a guide as text, on a page whose policy lets nothing run but its own stylesheet', async () => {
    writeFileSync(join(scratch, 'raw.md'), '# Raw <b>HTML</b>\n\n<script>alert(1)</script>\n\nInline <img src=x onerror=alert(2)> too.\n');
    const { answer, html } = await page(scratchApp.url, '/docs/raw.md');
    expect(html).not.toMatch(/<script|<img|<b>/);
    expect(html).toContain('<p>&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Inline &lt;img src=x onerror=alert(2)&gt; too.');
    const policy = answer.headers.get('content-security-policy') ?? '';
    expect(policy).toMatch(/^default-src 'none'; img-src 'self'; /);
    const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
    expect(style).toContain('table{border-collapse:collapse');
    expect(policy).toContain(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
  });

  it('renders a guide once, and again when its file changes', async () => {
    const file = join(scratch, 'changing.md');
    writeFileSync(file, '# Before\n');
    utimesSync(file, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    expect((await page(scratchApp.url, '/docs/changing.md')).html).toContain('<h1 id="before">Before</h1>');
    writeFileSync(file, '# After\n');
    utimesSync(file, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    // the same modification time: the page rendered before
    expect((await page(scratchApp.url, '/docs/changing.md')).html).toContain('<h1 id="before">Before</h1>');
    utimesSync(file, new Date('2026-01-02T00:00:00Z'), new Date('2026-01-02T00:00:00Z'));
    expect((await page(scratchApp.url, '/docs/changing.md')).html).toContain('<h1 id="after">After</h1>');
  });

  it('answers 404 for a missing guide and for any path out of docs/, HTML or not', async () => {
    mkdirSync(join(scratch, 'folder.md'));
    for (const accept of [BROWSER, '*/*']) {
      for (const path of ['/docs/missing.md', '/docs/folder.md', '/docs/..%2fpackage.json', '/docs/../server/app.ts', '/docs/..%2fREADME.md',
        '/docs/%2e%2e/README.md', '/docs/images/..%2f..%2fREADME.md', '/docs/.%2e/CHANGELOG.md', '/docs/..\\README.md']) {
        const answer = await rawGet(path === '/docs/folder.md' ? scratchApp.url : app.url, path, accept);
        expect([accept, path, answer.status, answer.contentType]).toEqual([accept, path, 404, expect.stringMatching(/^application\/problem\+json/)]);
      }
    }
  });
});
