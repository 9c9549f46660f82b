// The kill -9 soak and the races with workers (issue 10): `npm start` with two
// workers behind the order router (STRATUM_ROUTING=order) on one store, and ten
// SIGKILLs while orders are posted, approved and worked concurrently — eight
// kill one worker (the router sends its orders to the other, and the primary
// starts a replacement that takes them back), two kill the primary (its
// workers exit with it; the server is started again on the same data).
// Afterwards every order posted is posted again as a client retries: an
// acknowledged one answers 200 with the same instance, every order number
// names exactly one order, and every order is driven to its end with each task
// and job completed exactly once.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { compiledPath } from '../support/compiled-sources.js';
import { describePostgres, freshSchema, schemaUrl } from '../support/postgres.js';
import type { InstanceView, JobView, TaskView } from '../../engine/api.js';
import { TOKENS, type InstancePage } from './support/client.js';
import { DIAGRAMS_DIR, makeDataDir, removeDataDir } from './support/real-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
// STRATUM_SOAK_KILLS: more (or fewer) kills for a longer soak
const KILLS = Math.max(5, Number(process.env.STRATUM_SOAK_KILLS ?? 10));
/** Every fifth kill is the primary's. */
const PRIMARY_KILL_EVERY = 5;
const ORDERS_PER_ROUND = 4;
const JOB_TYPES = ['procurement-planning', 'production-planning', 'shipping'];
// about a minute on an idle machine; a loaded one (the whole suite on two cores) takes longer
const SOAK_TIMEOUT_MS = 600_000;

const groups: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of groups.splice(0)) killGroup(child);
  dirs.splice(0).forEach(removeDataDir);
});

describe('kill -9 soak on SQLite with two routed workers', () => {
  it(`loses and duplicates no order, task or job over ${KILLS} kills under load`, async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    await soak({ STRATUM_DATA: dataDir, STRATUM_USERS: join(dataDir, 'users.json') });
  }, SOAK_TIMEOUT_MS);
});

describePostgres('kill -9 soak on PostgreSQL with two routed workers', () => {
  it(`loses and duplicates no order, task or job over ${KILLS} kills under load`, async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const url = schemaUrl(await freshSchema());
    await soak({ STRATUM_DATA: dataDir, STRATUM_USERS: join(dataDir, 'users.json'), DATABASE_URL: url });
  }, SOAK_TIMEOUT_MS);
});

describe('races across two workers on SQLite', () => {
  it('makes one order of eight concurrent posts and lets one of eight concurrent approvals win', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    await race({ STRATUM_DATA: dataDir, STRATUM_USERS: join(dataDir, 'users.json') });
  }, SOAK_TIMEOUT_MS);
});

describePostgres('races across two workers on PostgreSQL', () => {
  it('makes one order of eight concurrent posts and lets one of eight concurrent approvals win', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const url = schemaUrl(await freshSchema());
    await race({ STRATUM_DATA: dataDir, STRATUM_USERS: join(dataDir, 'users.json'), DATABASE_URL: url });
  }, SOAK_TIMEOUT_MS);
});

// helpers

/**
 * Eight requests at once, each over a connection of its own, reach both workers: exactly one may create or
 * decide. Without routing (STRATUM_ROUTING=off), so that the race is between processes and not only inside one.
 */
