// /healthz on the public API port of `npm start` with two workers behind the
// order router: the primary answers it itself (never a worker), with the
// management port's meaning: 200 only while every worker listens with an event
// loop that runs and the store answers a read.
import { beforeAll, describe, expect, it } from 'vitest';
import { describePostgres, dropSchemaUnderLoad, freshSchema, schemaUrl } from '../support/postgres.js';
import { startTwoWorkers, until, workerPids, type MainProcess } from './support/main-process.js';

interface Probe {
  status: number;
  /** The stratum-primary header: the primary's pid when it answered itself. */
  primary: string | null;
  worker: string | null;
  ms: number;
  body: { status?: string; detail?: string; workers?: { worker: number; pid?: number; state: string }[] };
}

async function probe(url: string, timeoutMs = 5000): Promise<Probe> {
  const started = performance.now();
  const response = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
  const body = (await response.json()) as Probe['body'];
  return { status: response.status, primary: response.headers.get('stratum-primary'), worker: response.headers.get('stratum-worker'), ms: performance.now() - started, body };
}

/** Probes every 50 ms until `done` holds for an answer, and returns that answer; each probe must answer within `probeTimeoutMs`. */
async function probeUntil(url: string, done: (answer: Probe) => boolean, timeoutMs = 60_000, probeTimeoutMs = 5000): Promise<Probe> {
  const giveUpAt = Date.now() + timeoutMs;
  for (;;) {
    const answer = await probe(url, probeTimeoutMs);
    if (done(answer)) return answer;
    if (Date.now() > giveUpAt) throw new Error(`no such answer within ${timeoutMs} ms; the last: ${JSON.stringify(answer)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function routedServer(env: Record<string, string> = {}, forFile = false): Promise<{ server: MainProcess; url: string; pids: number[] }> {
  const server = await startTwoWorkers({ env, forFile });
  await until(() => server.lines.some((line) => line.msg === 'stratum workers listening'));
  const pids = server.lines.find((line) => line.msg === 'stratum workers listening')!.pids as number[];
  return { server, url: `http://127.0.0.1:${server.port}`, pids };
}

describe('/healthz on the API port of two routed workers (answered by the primary)', () => {
  // One server for these tests (starting one is most of a test's CPU): each waits for 200 before it stops a worker,
  // resumes what it stopped, and the workers must be the ones that started (none was replaced meanwhile).
  let shared: { server: MainProcess; url: string; pids: number[] };
  beforeAll(async () => {
    shared = await routedServer({ STRATUM_HEALTH_PORT: '0' }, true);
  }, 120_000);
  const sameWorkers = () => expect(workerPids(shared.server.child.pid!).sort()).toEqual([...shared.pids].sort());

  it('answers 200 from the primary itself, GET and HEAD, no worker named', async () => {
    const { server, url } = shared;
    sameWorkers();
    const answer = await probeUntil(url, (each) => each.status === 200);
    expect([answer.body, answer.primary, answer.worker]).toEqual([{ status: 'ok' }, String(server.child.pid), null]);
    const head = await fetch(`${url}/healthz`, { method: 'HEAD' });
    expect([head.status, head.headers.get('stratum-primary'), await head.text()]).toEqual([200, String(server.child.pid), '']);
    // OPTIONS and other methods on the paths it answers are the primary's too, as the API port answers them
    for (const path of ['/healthz', '/metrics']) {
      const options = await fetch(`${url}${path}`, { method: 'OPTIONS' });
      expect([options.status, options.headers.get('allow'), options.headers.get('stratum-primary'), options.headers.get('stratum-worker')], path)
        .toEqual([204, 'GET, HEAD, OPTIONS', String(server.child.pid), null]);
      const post = await fetch(`${url}${path}`, { method: 'POST', body: '{}' });
      expect([post.status, post.headers.get('allow'), post.headers.get('stratum-primary')], path).toEqual([405, 'GET, HEAD, OPTIONS', String(server.child.pid)]);
    }
    // anything else still reaches a worker
    const processes = await fetch(`${url}/api/openapi.json`);
    expect(processes.headers.get('stratum-worker')).toMatch(/^\d+$/);
  }, 120_000);

  it('answers 503 naming a worker whose event loop has stopped (SIGSTOP), as the management port does, and 200 once it runs again', async () => {
    const { server, url, pids } = shared;
    sameWorkers();
    const management = `http://127.0.0.1:${server.lines.find((line) => line.msg === 'management port listening')!.healthPort as number}`;
    await probeUntil(url, (answer) => answer.status === 200);
    const stopped = pids[1];
    process.kill(stopped, 'SIGSTOP');
    try {
      const stalled = await probeUntil(url, (answer) => answer.status !== 200, 30_000, 2000);
      expect([stalled.status, stalled.primary]).toEqual([503, String(server.child.pid)]);
      expect(stalled.body.detail).toMatch(new RegExp(`^Not every server process is serving: worker 2 \\(pid ${stopped}\\)'s event loop has not run for 1[0-2] s\\.$`));
      // both ports give the same answer (the seconds aside)
      const seconds = (answer: Probe) => ({ ...answer.body, detail: answer.body.detail?.replace(/\d+ s\./, 'n s.') });
      expect(seconds(await probe(management))).toEqual(seconds(stalled));
    } finally {
      process.kill(stopped, 'SIGCONT');
    }
    expect((await probeUntil(url, (answer) => answer.status === 200, 10_000)).body).toEqual({ status: 'ok' });
  }, 120_000);

  it('answers every probe within a second while both workers are stopped (SIGSTOP), 503 naming both once they stall', async () => {
    const { server, url, pids } = shared;
    sameWorkers();
    await probeUntil(url, (answer) => answer.status === 200);
    for (const pid of pids) process.kill(pid, 'SIGSTOP');
    try {
      expect((await probeUntil(url, (answer) => answer.status !== 200, 30_000, 1000)).status).toBe(503);
      // the workers beat up to a second apart, either first: a second later both are named
      const stalled = await probeUntil(url, (answer) => ['worker 1 (', 'worker 2 ('].every((worker) => answer.body.detail?.includes(worker) === true), 5000, 1000);
      expect([stalled.status, stalled.primary]).toEqual([503, String(server.child.pid)]);
      expect(stalled.body.detail).toMatch(new RegExp(
        `^Not every server process is serving: worker 1 \\(pid ${pids[0]}\\)'s event loop has not run for 1[0-2] s; worker 2 \\(pid ${pids[1]}\\)'s event loop has not run for 1[0-2] s\\.$`,
      ));
      // answered at once: the primary does not wait for a worker
      expect((await probe(url, 1000)).ms).toBeLessThan(500);
    } finally {
      for (const pid of pids) process.kill(pid, 'SIGCONT');
    }
  }, 120_000);
});

describePostgres('/healthz on the API port of two routed workers on PostgreSQL', () => {
  it('answers 503 from the primary when the store stops answering, while both workers run', async () => {
    const schema = await freshSchema();
    const { server, url } = await routedServer({ DATABASE_URL: schemaUrl(schema) });
    expect((await probeUntil(url, (answer) => answer.status === 200)).primary).toBe(String(server.child.pid));
    // the database loses the server's tables: every read fails, as with a database that is gone
    await dropSchemaUnderLoad(schema);
    const down = await probeUntil(url, (answer) => answer.status !== 200, 10_000);
    expect([down.status, down.body.detail, down.primary]).toEqual([503, 'The store does not answer.', String(server.child.pid)]);
  }, 120_000);
});
