// Workers that wait and filter (issue 13, item 3): a fetch with
// asyncResponseTimeout waits for work instead of busy-polling, is answered the
// moment a job of its type appears, filters by order and variables, and a lock
// can be extended or given back. Against the real server and shipped library.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describePostgres, freshSchema, schemaUrl } from '../../support/postgres.js';
import type { JobWorkers } from '../../../engine/workers/job-workers.js';
import type { JobView } from '../../../engine/api.js';
import { TOKENS, type ApiClient } from '../support/client.js';
import { removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { anything, objectWith } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

/**
 * Records when the server announces a job type (right after the commit that
 * made the job fetchable): the start of the latency an integrator sees.
 */
function announcements(target: TestServer): Map<string, number> {
  const times = new Map<string, number>();
  const { waiters } = target.stratum.workers as JobWorkers;
  const announce = waiters.announce.bind(waiters);
  waiters.announce = (type: string) => {
    if (!times.has(type)) times.set(type, performance.now());
    announce(type);
  };
  return times;
}

/** A credit order of 100,000 CNY is approved at once and released to planning: two planning jobs. */
async function enterOrder(target: ApiClient, orderNo: string) {
  const entered = await target.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Waiting AG' }, amount: 100_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
}

function fetchJobs(body: Record<string, unknown>, target: ApiClient = api) {
  return target.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { workerId: 'waiting-worker', max: 5, ...body });
}