async function race(env: Record<string, string>): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await launch({
    PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', STRATUM_WORKERS: '2', STRATUM_ROUTING: 'off', STRATUM_DIAGRAMS: DIAGRAMS_DIR,
    STRATUM_DEPLOY_NOTE: 'optional', LOG_LEVEL: 'info', ...env,
  }, base);
  const order: Order = { orderNo: 'RACE-1', customer: { name: 'Race AG' }, amount: 750_000, currency: 'CNY', paymentTerms: 'credit' };
  const posts = await Promise.all(Array.from({ length: 8 }, () => callOnNewConnection<InstanceView>(base, 'POST', '/api/orders', TOKENS.erp, order)));
  expect(posts.map((post) => post.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 201]);
  expect(new Set(posts.map((post) => post.body.id)).size).toBe(1);
  expect(new Set(posts.map((post) => post.worker)).size).toBe(2);

  const tasks = await call<TaskView[]>(base, 'GET', '/api/tasks?businessKey=RACE-1', TOKENS.vp);
  const [task] = tasks!.body;
  const decisions = await Promise.all(Array.from({ length: 8 }, () =>
    callOnNewConnection(base, 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables: { approved: true } })));
  expect(decisions.map((decision) => decision.status).sort()).toEqual([200, 409, 409, 409, 409, 409, 409, 409]);
  expect(new Set(decisions.map((decision) => decision.worker)).size).toBe(2);
  const view = await call<InstanceView>(base, 'GET', `/api/instances/${posts[0].body.id}`, TOKENS.erp);
  expect(view!.body.history.filter((entry) => entry.event === 'task.completed')).toHaveLength(1);
  killGroup(server.child);
}

interface Order {
  orderNo: string;
  customer: { name: string };
  amount: number;
  currency: string;
  paymentTerms: string;
}

async function soak(env: Record<string, string>): Promise<void> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const serverEnv = {
    PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', STRATUM_WORKERS: '2', STRATUM_ROUTING: 'order', STRATUM_DIAGRAMS: DIAGRAMS_DIR,
    STRATUM_DEPLOY_NOTE: 'optional', LOG_LEVEL: 'info', ...env,
  };
  const began = performance.now();
  let server = await launch(serverEnv, base);
  const orders: Order[] = [];
  const acknowledged = new Map<string, string>(); // orderNo → instance id
  const completedTasks = new Set<string>();
  const completedJobs = new Set<string>();

  // server processes that have listened since the last launch once every replacement is up
  let everyWorker = 2;
  for (let round = 0; round < KILLS; round++) {
    const killPrimary = round % PRIMARY_KILL_EVERY === PRIMARY_KILL_EVERY - 1;
    // a worker is killed once both serve (the last one's replacement started meanwhile); the primary at any time
    if (!killPrimary) await until(() => server.listening() >= everyWorker, 'the replacement worker did not listen');
    const fresh = Array.from({ length: ORDERS_PER_ROUND }, (_, i): Order => ({
      orderNo: `SOAK-${round}-${i}`, customer: { name: 'Soak GmbH' },
      // above 500,000 waits for the vice-president; up to it, approved automatically and planned at once
      amount: i % 2 ? 750_000 : 300_000, currency: 'CNY', paymentTerms: 'credit',
    }));
    orders.push(...fresh);
    let answered!: () => void;
    const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
    const burst: Promise<void>[] = fresh.map(async (order) => {
      const response = await call<InstanceView>(base, 'POST', '/api/orders', TOKENS.erp, order);
      if (response?.status === 201 || response?.status === 200) {
        acknowledged.set(order.orderNo, response.body.id);
        answered();
      }
    });
    burst.push(approveOpenTasks(base, completedTasks), workJobs(base, completedJobs));
    // mid-burst: once the first order of the round is acknowledged, the others still in flight
    await Promise.race([firstAnswer, sleep(5000)]);
    await sleep(10 * (round % 4));
    if (killPrimary) {
      // the primary: the router and the connections through it go at once, its workers exit with it
      process.kill(server.child.pid!, 'SIGKILL');
      await Promise.allSettled(burst);
      await groupGone(server.child);
      server = await launch(serverEnv, base);
      everyWorker = 2;
    } else {
      // one worker: the other goes on serving its orders too, the primary starts a replacement
      const workers = workersOf(server.child);
      process.kill(workers[round % workers.length], 'SIGKILL');
      everyWorker++;
      await Promise.allSettled(burst);
    }
    console.info(`kill ${round + 1}/${KILLS} after ${Math.round((performance.now() - began) / 1000)} s: ${acknowledged.size} of ${orders.length} orders acknowledged so far`);
  }

  // Every order posted once more, as clients that lost answers retry (eight at a time).
  await eightAtATime(orders, async (order) => {
    const retry = await call<InstanceView>(base, 'POST', '/api/orders', TOKENS.erp, order);
    expect([200, 201], `${order.orderNo}: ${JSON.stringify(retry?.body)}`).toContain(retry?.status);
    const earlier = acknowledged.get(order.orderNo);
    if (earlier) {
      expect(retry!.status).toBe(200);
      expect(retry!.body.id).toBe(earlier);
    }
    const listed = await call<InstancePage>(base, 'GET', `/api/instances?businessKey=${order.orderNo}&processKey=order-to-cash`, TOKENS.erp);
    expect(listed!.body.total, order.orderNo).toBe(1);
  });
  expect(acknowledged.size).toBeGreaterThan(0);

  // Every order driven to its end.
  for (let pass = 0; pass < 60; pass++) {
    await approveOpenTasks(base, completedTasks);
    await workJobs(base, completedJobs);
    const running = await call<InstancePage>(base, 'GET', '/api/instances?processKey=order-to-cash&status=running&limit=200', TOKENS.erp);
    if (running?.body.total === 0) break;
    await sleep(300);
  }
  const done = await call<InstancePage>(base, 'GET', '/api/instances?processKey=order-to-cash&status=completed&limit=200', TOKENS.erp);
  expect(done!.body.total).toBe(orders.length);
  console.info(`all ${orders.length} orders driven to their end after ${Math.round((performance.now() - began) / 1000)} s`);

  // Each task and job of every order completed exactly once.
  await eightAtATime(orders, async (order) => {
    const [root] = (await call<InstancePage>(base, 'GET', `/api/instances?businessKey=${order.orderNo}&processKey=order-to-cash`, TOKENS.erp))!.body.items;
    // the root's history covers its whole call tree; no element of the shipped library runs twice in one instance
    const view = await call<InstanceView>(base, 'GET', `/api/instances/${root.id}`, TOKENS.erp);
    const completions = view!.body.history
      .filter((entry) => entry.event === 'task.completed' || entry.event === 'job.completed')
      .map((entry) => `${entry.instanceId}:${entry.elementId}`);
    expect(new Set(completions).size, order.orderNo).toBe(completions.length);
    expect(completions.length, order.orderNo).toBe(order.amount > 500_000 ? 4 : 3);
  });
  killGroup(server.child);
}

