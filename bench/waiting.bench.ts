// 100,000 waiting orders (issue 10's targets): a SQLite data folder with
// 100,000 credit orders waiting at the vice-president's review (loaded by
// bench/waiting-orders.ts), then the server as `npm start` runs it on that
// folder: restart time (spawn → /healthz → first task page, three times),
// every vice-president task paged through once, copies completed to the end
// through the HTTP API (so the copies are real orders), and 50-task pages
// (the first and one in the middle) while a few clients post orders, approve,
// work jobs and list; p50/p99 per request type and the server's RSS. Stored
// size per waiting order, by table (SQLite's dbstat).
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BUILT_SERVER, latencySummary, metricValue, npmStartEntry, startServerProcess } from './http.bench.js';
import { JOB_TYPES, LifecycleClient } from './order-lifecycle.js';
import { cpuSecondsOf } from './proc.js';
import type { BenchResult } from './report.js';
import { loadWaitingOrders, templateOrderNo } from './waiting-orders.js';

const ORDERS = Number(process.env.BENCH_WAITING_ORDERS ?? 100_000);
const TEMPLATES = Number(process.env.BENCH_WAITING_TEMPLATES ?? 200);
const RESTARTS = 3;
/** Requests of each measured page (the first and the one in the middle). */
const PAGE_REQUESTS = Number(process.env.BENCH_WAITING_PAGES ?? 200);
/** Orders per second the load posts; as many director's and vice-president's approvals. */
const ALONE_REQUESTS = 50;
/** Requests of each page under the same load with the engine cache off. */
const COLD_PAGE_REQUESTS = Math.ceil(PAGE_REQUESTS / 2);
const LOAD_RATE = Number(process.env.BENCH_WAITING_RATE ?? 2);
const PAGE = 50;
const TARGET = { pageP99Ms: 50, rssMb: 300, restartMs: 2000 };
const VP_PAGE = `/api/tasks?candidateGroup=vice-president&limit=${PAGE}`;

type Kind = 'vp-page-first' | 'vp-page-middle' | 'list-instances' | 'list-orders';

const round1 = (value: number) => Math.round(value * 10) / 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function get(url: string, path: string, token: string): Promise<{ status: number; headers: Headers; json: unknown }> {
  const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : null };
}

/** The server's resident set (VmRSS) in MB. */
function rssMb(pid: number): number {
  return rssParts(pid).rss;
}

/** The server's resident set in MB and its parts: anonymous (V8's heap, malloc) and file-backed (node, libraries). */
function rssParts(pid: number): { rss: number; anon: number; file: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => round1(Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)?.[1]) / 1024);
  return { rss: mb('VmRSS'), anon: mb('RssAnon'), file: mb('RssFile') };
}

/** What the server's /metrics says of its memory when the load ends: V8's heap (total and in use) and the warm engines' estimate, in MB. */
async function memoryMetrics(url: string): Promise<Record<string, number>> {
  const response = await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer demo-integration' } });
  const text = await response.text();
  const mb = (name: string) => round1((metricValue(text, name) ?? NaN) / 1024 / 1024);
  return {
    heapTotalMb: mb('nodejs_heap_size_total_bytes'),
    heapUsedMb: mb('nodejs_heap_size_used_bytes'),
    externalMb: mb('nodejs_external_memory_bytes'),
    engineCacheMb: mb('stratum_engine_cache_bytes'),
    engineCacheBudgetMb: mb('stratum_engine_cache_budget_bytes'),
    engineCacheHitRate: engineCacheHitRate(text),
  };
}

/** Hits of all the engine cache's lookups since the server started (NaN when it looked up none). */
function engineCacheHitRate(text: string): number {
  const lookups = (result: string) => metricValue(text, `stratum_engine_cache_lookups_total{result="${result}"}`) ?? 0;
  const hits = lookups('hit');
  return Math.round((hits / (hits + lookups('miss') + lookups('stale'))) * 1000) / 1000;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
}

interface Restart {
  url: string;
  child: ChildProcess;
  healthzMs: number;
  firstPageMs: number;
  /** The server's CPU time until its first page answered: what the machine's load does not stretch. */
  cpuSeconds: number;
  idleRssMb: number;
}

