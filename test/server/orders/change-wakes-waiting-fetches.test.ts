// A change to a running order holds its jobs until the order process settles
// it (accepted, approved or rejected). A worker whose long poll waited through
// the change gets the released job the moment the change is settled, not at
// its poll's timeout: on Stratum's fetch-and-lock, Camunda 7's fetchAndLock
// and Camunda 8's activation, whichever way the change is settled. Over HTTP
// against the real server and the shipped library, on SQLite and on two
// PostgreSQL servers (the poll waiting on the other one).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView, JobView, OrderChangesView, TaskView } from '../../../engine/api.js';
import { TOKENS, type ApiClient } from '../support/client.js';
import { describePostgres } from '../../support/postgres.js';
import { oneSqliteServer, twoServersOnOnePostgres, type StartedWaitingServers } from '../support/waiting-servers.js';

let api: ApiClient;
let waitingApi: ApiClient;

/** Far longer than a wake-up takes: an answer near it means the poll only ended with its time. */
const POLL_TIMEOUT_MS = 10_000;
/** A missed wake-up answers after POLL_TIMEOUT_MS; a wake-up within milliseconds (this bound leaves room for a busy machine). */
const PROMPTLY_MS = 2_000;
const PLANNING = ['procurement-planning', 'production-planning'];
const ACKNOWLEDGERS = ['inspection', 'procurement', 'production'];

function describeReleasedJobs(name: string, startServers: () => Promise<StartedWaitingServers>) {
  describe(name, () => {
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const started = await startServers();
      close = started.close;
      ({ api, waitingApi } = started.servers);
    });
    afterAll(async () => {
      await close?.();
    });

    it('answers a fetch-and-lock that waited through a change the moment the last acknowledgement accepts it', async () => {
      const order = await enterOrder('SO-WAKE-ACK', 80_000);
      const held = await jobOf(order.id, 'procurement-planning');
      expect((await change('SO-WAKE-ACK', { description: 'thicker packaging' })).status).toBe(201);

      const waiting = poll(() => waitingApi.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, {
        type: 'procurement-planning', businessKey: 'SO-WAKE-ACK', workerId: 'waiting-worker', max: 10, asyncResponseTimeout: POLL_TIMEOUT_MS,
      }), (body) => body.map((job) => job.id));
      await pause(300);
      expect(waiting.answered()).toBe(false);
      const settledAt = await acknowledgeAll('SO-WAKE-ACK');
      expect((await changesOf('SO-WAKE-ACK')).changes[0]).toMatchObject({ status: 'accepted', open: false });

      const { jobs, at } = await waiting.answer;
      expect(jobs).toEqual([held]);
      expect(at - settledAt).toBeLessThan(PROMPTLY_MS);
      await completeAll(order.id, jobs, 'waiting-worker');
    }, 30_000);

    it('answers a Camunda 7 fetchAndLock that waited through a raised amount when the vice-president approves it, not before', async () => {
      const order = await enterOrder('SO-WAKE-APPROVE', 400_000);
      const held = await jobOf(order.id, 'production-planning');
      expect((await change('SO-WAKE-APPROVE', { description: 'three times the quantity', amount: 1_200_000 })).status).toBe(201);

      const waiting = poll(() => waitingApi.post<{ id: string }[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
        workerId: 'c7-waiting-worker', maxTasks: 10, asyncResponseTimeout: POLL_TIMEOUT_MS,
        topics: [{ topicName: 'production-planning', lockDuration: 60_000, businessKey: 'SO-WAKE-APPROVE' }],
      }), (body) => body.map((task) => task.id));
      await pause(300);
      // acknowledged and approved by the director: still open, still held
      await acknowledgeAll('SO-WAKE-APPROVE');
      await decide('SO-WAKE-APPROVE', 'sales-director', true);
      expect((await changesOf('SO-WAKE-APPROVE')).changes[0]).toMatchObject({ status: 'acknowledged', open: true });
      expect(waiting.answered()).toBe(false);
      const settledAt = await decide('SO-WAKE-APPROVE', 'vice-president', true);
      expect((await changesOf('SO-WAKE-APPROVE')).changes[0]).toMatchObject({ status: 'approved', open: false });

      const { jobs, at } = await waiting.answer;
      expect(jobs).toEqual([held]);
      expect(at - settledAt).toBeLessThan(PROMPTLY_MS);
      await completeAll(order.id, jobs, 'c7-waiting-worker');
    }, 30_000);

    it('answers a Camunda 8 activation that waited through a raised amount when the director rejects it', async () => {
      // the activation takes any order's job of its type: every order before this one has done its planning
      const order = await enterOrder('SO-WAKE-REJECT', 400_000);
      const held = await jobOf(order.id, 'procurement-planning');
      expect((await change('SO-WAKE-REJECT', { description: 'three times the quantity', amount: 1_200_000 })).status).toBe(201);
      await acknowledgeAll('SO-WAKE-REJECT');

      const waiting = poll(() => waitingApi.post<{ jobs: { jobKey: string }[] }>('/v2/jobs/activation', TOKENS.erp, {
        type: 'procurement-planning', worker: 'c8-waiting-worker', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: POLL_TIMEOUT_MS,
      }), (body) => body.jobs.map((job) => job.jobKey));
      await pause(300);
      expect(waiting.answered()).toBe(false);
      const settledAt = await decide('SO-WAKE-REJECT', 'sales-director', false);
      expect((await changesOf('SO-WAKE-REJECT')).changes[0]).toMatchObject({ status: 'rejected', open: false });

      const { jobs, at } = await waiting.answer;
      expect(jobs).toEqual([held]);
      expect(at - settledAt).toBeLessThan(PROMPTLY_MS);
      await completeAll(order.id, jobs, 'c8-waiting-worker');
    }, 30_000);
  });
}