async function eightAtATime<T>(items: readonly T[], check: (item: T) => Promise<void>): Promise<void> {
  for (let start = 0; start < items.length; start += 8) await Promise.all(items.slice(start, start + 8).map(check));
}

/** Approves every open vice-president task (a 409 means another request decided it: fine). */
async function approveOpenTasks(base: string, completed: Set<string>): Promise<void> {
  const open = await call<TaskView[] | { items?: TaskView[] } | null>(base, 'GET', '/api/tasks?candidateGroup=vice-president&limit=100', TOKENS.vp);
  const tasks: { id: string }[] = Array.isArray(open?.body) ? open.body : open?.body?.items ?? [];
  await Promise.all(tasks.map(async (task) => {
    const response = await call(base, 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables: { approved: true } });
    if (response?.status === 200) {
      expect(completed.has(task.id), `task ${task.id} completed twice`).toBe(false);
      completed.add(task.id);
    }
  }));
}

/** Locks (for one second: a killed client's lock soon expires) and completes the jobs of the order's three types. */
async function workJobs(base: string, completed: Set<string>): Promise<void> {
  for (const type of JOB_TYPES) {
    const fetched = await call<JobView[]>(base, 'POST', '/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: 'soak', lockMs: 1000, max: 20 });
    if (fetched?.status !== 200) continue;
    await Promise.all(fetched.body.map(async (job) => {
      const response = await call(base, 'POST', `/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'soak' });
      if (response?.status === 200) {
        expect(completed.has(job.id), `job ${job.id} completed twice`).toBe(false);
        completed.add(job.id);
      }
    }));
  }
}

/** One request; undefined when the connection broke (a killed process) or was refused. */
async function call<T = unknown>(base: string, method: string, path: string, token: string, json?: unknown): Promise<{ status: number; body: T } | undefined> {
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await fetch(base + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(json !== undefined && { 'content-type': 'application/json' }) },
        ...(json !== undefined && { body: JSON.stringify(json) }),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      // shaped bursts: a refused request is retried after the time the server names
      if (response.status === 503 && attempt < 20) {
        await sleep(Number(response.headers.get('retry-after') ?? 1) * 1000);
        continue;
      }
      return { status: response.status, body: (text ? JSON.parse(text) : null) as T };
    } catch {
      return undefined;
    }
  }
}

/**
 * One request over a connection of its own (without routing, the cluster hands each new one to the next worker),
 * and which worker answered; a 503 (a shaped burst) is sent again after its Retry-After.
 */
async function callOnNewConnection<T = unknown>(base: string, method: string, path: string, token: string, json?: unknown): Promise<{ status: number; body: T; worker: string | undefined }> {
  for (let attempt = 0; ; attempt++) {
    const answer = await requestOnNewConnection<T>(base, method, path, token, json);
    if (answer.status !== 503 || attempt >= 20) return answer;
    await sleep(Number(answer.retryAfter ?? 1) * 1000);
  }
}

function requestOnNewConnection<T>(base: string, method: string, path: string, token: string, json?: unknown): Promise<{ status: number; body: T; worker: string | undefined; retryAfter: string | undefined }> {
  const payload = json === undefined ? undefined : JSON.stringify(json);
  return new Promise((resolve, reject) => {
    const req = httpRequest(base + path, {
      method, agent: false,
      headers: { authorization: `Bearer ${token}`, ...(payload !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, body: (text ? JSON.parse(text) : null) as T,
        worker: res.headers['stratum-worker'] as string | undefined, retryAfter: res.headers['retry-after'],
      }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

interface Launched {
  child: ChildProcess;
  /** How many server processes have logged that they listen (2, then one more for each replacement). */
  listening(): number;
}

async function launch(env: Record<string, string>, base: string): Promise<Launched> {
  // compiled (test/support/compiled-sources.ts): under tsx each start of a process took seconds longer, and each soak starts 17
  const child = spawn(process.execPath, [compiledPath('server/main.ts')], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  groups.push(child);
  let stderr = '';
  let listening = 0;
  let routing: unknown;
  let buffer = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
    const lines = buffer.split('\n');
    buffer = lines.pop()!;
    listening += lines.filter((line) => line.includes('"msg":"stratum server listening"')).length;
    const pool = lines.find((line) => line.includes('"msg":"stratum workers listening"'));
    if (pool) routing = (JSON.parse(pool) as { routing: unknown }).routing;
  });
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${stderr}`))));
  exited.catch(() => undefined);
  await Promise.race([until(() => routing !== undefined && listening >= 2, 'the server did not start its workers'), exited]);
  expect(routing).toBe(env.STRATUM_ROUTING);
  await waitUntilHealthy(base);
  return { child, listening: () => listening };
}

/** Waits until every process of the group is gone (a killed primary's workers exit as their channel closes). */
async function groupGone(child: ChildProcess): Promise<void> {
  const alive = () => {
    try {
      process.kill(-child.pid!, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (let attempt = 0; attempt < 200 && alive(); attempt++) await sleep(50);
  if (alive()) throw new Error('the workers of the killed primary did not exit');
}

async function until(done: () => boolean, failure: string): Promise<void> {
  for (let attempt = 0; attempt < 1800; attempt++) {
    if (done()) return;
    await sleep(100);
  }
  throw new Error(failure);
}

/** The server processes the primary forked, and no other child of it. */
function workersOf(primary: ChildProcess): number[] {
  let children: string;
  try {
    children = execFileSync('pgrep', ['-P', String(primary.pid)], { encoding: 'utf8' });
  } catch {
    return []; // pgrep exits 1 when there are none
  }
  return children.trim().split('\n').map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(compiledPath('server/main.ts'));
    } catch {
      return false;
    }
  });
}

async function waitUntilHealthy(base: string): Promise<void> {
  for (let attempt = 0; attempt < 1800; attempt++) {
    const healthy = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) }).then((response) => response.ok, () => false);
    if (healthy) return;
    await sleep(100);
  }
  throw new Error(`${base} did not become healthy`);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