/** Spawn → /healthz 200 → the first page of the vice-president's tasks (`tasks`: how many it should hold). */
async function restart(dataDir: string, entry: string[], tasks: number): Promise<Restart> {
  const spawned = performance.now();
  const { url, child } = await startServerProcess(dataDir, {}, 'stratum server listening', entry);
  for (;;) {
    const { status } = await get(url, '/healthz', 'demo-vp').catch(() => ({ status: 0 }));
    if (status === 200) break;
    await sleep(5);
  }
  const healthzMs = performance.now() - spawned;
  const page = await get(url, VP_PAGE, 'demo-vp');
  if (page.status !== 200 || (page.json as unknown[]).length !== tasks) throw new Error(`first page after restart: ${page.status}`);
  const firstPageMs = performance.now() - spawned;
  return { url, child, healthzMs, firstPageMs, cpuSeconds: cpuSecondsOf([child.pid!]), idleRssMb: rssMb(child.pid!) };
}

type RestartTiming = Omit<Restart, 'url' | 'child'>;

/** `RESTARTS` restarts on the folder; the last server keeps running when `keep`. */
async function restarts(dataDir: string, entry: string[], tasks: number, keep: boolean): Promise<{ timings: RestartTiming[]; server?: Restart }> {
  const timings: RestartTiming[] = [];
  let server: Restart | undefined;
  try {
    for (let n = 0; n < RESTARTS; n++) {
      if (server) await stop(server.child);
      server = await restart(dataDir, entry, tasks);
      const { url: _url, child: _child, ...timing } = server;
      timings.push(timing);
    }
  } catch (error) {
    if (server) await stop(server.child);
    throw error;
  }
  if (!keep) await stop(server!.child);
  return { timings, ...(keep && { server }) };
}