describe('POST /api/jobs/fetch-and-lock with asyncResponseTimeout', () => {
  it('answers a waiting fetch the moment a job of its type is created', async () => {
    const waiting = fetchJobs({ type: 'procurement-planning', businessKey: 'LP-1', asyncResponseTimeout: 20_000 }).then((answer) => ({ answer, at: performance.now() }));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const announced = announcements(server);
    await enterOrder(api, 'LP-1');
    const { answer, at } = await waiting;
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toEqual([objectWith({ type: 'procurement-planning', businessKey: 'LP-1', order: objectWith({ orderNo: 'LP-1', customer: { name: 'Waiting AG' } }) })]);
    const latency = at - announced.get('procurement-planning')!;
    console.info(`commit of the job to the waiting fetch's answer at the client: ${latency.toFixed(1)} ms`);
    // 50 ms on an idle machine is the goal (docs/api.md); this bound only catches a missed wake-up (a poll would wait for its timeout)
    expect(latency).toBeLessThan(1_500);
  });

  it('answers [] when nothing comes within the timeout', async () => {
    const started = performance.now();
    const answer = await fetchJobs({ type: 'nothing-of-this-type', asyncResponseTimeout: 300 });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
  });

  it('hands a waiting fetch only the jobs of its order and only the variables it asks for', async () => {
    const forOther = fetchJobs({ type: 'production-planning', businessKey: 'LP-OTHER', asyncResponseTimeout: 600 });
    const forMine = fetchJobs({ type: 'production-planning', businessKey: 'LP-2', variables: ['orderNo', 'reportingAmount'], asyncResponseTimeout: 20_000 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    await enterOrder(api, 'LP-2');
    const [mine] = (await forMine).body;
    expect(mine.businessKey).toBe('LP-2');
    expect(mine.variables).toEqual({ orderNo: 'LP-2', reportingAmount: anything() });
    expect((await forOther).body).toEqual([]);
  });

  it('keeps 200 waiting fetches idle without CPU, gives a new job to one of them, and an unlocked or failed job to the next', async () => {
    const pending = new Map<number, Promise<{ n: number; jobs: JobView[] }>>();
    for (let n = 0; n < 200; n++) {
      pending.set(n, fetchJobs({ type: 'procurement-planning', businessKey: 'LP-MANY', workerId: `w-${n}`, max: 1, asyncResponseTimeout: 30_000 })
        .then((answer) => ({ n, jobs: answer.body })));
    }
    const next = async () => {
      const answered = await Promise.race(pending.values());
      pending.delete(answered.n);
      return answered;
    };
    const { waiters } = server.stratum.workers as JobWorkers;
    while (waiters.size < 200) await new Promise((resolve) => setTimeout(resolve, 50));
    await new Promise((resolve) => setTimeout(resolve, 2_000)); // each has made its first attempt and sleeps
    const cpuBefore = process.cpuUsage();
    const idleStarted = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const cpu = process.cpuUsage(cpuBefore);
    const idleMs = performance.now() - idleStarted;
    const cpuMs = (cpu.user + cpu.system) / 1000;
    console.info(`200 waiting fetches idle for ${Math.round(idleMs)} ms: ${cpuMs.toFixed(1)} ms CPU (${((cpuMs / idleMs) * 100).toFixed(2)} % of a core, server and clients together)`);
    // Waiting costs only the process's own timers: 0.7-2.2 % of a core in the long-poll bench, depending on the
    // machine. Fetches that polled would cost far more (200 of them trying every 100 ms at ~0.2 ms a try: 40 %),
    // so this bound tells the two apart without failing on a busy machine's wake-ups (2.05 % once under CI).
    expect(cpuMs / idleMs).toBeLessThan(0.05);

    const announced = announcements(server);
    await enterOrder(api, 'LP-MANY');
    const first = await next();
    console.info(`commit of the job to the answer among 200 waiting fetches (at the client): ${(performance.now() - announced.get('procurement-planning')!).toFixed(1)} ms`);
    const [job] = first.jobs;
    expect(job.businessKey).toBe('LP-MANY');
    expect(pending.size).toBe(199);

    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/unlock`, TOKENS.erp, { workerId: `w-${first.n}` })).status).toBe(204);
    const second = await next();
    expect(second.jobs.map((one) => one.id)).toEqual([job.id]);

    const failed = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'ERP busy', retries: 2, workerId: `w-${second.n}` });
    expect(failed.status, failed.text).toBe(200);
    const third = await next();
    expect(third.jobs.map((one) => one.id)).toEqual([job.id]);
    expect(pending.size).toBe(197);
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: `w-${third.n}` })).status).toBe(200);
  }, 60_000);
});

describe('POST /api/jobs/{id}/extend-lock and /unlock', () => {
  it('extends the lock for the worker that holds it and refuses another worker', async () => {
    await enterOrder(api, 'LP-LOCK');
    const [planning] = (await fetchJobs({ type: 'production-planning', businessKey: 'LP-LOCK', workerId: 'holder', lockMs: 10_000 })).body;
    const extended = await api.post<{ id: string; lockExpiresAt: string }>(`/api/jobs/${encodeURIComponent(planning.id)}/extend-lock`, TOKENS.erp, { workerId: 'holder', lockMs: 600_000 });
    expect(extended.status, extended.text).toBe(200);
    expect(Date.parse(extended.body.lockExpiresAt)).toBeGreaterThan(Date.parse(planning.lockExpiresAt));
    const stolen = await api.post(`/api/jobs/${encodeURIComponent(planning.id)}/extend-lock`, TOKENS.erp, { workerId: 'thief', lockMs: 600_000 });
    expect(stolen.status).toBe(409);
    expect((await fetchJobs({ type: 'production-planning', businessKey: 'LP-LOCK', workerId: 'thief' })).body).toEqual([]);
    expect((await api.post(`/api/jobs/${encodeURIComponent(planning.id)}/unlock`, TOKENS.erp, { workerId: 'holder' })).status).toBe(204);
    expect((await fetchJobs({ type: 'production-planning', businessKey: 'LP-LOCK', workerId: 'next' })).body.map((one) => one.id)).toEqual([planning.id]);
  });

  it('answers 404 for an unknown job and 403 outside the integration group', async () => {
    expect((await api.post('/api/jobs/nope/unlock', TOKENS.erp)).status).toBe(404);
    expect((await api.post('/api/jobs/nope/extend-lock', TOKENS.erp, { workerId: 'w', lockMs: 5_000 })).status).toBe(404);
    expect((await api.post('/api/jobs/nope/unlock', TOKENS.vp)).status).toBe(403);
  });
});

describePostgres('long polling across two servers on one PostgreSQL database', () => {
  let a: TestServer;
  let b: TestServer;

  beforeAll(async () => {
    const url = schemaUrl(await freshSchema());
    a = await startTestServer({ databaseUrl: url });
    b = await startTestServer({ databaseUrl: url });
  });
  afterAll(async () => {
    for (const one of [a, b]) {
      if (!one) continue;
      await one.close();
      removeDataDir(one.dataDir);
    }
  });

  it('answers a fetch waiting on one server when the job is created on the other', async () => {
    const waiting = fetchJobs({ type: 'procurement-planning', businessKey: 'LP-PG', asyncResponseTimeout: 20_000 }, a.api);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sent = performance.now();
    await enterOrder(b.api, 'LP-PG');
    const posted = performance.now();
    const answer = await waiting;
    console.info(`PostgreSQL: order POST on server B took ${(posted - sent).toFixed(1)} ms; the fetch waiting on server A was answered ${(performance.now() - posted).toFixed(1)} ms after it returned`);
    expect(answer.body).toEqual([objectWith({ businessKey: 'LP-PG', type: 'procurement-planning' })]);
  });
});
