// HTTP benchmark: orders posted to the committed approval wait and approvals
// completed through the API of a real server process, against the in-process
// engine ceiling (the same runtime calls without HTTP) measured in the same run.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCRAPE_REUSE_MS } from '../server/primary-metrics.js';
import { enter, order, SAMPLE_RATES, shippedDiagrams } from '../test/support/stratum-fixture.js';
import { builtEngine, buildIfStale } from './built-engine.js';
import { median, type BenchResult } from './report.js';

const ORDERS = Number(process.env.BENCH_HTTP_ORDERS ?? 150);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const AMOUNT = 1_200_000;
const WARM_UP = 5; // orders before measuring: JIT and the per-version definition cache
const ROOT = fileURLToPath(new URL('../', import.meta.url));

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** The value of one sample in a /metrics text (`name` with its labels as the text writes them, e.g. `x_total{result="hit"}`), if it is there. */
export function metricValue(text: string, name: string): number | undefined {
  const value = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} (\\S+)`, 'm').exec(text)?.[1];
  return value === undefined ? undefined : Number(value);
}

/**
 * The server's /metrics; with several workers, `npm start`'s primary merges every worker's into it
 * (server/primary-metrics.ts), and a merge that left a worker out fails the bench instead of skewing its sums.
 * The primary answers scrapes within SCRAPE_REUSE_MS of the last one with that one's answer: the bench waits that
 * out, so that what it reads was counted after it asked.
 */
export async function scrapePool(url: string, workers: number): Promise<string> {
  if (workers > 1) await new Promise((resolve) => setTimeout(resolve, SCRAPE_REUSE_MS + 50));
  const text = await (await fetch(`${url}/metrics`)).text();
  const scraped = metricValue(text, 'stratum_workers_scraped');
  if (workers > 1 && scraped !== workers) throw new Error(`/metrics merged ${scraped} of ${workers} server processes`);
  return text;
}

/** `<prefix><kind>P50Ms` and `<prefix><kind>P99Ms` of each kind's latencies, to 0.1 ms. */
export function latencySummary(latencies: ReadonlyMap<string, number[]>, prefix = ''): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [kind, values] of latencies) {
    out[`${prefix}${kind}P50Ms`] = Math.round(percentile(values, 50) * 10) / 10;
    out[`${prefix}${kind}P99Ms`] = Math.round(percentile(values, 99) * 10) / 10;
  }
  return out;
}

interface Phase {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
}

async function measure(count: number, work: (index: number) => Promise<void>): Promise<Phase> {
  const latencies: number[] = [];
  const began = performance.now();
  for (let index = 0; index < count; index++) {
    const start = performance.now();
    await work(index);
    latencies.push(performance.now() - start);
  }
  return { perSec: (count * 1000) / (performance.now() - began), p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

async function inProcess(round: number): Promise<{ start: Phase; complete: Phase }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-'));
  // the same compiled engine the server process runs
  const { openStore, openStratum } = await builtEngine();
  const stratum = await openStratum({ store: await openStore({ dataDir }), orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy(shippedDiagrams(), { user: 'bench' });
  const director = { name: 'director', groups: ['sales-director'] };
  for (let index = 0; index < WARM_UP; index++) await enter(stratum.runtime, order(`warm-${round}-${index}`, 100));
  const start = await measure(ORDERS, async (index) => {
    await enter(stratum.runtime, order(`in-${round}-${index}`, AMOUNT));
  });
  const tasks = await stratum.runtime.findTasks({ candidateGroup: 'sales-director' });
  const complete = await measure(tasks.length, async (index) => {
    await stratum.runtime.completeTask(tasks[index].id, { approved: true }, director);
  });
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { start, complete };
}

/** The node options `npm start` passes (its V8 heap settings), so every bench times the server as it runs. */
const START_NODE_OPTIONS = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } })
  .scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
/** The server from its TypeScript sources (tsx), or as `npm start` runs it: built by `npm run build` into dist/. */
export const SERVER_FROM_SOURCES = [...START_NODE_OPTIONS, '--import', 'tsx', 'server/main.ts'];
export const BUILT_SERVER = [...START_NODE_OPTIONS, 'dist/server/main.js'];

let startEntry: string[] | undefined;
/**
 * What `npm start` runs: dist/, rebuilt first when a source is newer than its compiled file. Under tsx the
 * server would run code production never runs (esbuild's transform, its `__name` wrapper around every function
 * made per request), which cost the order router about 2 % of its time in a burst. The sources through tsx
 * only when dist/ cannot be built, with a warning.
 */
export function npmStartEntry(): string[] {
  if (startEntry) return startEntry;
  try {
    buildIfStale();
    startEntry = BUILT_SERVER;
  } catch (error) {
    console.warn(`bench: dist/ could not be built (${(error as Error).message}); timing the server from its sources`);
    startEntry = SERVER_FROM_SOURCES;
  }
  return startEntry;
}

/** `npm start`'s entry point on a data folder, in demo mode; `env` adds to the environment. */
export async function startServerProcess(
  dataDir: string, env: Record<string, string> = {}, ready = 'stratum server listening', entry = npmStartEntry(),
): Promise<{ url: string; child: ChildProcess; /** The management port (STRATUM_HEALTH_PORT), when the server has one. */ healthUrl?: string }> {
  // demo mode: no users file, whatever the shell set (a blank STRATUM_USERS stops the start)
  const inherited = { ...process.env };
  delete inherited.STRATUM_USERS;
  const child = spawn(process.execPath, entry, {
    cwd: ROOT,
    // one server process unless the bench asks for workers (npm start would run one per core)
    env: { ...inherited, PORT: '0', STRATUM_DATA: dataDir, LOG_LEVEL: 'info', STRATUM_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // BENCH_SERVER_LOG=<file>: the server's log lines (pino JSON), kept for a run that went wrong
  if (process.env.BENCH_SERVER_LOG) child.stdout.pipe(createWriteStream(process.env.BENCH_SERVER_LOG));
  let healthUrl: string | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const lines = buffer.split('\n');
      // behind the order router the workers listen privately: the primary's line names the public port
      const listening = lines.find((line) => line.includes(ready) && line.includes('"port"')) ?? lines.find((line) => line.includes('stratum server listening'));
      const port = listening && /"port":(\d+)/.exec(listening)?.[1];
      // a server process of its own names its management port in that line; `npm start`'s primary in a line of its own
      const healthPort = /"healthPort":(\d+)/.exec(buffer)?.[1];
      if (healthPort) healthUrl = `http://127.0.0.1:${healthPort}`;
      if (port && lines.some((line) => line.includes(ready))) resolve(`http://127.0.0.1:${port}`);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${buffer}`)));
  });
  child.stdout.resume();
  return { url, child, ...(healthUrl && { healthUrl }) };
}

async function overHttp(round: number): Promise<{ start: Phase; complete: Phase }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-http-'));
  const { url, child } = await startServerProcess(dataDir);
  const call = async (method: string, path: string, token: string, body?: unknown): Promise<unknown> => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (response.status >= 300) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  try {
    for (let index = 0; index < WARM_UP; index++) {
      const { specialChange: _none, ...body } = order(`warm-${round}-${index}`, 100).entry;
      await call('POST', '/api/orders', 'demo-integration', body);
    }
    const start = await measure(ORDERS, async (index) => {
      const { specialChange: _none, ...body } = order(`http-${round}-${index}`, AMOUNT).entry;
      await call('POST', '/api/orders', 'demo-integration', body);
    });
    const tasks = (await call('GET', '/api/tasks?candidateGroup=sales-director&limit=1000', 'demo-director')) as { id: string }[];
    const complete = await measure(tasks.length, async (index) => {
      await call('POST', `/api/tasks/${encodeURIComponent(tasks[index].id)}/complete`, 'demo-director', { variables: { approved: true } });
    });
    return { start, complete };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export async function runHttpBench(): Promise<BenchResult> {
  const rounds: Record<string, number>[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const ceiling = await inProcess(round);
    const http = await overHttp(round);
    rounds.push({
      ceilingStartPerSec: ceiling.start.perSec,
      httpStartPerSec: http.start.perSec,
      startRatio: http.start.perSec / ceiling.start.perSec,
      httpStartP50Ms: http.start.p50Ms,
      httpStartP99Ms: http.start.p99Ms,
      ceilingCompletePerSec: ceiling.complete.perSec,
      httpCompletePerSec: http.complete.perSec,
      completeRatio: http.complete.perSec / ceiling.complete.perSec,
      httpCompleteP50Ms: http.complete.p50Ms,
      httpCompleteP99Ms: http.complete.p99Ms,
    });
    console.log(`http round ${round + 1}/${ROUNDS}`, rounds.at(-1));
  }
  const summary = Object.fromEntries(Object.keys(rounds[0]).map((key) => [key, median(rounds.map((round) => round[key]))]));
  return {
    name: 'http',
    description: `${ORDERS} credit orders of ${AMOUNT} per round posted one after another (POST /api/orders → committed wait at the sales director's task), then each approval completed (POST /api/tasks/{id}/complete), against a real server process on SQLite; ceiling = the same runtime calls in-process on SQLite. Ratios = HTTP throughput / ceiling throughput; medians of ${ROUNDS} rounds.`,
    summary,
    rounds,
  };
}