describeReleasedJobs('jobs released by a settled order change (SQLite)', oneSqliteServer);

describePostgres('jobs released by a settled order change (PostgreSQL, the poll waiting on another server)', () => {
  describeReleasedJobs('two servers on one database', twoServersOnOnePostgres);
});

// helpers

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A long poll; `answer` resolves with the ids of its jobs (as `jobsOf` reads the route's body) and when they arrived. */
function poll<Body>(send: () => Promise<{ status: number; text: string; body: Body }>, jobsOf: (body: Body) => string[]) {
  let answered = false;
  const answer = send().then((response) => {
    answered = true;
    expect(response.status, response.text).toBe(200);
    return { jobs: jobsOf(response.body), at: performance.now() };
  });
  return { answer, answered: () => answered };
}

/** A credit order in CNY (the reporting currency): approved at once up to 500,000, then planning. */
async function enterOrder(orderNo: string, amount: number): Promise<InstanceView> {
  const response = await api.post<InstanceView>('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Druckerei Weiss' }, amount, currency: 'CNY', paymentTerms: 'credit' });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

function change(orderNo: string, body: Record<string, unknown>) {
  return api.post(`/api/orders/${orderNo}/changes`, TOKENS.erp, body);
}

async function changesOf(orderNo: string): Promise<OrderChangesView> {
  const response = await api.get<OrderChangesView>(`/api/orders/${orderNo}/changes`, TOKENS.erp);
  expect(response.status, response.text).toBe(200);
  return response.body;
}

async function jobTypesOf(id: string): Promise<string[]> {
  return (await api.get<InstanceView>(`/api/instances/${id}`, TOKENS.erp)).body.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType!).sort();
}

/** The id of the order's one job of `type`, as its instance lists it while waiting at both planning jobs. */
async function jobOf(id: string, type: string): Promise<string> {
  expect(await jobTypesOf(id)).toEqual(PLANNING);
  const waiting = (await api.get<InstanceView>(`/api/instances/${id}`, TOKENS.erp)).body.waiting;
  return waiting.find((wait) => wait.jobType === type)!.jobId!;
}

async function tasksOf(orderNo: string): Promise<TaskView[]> {
  return (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
}

const TOKEN_OF: Record<string, string> = {
  procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection,
  'sales-director': TOKENS.director, 'vice-president': TOKENS.vp,
};

/** The three acknowledgements, one after the other; resolves with when the last was answered. */
async function acknowledgeAll(orderNo: string): Promise<number> {
  const tasks = (await tasksOf(orderNo)).filter((task) => ACKNOWLEDGERS.includes(task.candidateGroups[0]));
  expect(tasks).toHaveLength(3);
  for (const task of tasks) {
    const response = await api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKEN_OF[task.candidateGroups[0]], { variables: { acknowledged: true } });
    expect(response.status, response.text).toBe(200);
  }
  return performance.now();
}

/** The approver of `group` decides the order's one open task of that group; resolves with when that was answered. */
async function decide(orderNo: string, group: string, approved: boolean): Promise<number> {
  const tasks = (await tasksOf(orderNo)).filter((task) => task.candidateGroups.includes(group));
  expect(tasks).toHaveLength(1);
  const response = await api.post(`/api/tasks/${encodeURIComponent(tasks[0].id)}/complete`, TOKEN_OF[group], { variables: { approved, ...(!approved && { comment: 'Credit limit exceeded.' }) } });
  expect(response.status, response.text).toBe(200);
  return performance.now();
}

/** Completes the jobs the poll locked (as `pollWorker`, which holds them) and the order's other planning job, so no later poll meets this order's jobs. */
async function completeAll(instanceId: string, lockedIds: string[], pollWorker: string): Promise<void> {
  const orderNo = (await api.get<InstanceView>(`/api/instances/${instanceId}`, TOKENS.erp)).body.businessKey;
  for (const id of lockedIds) {
    const completed = await api.post(`/api/jobs/${encodeURIComponent(id)}/complete`, TOKENS.erp, { variables: {}, workerId: pollWorker });
    expect(completed.status, completed.text).toBe(200);
  }
  for (const type of PLANNING) {
    const fetched = await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, businessKey: orderNo, workerId: 'cleanup-worker', max: 10 });
    expect(fetched.status, fetched.text).toBe(200);
    for (const job of fetched.body) {
      const completed = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'cleanup-worker' });
      expect(completed.status, completed.text).toBe(200);
    }
  }
  expect((await jobTypesOf(instanceId)).filter((type) => PLANNING.includes(type))).toEqual([]);
}
