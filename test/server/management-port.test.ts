// The management port (STRATUM_HEALTH_PORT) of `npm start` with several worker
// processes: the primary serves it, and /healthz is 200 only while the store
// answers and every worker listens with an event loop that runs.
import { describe, expect, it } from 'vitest';
import { describePostgres, dropSchemaUnderLoad, freshSchema, schemaUrl } from '../support/postgres.js';
import { startTwoWorkers, until, type MainProcess } from './support/main-process.js';

interface Probe {
  status: number;
  body: { status?: string; detail?: string; workers?: { worker: number; pid?: number; state: string; exit?: string }[] };
}

/** The management port's base URL, from the primary's log line. */
async function managementPort(server: MainProcess): Promise<string> {
  await until(() => server.lines.some((line) => line.msg === 'management port listening'));
  const { healthPort } = server.lines.find((line) => line.msg === 'management port listening')!;
  return `http://127.0.0.1:${healthPort as number}`;
}

async function probe(url: string): Promise<Probe> {
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(5000) });
  return { status: response.status, body: (await response.json()) as Probe['body'] };
}

/** Probes every 20 ms until `done` holds for an answer, and returns that answer. */
async function probeUntil(url: string, done: (answer: Probe) => boolean, timeoutMs = 60_000): Promise<Probe> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe(url);
    if (done(answer)) return answer;
    if (Date.now() > giveUpAt) throw new Error(`no such answer within ${timeoutMs} ms; the last: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const workerPidsOf = (server: MainProcess) => server.lines.find((line) => line.msg === 'stratum workers listening')!.pids as number[];

describe('the management port of several workers (served by the primary)', () => {
  it('answers 200 once both routed workers listen; a worker killed with SIGKILL makes it 503 naming that worker until its replacement listens', async () => {
    const server = await startTwoWorkers({ env: { STRATUM_HEALTH_PORT: '0' } });
    const url = await managementPort(server);
    expect(await probeUntil(url, (answer) => answer.status === 200)).toEqual({ status: 200, body: { status: 'ok' } });
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^stratum_workers_expected 2$/m);
    expect(metrics).toMatch(/^stratum_workers_listening 2$/m);

    const [killed, other] = workerPidsOf(server);
    process.kill(killed, 'SIGKILL');
    const down = await probeUntil(url, (answer) => answer.status !== 200, 10_000);
    expect(down.status).toBe(503);
    expect(down.body.detail).toBe(`Not every server process is serving: worker 1 (pid ${killed}) exited (signal SIGKILL); a replacement is starting.`);
    expect(down.body.workers).toEqual([
      { worker: 1, pid: killed, state: 'exited', exit: 'signal SIGKILL' },
      { worker: 2, pid: other, state: 'listening' },
    ]);
    // the replacement forks, starts (503 naming it) and listens
    const starting = await probeUntil(url, (answer) => answer.body.workers?.[0].state === 'starting');
    expect(starting.body.detail).toMatch(new RegExp(`^Not every server process is serving: worker 1 \\(pid (?!${killed}\\))\\d+\\) is starting, replacing one that exited \\(signal SIGKILL\\)\\.$`));
    expect(await probeUntil(url, (answer) => answer.status === 200)).toEqual({ status: 200, body: { status: 'ok' } });
    const after = await (await fetch(`${url}/metrics`)).text();
    expect(after).toMatch(/^stratum_workers_listening 2$/m);
    expect(after).toMatch(/^stratum_worker_restarts_total 1$/m);
  }, 120_000);

  it('answers 503 naming a worker whose event loop has stopped (SIGSTOP), and 200 once it runs again', async () => {
    const server = await startTwoWorkers({ routing: 'off', env: { STRATUM_HEALTH_PORT: '0' } });
    const url = await managementPort(server);
    await until(() => server.lines.some((line) => line.msg === 'stratum workers listening'));
    expect((await probeUntil(url, (answer) => answer.status === 200)).body).toEqual({ status: 'ok' });
    const stopped = workerPidsOf(server)[1];
    process.kill(stopped, 'SIGSTOP');
    try {
      const stalled = await probeUntil(url, (answer) => answer.status !== 200, 30_000);
      expect(stalled.status).toBe(503);
      expect(stalled.body.detail).toMatch(new RegExp(`^Not every server process is serving: worker \\d \\(pid ${stopped}\\)'s event loop has not run for 1[0-2] s\\.$`));
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
    expect((await probeUntil(url, (answer) => answer.status === 200, 10_000)).body).toEqual({ status: 'ok' });
  }, 120_000);
});

describePostgres('the management port of several workers on PostgreSQL', () => {
  it('answers 503 when the store stops answering, while both workers run', async () => {
    const schema = await freshSchema();
    const server = await startTwoWorkers({ env: { STRATUM_HEALTH_PORT: '0', DATABASE_URL: schemaUrl(schema) } });
    const url = await managementPort(server);
    expect(await probeUntil(url, (answer) => answer.status === 200)).toEqual({ status: 200, body: { status: 'ok' } });
    // the database loses the server's tables: every read fails, as with a database that is gone
    await dropSchemaUnderLoad(schema);
    const down = await probeUntil(url, (answer) => answer.status !== 200, 10_000);
    expect([down.status, down.body.detail]).toEqual([503, 'The store does not answer.']);
  }, 120_000);
});
