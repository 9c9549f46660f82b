// Long polling (issue 13, item 5): 200 workers wait in POST /api/jobs/fetch-and-lock
// with asyncResponseTimeout (docs/api.md, Workers that wait). The server runs in
// this process and the 200 clients in a child process, so process.cpuUsage()
// here is the server's own: measured over ~5 s while all 200 wait and nothing
// happens. Then orders are entered one at a time through the server's runtime;
// each creates one procurement-planning job, and the time from the commit that
// created it to the moment a waiting client has the answer is recorded (the
// clients report the answer's arrival in epoch milliseconds, sub-millisecond
// resolution, over stdout; one machine, one clock).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pino } from 'pino';
import { startServer } from '../server/start.js';
import { enter, order } from '../test/support/stratum-fixture.js';
import { percentile } from './http.bench.js';
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

export async function runLongPollBench(): Promise<BenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-long-poll-'));
  const server = await startServer({
    config: {
      port: 0, host: '127.0.0.1', dataDir, demo: true, diagramsDir: 'diagrams', bodyLimitBytes: 256 * 1024, logLevel: 'silent', orderProcessKey: 'order-to-cash',
    },
    logger: pino({ level: 'silent' }),
    scheduler: false,
    modelerDir: null,
  });
  const child = spawn(process.execPath, ['--input-type=module', '-e', CLIENTS, server.url, TOKEN, String(WAITING)], { stdio: ['ignore', 'pipe', 'inherit'] });
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
      await enter(server.stratum.runtime, order(`LP-${index + 1}`, 100));
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
    return {
      name: 'long-poll',
      description: `${WAITING} workers wait in POST /api/jobs/fetch-and-lock (asyncResponseTimeout 10 min, type procurement-planning) against a server in this process ` +
        `(SQLite, demo users); process.cpuUsage() of the server over ${IDLE_MS / 1000} s while all wait (the clients run in a child process); then ${WAITING} orders are ` +
        'entered one at a time through the runtime, each creating one job, and the time from the commit to the answer\'s arrival at a waiting client is recorded',
      summary,
      latenciesMs: latencies.map(round),
    };
  } finally {
    child.kill();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