/** The same restarts on a folder with the library only: what starting costs without any order. */
async function emptyFolderRestarts(entry: string[]): Promise<RestartTiming[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-waiting-empty-'));
  try {
    // the first start migrates and deploys; the measured ones find both done, as on the loaded folder
    await stop((await startServerProcess(dataDir, {}, 'stratum server listening', entry)).child);
    return (await restarts(dataDir, entry, 0, false)).timings;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Every vice-president task, 1,000 a page through the `Link` cursors: how many, how long, and the cursor of the page in the middle. */
async function walkVicePresidentTasks(url: string): Promise<{ tasks: number; pages: number; seconds: number; middle: string }> {
  const began = performance.now();
  const cursors: string[] = [];
  let tasks = 0;
  let path: string | null = '/api/tasks?candidateGroup=vice-president&limit=1000';
  while (path) {
    const { status, headers, json } = await get(url, path, 'demo-vp');
    if (status !== 200) throw new Error(`${path}: ${status}`);
    tasks += (json as unknown[]).length;
    const next = /<([^>]+)>; rel="next"/.exec(headers.get('link') ?? '')?.[1] ?? null;
    if (next) cursors.push(new URL(next, url).searchParams.get('after')!);
    path = next;
  }
  return { tasks, pages: cursors.length + 1, seconds: (performance.now() - began) / 1000, middle: cursors[Math.floor(cursors.length / 2)] };
}

/**
 * Each order through the rest of its life over HTTP: the vice-president approves, its
 * planning and shipping jobs are fetched (that order's only) and completed; it must end
 * completed. Resolves with the orders that did not.
 */
async function completeOrders(client: LifecycleClient, orderNos: string[]): Promise<string[]> {
  const unfinished: string[] = [];
  for (const orderNo of orderNos) {
    await client.approve(orderNo, 'demo-vp');
    for (let round = 0; round < 5; round++) {
      let found = 0;
      for (const type of JOB_TYPES) {
        const jobs = await client.call<{ id: string }[]>(null, 'POST', '/api/jobs/fetch-and-lock', 'demo-integration', { type, workerId: 'check', businessKey: orderNo, max: 5 });
        for (const job of jobs) await client.call(null, 'POST', `/api/jobs/${encodeURIComponent(job.id)}/complete`, 'demo-integration', { variables: {}, workerId: 'check' });
        found += jobs.length;
      }
      if (!found) break;
    }
    const { items } = await client.call<{ items: { status: string }[] }>(null, 'GET', `/api/instances?processKey=order-to-cash&businessKey=${orderNo}`, 'demo-integration');
    if (items.length !== 1 || items[0].status !== 'completed') unfinished.push(orderNo);
  }
  return unfinished;
}

/** Runs `work` every `intervalMs` (or back to back when it takes longer) until `done()`. */
async function paced(intervalMs: number, done: () => boolean, work: () => Promise<unknown>): Promise<number> {
  let runs = 0;
  while (!done()) {
    const began = performance.now();
    await work();
    runs++;
    await sleep(Math.max(0, intervalMs - (performance.now() - began)));
  }
  return runs;
}

interface UnderLoad {
  seconds: number;
  latencies: Map<string, number[]>;
  rss: number[];
  /** The largest anonymous and file-backed parts of the resident set sampled. */
  rssAnonMaxMb: number;
  rssFileMaxMb: number;
  /** /metrics when the load ended (memoryMetrics). */
  memory: Record<string, number>;
  counts: Record<string, number>;
}

/** The two measured pages with nothing else running: what the query and its answer cost. */
async function pagesAlone(url: string, middle: string): Promise<Map<string, number[]>> {
  const client = new LifecycleClient<Kind>(url);
  for (let n = 0; n < ALONE_REQUESTS; n++) {
    await client.call('vp-page-first', 'GET', VP_PAGE, 'demo-vp');
    await client.call('vp-page-middle', 'GET', `${VP_PAGE}&after=${middle}`, 'demo-vp');
  }
  return client.latencies;
}

/**
 * The measured pages, one request at a time, while the load runs: orders posted and
 * approved by the director, copies approved by the vice-president, jobs worked, lists read.
 */
async function pagesUnderLoad(url: string, pid: number, middle: string, requests = PAGE_REQUESTS): Promise<UnderLoad> {
  const client = new LifecycleClient<Kind>(url);
  let finished = false;
  const done = () => finished;
  const rss: number[] = [];
  let rssAnonMaxMb = 0;
  let rssFileMaxMb = 0;
  const sampler = setInterval(() => {
    const parts = rssParts(pid);
    rss.push(parts.rss);
    rssAnonMaxMb = Math.max(rssAnonMaxMb, parts.anon);
    rssFileMaxMb = Math.max(rssFileMaxMb, parts.file);
  }, 200);
  const interval = 1000 / LOAD_RATE;
  let posted = 0;
  const began = performance.now();
  const load = Promise.all([
    paced(interval, done, () => client.post(`LOAD-${posted++}`)),
    paced(interval, done, async () => {
      const [task] = await client.call<{ id: string }[]>('list-tasks', 'GET', '/api/tasks?candidateGroup=sales-director&limit=1', 'demo-director');
      if (task) await client.call('complete-task', 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, 'demo-director', { variables: { approved: true } });
    }),
    paced(interval, done, async () => {
      // the oldest copies: each moves on to its planning jobs
      const [task] = await client.call<{ id: string }[]>('list-tasks', 'GET', '/api/tasks?candidateGroup=vice-president&limit=1', 'demo-vp');
      if (task) await client.call('complete-task', 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, 'demo-vp', { variables: { approved: true } });
    }),
    paced(interval, done, async () => {
      for (const type of JOB_TYPES) await client.work('load', type);
    }),
    paced(interval, done, async () => {
      await client.call('list-instances', 'GET', '/api/instances?processKey=order-to-cash&limit=50', 'demo-integration');
      await client.call('list-orders', 'GET', '/api/orders?limit=50', 'demo-integration');
    }),
  ]);
  try {
    for (let n = 0; n < requests; n++) {
      const first = await client.call<unknown[]>('vp-page-first', 'GET', VP_PAGE, 'demo-vp');
      const deep = await client.call<unknown[]>('vp-page-middle', 'GET', `${VP_PAGE}&after=${middle}`, 'demo-vp');
      if (first.length !== PAGE || deep.length !== PAGE) throw new Error(`a page of ${first.length} and ${deep.length} tasks`);
      await sleep(100);
    }
  } finally {
    finished = true;
    await load;
    clearInterval(sampler);
  }
  const seconds = (performance.now() - began) / 1000;
  rss.push(rssMb(pid));
  const memory = await memoryMetrics(url);
  const counts = Object.fromEntries([...client.latencies].map(([kind, values]) => [kind, values.length]));
  return { seconds, latencies: client.latencies, rss, rssAnonMaxMb, rssFileMaxMb, memory, counts: { ...counts, refused503: client.refused } };
}

/** Bytes per order of the database file and of each table with its indexes (dbstat), and of what the rows hold. */
function storedSize(dataDir: string, orders: number): Record<string, number> {
  const file = join(dataDir, 'stratum.db');
  const kb = (bytes: number) => round1(bytes / orders / 1024);
  const db = new Database(file, { readonly: true });
  try {
    const sum = (sql: string) => Number((db.prepare(sql).get() as { bytes: number | null }).bytes ?? 0);
    const out: Record<string, number> = {
      databaseFileKb: kb(statSync(file).size),
      engineStateKb: kb(sum('SELECT SUM(LENGTH(state)) AS bytes FROM instances')),
      variablesKb: kb(sum('SELECT SUM(LENGTH(variables)) AS bytes FROM instances')),
      historyDataKb: kb(sum('SELECT SUM(LENGTH(data)) AS bytes FROM history')),
    };
    let byObject: { tbl: string; name: string; bytes: number }[];
    try {
      byObject = db.prepare(
        `SELECT coalesce(m.tbl_name, s.name) AS tbl, s.name AS name, SUM(s.pgsize) AS bytes
         FROM dbstat s LEFT JOIN sqlite_master m ON m.name = s.name GROUP BY s.name`,
      ).all() as typeof byObject;
    } catch {
      return out; // SQLite built without dbstat: the file size alone
    }
    // each table with its indexes, and all indexes together; tables of (almost) nothing left out
    const bytesOf = new Map<string, number>();
    for (const { tbl, name, bytes } of byObject) {
      bytesOf.set(tbl, (bytesOf.get(tbl) ?? 0) + bytes);
      if (tbl !== name) bytesOf.set('(indexes)', (bytesOf.get('(indexes)') ?? 0) + bytes);
    }
    for (const [table, bytes] of bytesOf) if (kb(bytes) >= 0.1) out[`${table === '(indexes)' ? 'indexes' : `table.${table}`}Kb`] = kb(bytes);
    return out;
  } finally {
    db.close();
  }
}

export async function runWaitingBench(): Promise<BenchResult> {
  const entry = npmStartEntry();
  const built = entry === BUILT_SERVER;
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-waiting-'));
  try {
    const loaded = await loadWaitingOrders(dataDir, ORDERS, TEMPLATES);
    console.log(`waiting: ${ORDERS} orders loaded (templates ${round1(loaded.templateSeconds)} s, copies ${round1(loaded.copySeconds)} s)`);
    const size = storedSize(dataDir, ORDERS);
    const empty = await emptyFolderRestarts(entry);
    const { timings, server } = await restarts(dataDir, entry, PAGE, true);
    try {
      const { url, child } = server!;
      const walk = await walkVicePresidentTasks(url);
      if (walk.tasks !== ORDERS) throw new Error(`${walk.tasks} vice-president tasks paged through, ${ORDERS} loaded`);
      const alone = await pagesAlone(url, walk.middle);
      const checked = [...loaded.sampleCopies, templateOrderNo(0)];
      const unfinished = await completeOrders(new LifecycleClient(url), checked);
      if (unfinished.length) throw new Error(`orders that did not complete: ${unfinished.join(', ')}`);

      const load = await pagesUnderLoad(url, child.pid!, walk.middle);
      await stop(child);
      // the same load without warm engines: what the engine cache adds to the resident set
      const cold = await startServerProcess(dataDir, { STRATUM_ENGINE_CACHE_MB: '0' }, 'stratum server listening', entry);
      let coldLoad: UnderLoad;
      try {
        coldLoad = await pagesUnderLoad(cold.url, cold.child.pid!, walk.middle, COLD_PAGE_REQUESTS);
      } finally {
        await stop(cold.child);
      }
      const latencies = latencySummary(load.latencies);
      const pageP99 = Math.max(latencies['vp-page-firstP99Ms'], latencies['vp-page-middleP99Ms']);
      const maxRss = Math.max(...load.rss);
      const slowest = (of: RestartTiming[], key: 'healthzMs' | 'firstPageMs' | 'cpuSeconds') => Math.max(...of.map((timing) => timing[key]));
      const summary = {
        orders: ORDERS,
        loadMinutes: round1((loaded.templateSeconds + loaded.copySeconds) / 60),
        pageP99Met: pageP99 <= TARGET.pageP99Ms,
        rssMet: maxRss <= TARGET.rssMb,
        restartMet: slowest(timings, 'healthzMs') <= TARGET.restartMs,
        pageP99Ms: pageP99,
        ...latencySummary(alone, 'alone.'),
        ...latencies,
        rssMaxMb: maxRss,
        rssEndMb: load.rss.at(-1)!,
        rssIdleMb: timings.at(-1)!.idleRssMb,
        rssAnonMaxMb: load.rssAnonMaxMb,
        rssFileMaxMb: load.rssFileMaxMb,
        ...Object.fromEntries(Object.entries(load.memory).map(([key, value]) => [`end.${key}`, value])),
        'engineCacheOff.rssMaxMb': Math.max(...coldLoad.rss),
        'engineCacheOff.rssEndMb': coldLoad.rss.at(-1)!,
        'engineCacheOff.rssAnonMaxMb': coldLoad.rssAnonMaxMb,
        ...Object.fromEntries(Object.entries(coldLoad.memory).map(([key, value]) => [`engineCacheOff.end.${key}`, value])),
        ...latencySummary(new Map([...coldLoad.latencies].filter(([kind]) => kind.startsWith('vp-page'))), 'engineCacheOff.'),
        restartHealthzMaxMs: Math.round(slowest(timings, 'healthzMs')),
        restartFirstPageMaxMs: Math.round(slowest(timings, 'firstPageMs')),
        restartCpuMaxSeconds: slowest(timings, 'cpuSeconds'),
        emptyRestartHealthzMaxMs: Math.round(slowest(empty, 'healthzMs')),
        emptyRestartCpuMaxSeconds: slowest(empty, 'cpuSeconds'),
        walkSeconds: round1(walk.seconds),
        loadSeconds: round1(load.seconds),
        ...Object.fromEntries(Object.entries(size).map(([key, value]) => [`stored.${key}`, value])),
        loadAverage1m: Number(readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
      };
      return {
        name: 'waiting',
        description: `${ORDERS} credit orders waiting at the vice-president's review in a fresh SQLite folder: ${TEMPLATES} entered and approved by the director through the runtime, the others copies of their rows (every table, fresh ids, order numbers and instants, engine state re-encoded), one transaction per 1,000 copies. Then the server as npm start runs it (${built ? `node ${BUILT_SERVER.join(' ')}` : 'tsx server/main.ts, dist/ could not be built'}, one worker, demo mode). Restart: spawn until /healthz answers 200, and until the first page of ${PAGE} vice-president tasks answers, ${RESTARTS} times (the OS page cache warm), with the server's CPU seconds by then; empty*: the same on a folder with the library and no order. Every vice-president task paged through once (1,000 a page, Link cursors). alone.*: ${ALONE_REQUESTS} requests each of the first page and of the page in the middle with nothing else running. ${checked.length} orders (${checked.length - 1} copies, 1 template) approved and their jobs completed to the end over HTTP. Then ${PAGE_REQUESTS} requests each of the two pages (one at a time, 100 ms apart) while clients post ${LOAD_RATE} orders/s, approve as many as director and as vice-president, work jobs and list instances and orders: p50/p99 per request type, RSS from /proc/<pid>/status every 200 ms (rssAnonMaxMb, rssFileMaxMb: its anonymous and file-backed parts; end.*: V8's heap total and in use, external memory, the engine cache's estimate, its budget then and its hit rate since the server started, from /metrics when the load ended). engineCacheOff.*: the server restarted with STRATUM_ENGINE_CACHE_MB=0 and the same load, ${COLD_PAGE_REQUESTS} requests of each page. stored.*: KB per waiting order after the load and a checkpoint (dbstat: each table with its indexes). Booleans: the issue's targets (page p99 ≤ ${TARGET.pageP99Ms} ms, RSS ≤ ${TARGET.rssMb} MB, restart ≤ ${TARGET.restartMs / 1000} s). loadAverage1m: the machine's load when the run ended.`,
        summary,
        loaded,
        restarts: timings,
        emptyFolderRestarts: empty,
        requests: load.counts,
      };
    } finally {
      await stop(server!.child);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
