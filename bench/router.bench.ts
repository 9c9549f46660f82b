// Order router benchmark: what `npm start`'s primary spends on each request it
// proxies (server/routing.ts), apart from any worker's work. The router runs in
// a process of its own (the compiled dist/, as npm start runs it) in front of two
// stub workers that answer at once, in another process; clients keep-alive post
// orders, list tasks and complete tasks by instance, as the lifecycle does. The
// router's CPU time per request is read from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { npmStartEntry } from './http.bench.js';
import { median, type BenchResult } from './report.js';

const REQUESTS = Number(process.env.BENCH_ROUTER_REQUESTS ?? 30_000);
const CLIENTS = Number(process.env.BENCH_ROUTER_CLIENTS ?? 16);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const ROOT = fileURLToPath(new URL('../', import.meta.url));
/** Another build's dist/ folder (say, of the commit before a change): each round times it too, right after this one. */
const BASELINE_DIST = process.env.BENCH_ROUTER_BASELINE_DIST;

/** Two workers that answer every request at once, naming the order of the instance they return. */
const STUBS = `
import { createServer } from 'node:http';
const ports = [];
for (let i = 0; i < 2; i++) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const n = Math.floor(Math.random() * 1000);
      res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json', 'stratum-routes': 'inst-' + n + '=SO-' + n });
      res.end(JSON.stringify({ id: 'inst-' + n, businessKey: 'SO-' + n, status: 'running' }));
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push(server.address().port);
}
process.stdout.write(JSON.stringify(ports) + '\\n');
`;

const ROUTER = (dist: string, ports: number[]) => `
const { createOrderRouter } = await import(${JSON.stringify(pathToFileURL(join(dist, 'server/routing.js')).href)});
const { DEFAULT_HTTP_TIMEOUTS } = await import(${JSON.stringify(pathToFileURL(join(dist, 'server/http/client-errors.js')).href)});
const router = createOrderRouter({ timeouts: DEFAULT_HTTP_TIMEOUTS, bodyLimit: 1 << 20, healthz: (req, res) => res.end('ok') });
${JSON.stringify(ports)}.forEach((port, slot) => router.add(slot, port));
const port = await router.listen(0, '127.0.0.1');
process.stdout.write(JSON.stringify(port) + '\\n');
`;

function startScript(source: string): Promise<{ child: ChildProcess; value: unknown }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n')) resolve({ child, value: JSON.parse(line) });
    });
    child.once('exit', (code) => reject(new Error(`bench child exited with ${code}`)));
  });
}

function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in clock ticks of 10 ms
}

/** One request of the mix: a post naming its order in the body, a task list, a completion by instance. */
async function request(url: string, index: number): Promise<void> {
  const n = index % 1000;
  const kind = index % 3;
  const response = kind === 0
    ? await fetch(`${url}/api/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderNo: `SO-${n}`, customer: { name: 'Lager AG' }, amount: 1_200_000, currency: 'EUR', paymentTerms: 'credit' }) })
    : kind === 1
      ? await fetch(`${url}/api/tasks?candidateGroup=sales-director&limit=50`)
      : await fetch(`${url}/api/tasks/${encodeURIComponent(`inst-${n}:approve`)}/complete`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"variables":{"approved":true}}' });
  await response.arrayBuffer();
}

async function drive(url: string, count: number): Promise<number> {
  let next = 0;
  const began = performance.now();
  await Promise.all(Array.from({ length: CLIENTS }, async () => {
    for (let index = next++; index < count; index = next++) await request(url, index);
  }));
  return performance.now() - began;
}

async function timeRouter(dist: string, ports: number[]): Promise<{ cpuUsPerRequest: number; requestsPerSec: number }> {
  const router = await startScript(ROUTER(dist, ports));
  try {
    const url = `http://127.0.0.1:${router.value as number}`;
    await drive(url, 3000); // warm-up: JIT, the agents' sockets
    const before = cpuMs(router.child.pid!);
    const ms = await drive(url, REQUESTS);
    const cpu = cpuMs(router.child.pid!) - before;
    return { cpuUsPerRequest: Math.round((cpu * 1000) / REQUESTS), requestsPerSec: Math.round((REQUESTS * 1000) / ms) };
  } finally {
    router.child.kill();
  }
}

export async function runRouterBench(): Promise<BenchResult> {
  const built = npmStartEntry().includes('dist/server/main.js');
  if (!built) throw new Error('the router bench times the compiled router: dist/ could not be built');
  const stubs = await startScript(STUBS);
  const rounds: Record<string, number>[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      const figures: Record<string, number> = {};
      for (const [prefix, dist] of [['', join(ROOT, 'dist')], ...(BASELINE_DIST ? [['baseline.', BASELINE_DIST]] : [])] as [string, string][]) {
        const { cpuUsPerRequest, requestsPerSec } = await timeRouter(dist, stubs.value as number[]);
        figures[`${prefix}routerCpuUsPerRequest`] = cpuUsPerRequest;
        figures[`${prefix}requestsPerSec`] = requestsPerSec;
      }
      if (BASELINE_DIST) figures.cpuPerRequestVsBaseline = Math.round((figures.routerCpuUsPerRequest / figures['baseline.routerCpuUsPerRequest']) * 100) / 100;
      rounds.push(figures);
      console.log(`router round ${round + 1}/${ROUNDS}`, figures);
    }
  } finally {
    stubs.child.kill();
  }
  const summary = Object.fromEntries(Object.keys(rounds[0]).map((key) => [key, median(rounds.map((entry) => entry[key]))]));
  return {
    name: 'router',
    description: `The order router of npm start's primary (server/routing.ts, compiled) in a process of its own, in front of two stub workers (another process) that answer every request at once; ${CLIENTS} keep-alive clients send ${REQUESTS} requests a round, a third each: POST /api/orders (the order in the body), GET /api/tasks, POST /api/tasks/{id}/complete (routed by the instance a stub named). routerCpuUsPerRequest: the router process's CPU time (/proc) per request; requestsPerSec: the clients' throughput, the clients and stubs on the same cores${BASELINE_DIST ? `; baseline.*: the same with the router compiled in ${BASELINE_DIST} (BENCH_ROUTER_BASELINE_DIST), right after each round, and cpuPerRequestVsBaseline the ratio` : ''}. Medians of ${ROUNDS} rounds.`,
    summary,
    rounds,
  };
}
