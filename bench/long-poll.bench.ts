// Long polling (issue 13, item 5): 200 workers wait in POST /api/jobs/fetch-and-lock
// with asyncResponseTimeout (docs/api.md, Workers that wait). The server runs in
// this process and the 200 clients in a child process, so process.cpuUsage()
// here is the server's own: measured over ~5 s while all 200 wait and nothing
// happens. Then orders are entered one at a time through the server's runtime;
// each creates one procurement-planning job, and the time from the commit that
// created it to the moment a waiting client has the answer is recorded (the
// clients report the answer's arrival in epoch milliseconds, sub-millisecond
// resolution, over stdout; one machine, one clock). Then the same on PostgreSQL
// across two servers: clients wait on one, orders are entered on the other.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { startServer } from '../server/start.js';
import { enter, order } from '../test/support/stratum-fixture.js';
import { percentile } from './http.bench.js';
import { freshBenchSchema } from './postgres-schema.js';
import type { BenchResult } from './report.js';

const WAITING = Number(process.env.BENCH_LONG_POLL_WAITING ?? 200);
const IDLE_MS = 5000;
const TOKEN = 'demo-integration'; // server/demo-users.json: the integration group

/** The clients: WAITING long polls; each prints `ready` once sent and `answer <epoch ms> <job id>` when answered. */
const CLIENTS = `
const [url, token, count] = process.argv.slice(1);
const now = () => performance.timeOrigin + performance.now();
const poll = async (index) => {
  const response = await fetch(url + '/api/jobs/fetch-and-lock', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' + token },
    body: JSON.stringify({ type: 'procurement-planning', workerId: 'w' + index, max: 1, lockMs: 600000, asyncResponseTimeout: 600000 }),
  });
  const jobs = await response.json();
  const at = now();
  console.log('answer ' + at + ' ' + (jobs[0] ? jobs[0].id : '-') + ' ' + response.status);
};
const all = Array.from({ length: Number(count) }, (_, index) => poll(index));
setTimeout(() => console.log('ready'), 500);
await Promise.all(all);
`;

type Server = Awaited<ReturnType<typeof startServer>>;

async function startBenchServer(dataDir: string, databaseUrl?: string): Promise<Server> {
  return startServer({
    config: {
      port: 0, host: '127.0.0.1', dataDir, demo: true, diagramsDir: 'diagrams', bodyLimitBytes: 256 * 1024, logLevel: 'silent', orderProcessKey: 'order-to-cash',
      ...(databaseUrl ? { databaseUrl } : {}),
    },
    logger: pino({ level: 'silent' }),
    scheduler: false,
    modelerDir: null,
  });
}

/**
 * WAITING clients wait on `waitingOn`; orders are entered through `enteringOn`'s
 * runtime (the same server on SQLite; another server on the same PostgreSQL
 * schema, so the answer needs the NOTIFY from one server to the other).
 */
async function measure(waitingOn: Server, enteringOn: Server, prefix: string): Promise<{ summary: Record<string, number>; latencies: number[] }> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENTS, waitingOn.url, TOKEN, String(WAITING)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const answers: { at: number; jobId: string; status: number }[] = [];
  let ready!: () => void;
  const sent = new Promise<void>((resolve) => (ready = resolve));
  const listeners = new Set<() => void>();
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line === 'ready') ready();
    const [word, at, jobId, status] = line.split(' ');
    if (word !== 'answer') return;
    answers.push({ at: Number(at), jobId, status: Number(status) });
    for (const listener of listeners) listener();
  });
  try {
    await sent;
    await new Promise((resolve) => setTimeout(resolve, 1500)); // every request reached the server and waits
    const waitingBeforeIdle = WAITING - answers.length;

    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const cpu = process.cpuUsage(cpuBefore);
    const idleSeconds = (performance.now() - wallBefore) / 1000;
    const idleCpuPercent = ((cpu.user + cpu.system) / 1e6 / idleSeconds) * 100;

    const latencies: number[] = [];
    for (let index = 0; index < WAITING; index++) {
      const answered = answers.length;
      const arrived = new Promise<void>((resolve) => {
        const listener = () => {
          if (answers.length > answered) {
            listeners.delete(listener);
            resolve();
          }
        };
        listeners.add(listener);
      });
      await enter(enteringOn.stratum.runtime, order(`LP-${prefix}${index + 1}`, 100));
      const committed = performance.timeOrigin + performance.now();
      await arrived;
      latencies.push(answers[answered].at - committed);
    }
    const summary = {
      waitingFetches: waitingBeforeIdle,
      idleServerCpuPercentOfOneCore: Math.round(idleCpuPercent * 100) / 100,
      idleServerCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      idleSeconds: Math.round(idleSeconds * 10) / 10,
      answers: latencies.length,
      answersWithAJob: answers.filter((answer) => answer.jobId !== '-' && answer.status === 200).length,
      latencyP50Ms: round(percentile(latencies, 50)),
      latencyP90Ms: round(percentile(latencies, 90)),
      latencyP99Ms: round(percentile(latencies, 99)),
      latencyMaxMs: round(Math.max(...latencies)),
      answersOver50Ms: latencies.filter((latency) => latency > 50).length,
    };
    return { summary, latencies: latencies.map(round) };
  } finally {
    child.kill();
  }
}

async function measureSqlite() {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-long-poll-'));
  const server = await startBenchServer(dataDir);
  try {
    return await measure(server, server, 'S');
  } finally {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Two servers on one fresh PostgreSQL schema; the reason when PostgreSQL cannot be reached. */
async function measurePostgres() {
  const schema = await freshBenchSchema('lp');
  if ('skipped' in schema) return schema;
  const dirs = [0, 1].map(() => mkdtempSync(join(tmpdir(), 'stratum-bench-long-poll-pg-')));
  const servers: Server[] = [];
  try {
    for (const dir of dirs) servers.push(await startBenchServer(dir, schema.url));
    return await measure(servers[0], servers[1], 'P');
  } finally {
    for (const server of servers) await server.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await schema.drop();
  }
}

export async function runLongPollBench(): Promise<BenchResult> {
  const sqlite = await measureSqlite();
  const postgres = await measurePostgres();
  if ('skipped' in postgres) console.log(`long-poll: PostgreSQL skipped (${postgres.skipped})`);
  const postgresSummary = 'summary' in postgres
    ? Object.fromEntries(Object.entries(postgres.summary).map(([key, value]) => [`postgres.${key}`, value]))
    : {};
  return {
    name: 'long-poll',
    description: `${WAITING} workers wait in POST /api/jobs/fetch-and-lock (asyncResponseTimeout 10 min, type procurement-planning) against a server in this process ` +
      `(demo users); process.cpuUsage() of this process over ${IDLE_MS / 1000} s while all wait (the clients run in a child process); then ${WAITING} orders are ` +
      'entered one at a time through a runtime, each creating one job, and the time from the commit to the answer\'s arrival at a waiting client is recorded. ' +
      'SQLite: one server. `postgres.*`: two servers in this process on one PostgreSQL schema, the clients waiting on the first and the orders entered on the second ' +
      '(the answer travels by LISTEN/NOTIFY); its idle CPU is both servers\'.',
    summary: { ...sqlite.summary, ...postgresSummary },
    latenciesMs: sqlite.latencies,
    ...('latencies' in postgres && { postgresLatenciesMs: postgres.latencies }),
  };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
