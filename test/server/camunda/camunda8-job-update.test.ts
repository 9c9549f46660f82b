// Camunda 8's job update (PATCH /v2/jobs/{jobKey}) as Zeebe does it, through
// the published @camunda8/orchestration-cluster-api client (8.8.4) and plain
// requests, on SQLite and on PostgreSQL: an operator sets a job's retries, a
// worker moves the deadline of a job it has activated, both in one request
// take effect together or not at all. A job that ran out of retries keeps its
// incident: new retries do not hand it out again until the incident is
// resolved, which then gives it those retries. Each field asks for its own
// group (retries: operations, timeout: integration); a refused update changes
// nothing, and every update is in the order's history under the user.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { JobKey, type CamundaClient } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TEST_USERS, TOKENS, type ApiClient } from '../support/client.js';
import { camunda8Client, refusal } from '../support/camunda8-client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { describePostgres, freshSchema, schemaUrl } from '../../support/postgres.js';
import { objectWith } from '../../support/matchers.js';

/** A user in both groups a job update may need (the test users have one each). */
const BOTH = 'test-integration-and-operations-token';

let server: TestServer;
let api: ApiClient;

function onStore(databaseUrl: () => Promise<string | undefined>) {
  beforeAll(async () => {
    const dataDir = makeDataDir();
    writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users: [...TEST_USERS.users, { name: 'ada', token: BOTH, groups: ['integration', 'operations'] }] }));
    const url = await databaseUrl();
    server = await startTestServer({ dataDir, ...(url && { databaseUrl: url }) });
    api = server.api;
  }, 60_000);
  afterAll(async () => {
    await server.close();
    removeDataDir(server.dataDir);
  });
}

/** Stratum's store is the state of record: no eventual consistency to wait for. */
const NOW = { consistency: { waitUpToMs: 0 } };

describe('on SQLite', () => {
  onStore(() => Promise.resolve(undefined));
  updateSpecs('SQ');
});

describePostgres('on PostgreSQL', () => {
  onStore(async () => schemaUrl(await freshSchema()));
  updateSpecs('PG');
});

/** The same specifications on each store; `prefix` keeps the order numbers of the two apart. */
function updateSpecs(prefix: string) {
  const orderNo = (name: string) => `C8U-${prefix}-${name}`;

  describe('PATCH /v2/jobs/{jobKey}', () => {
    it('sets the retries of an activated job as an operator: the job keeps its lock, a failure counts down from them', async () => {
      const no = orderNo('RETRIES');
      await enter(no);
      const job = await activateOne(client(TOKENS.erp), no, 60_000);
      expect(job.retries).toBe(3);

      await client(TOKENS.operations).updateJob({ jobKey: job.jobKey, changeset: { retries: 5 } });
      // still the worker's until it gives it back
      expect(await activated(client(TOKENS.erp), no, 60_000)).toEqual([]);
      await client(TOKENS.erp).failJob({ jobKey: job.jobKey, retries: 4, errorMessage: 'MRP busy' });
      expect((await activateOne(client(TOKENS.erp), no, 60_000)).retries).toBe(4);
      expect((await history(no)).filter((entry) => entry.event === 'job.retries-set')).toEqual([
        objectWith({ actor: 'otto', data: objectWith({ jobType: 'procurement-planning', retries: 5, previous: 3 }) }),
      ]);
    });

    it('gives a job back as many retries as a job may declare (250, up to 2^31-1), as the failure takes', async () => {
      const no = orderNo('RETRIES-250');
      await enter(no);
      const job = await activateOne(client(TOKENS.erp), no, 60_000);
      expect(await patch(job.jobKey, { changeset: { retries: 250 } }, TOKENS.operations)).toMatchObject({ status: 204 });
      await client(TOKENS.erp).failJob({ jobKey: job.jobKey, retries: 249, errorMessage: 'MRP busy' });
      const again = await activateOne(client(TOKENS.erp), no, 60_000);
      expect(again.retries).toBe(249);
      expect((await patch(job.jobKey, { changeset: { retries: 2_147_483_647 } }, TOKENS.operations)).status).toBe(204);
      expect((await history(no)).filter((entry) => entry.event === 'job.retries-set').map((entry) => entry.data.retries)).toEqual([250, 2_147_483_647]);
    });

    it('marks the retries as set, so a Camunda 7 or native worker fetching the job sees them before any failure', async () => {
      const no = orderNo('RETRIES-SEEN');
      await enter(no);
      const [job] = await activated(client(TOKENS.erp), no, 60_000);
      expect((await api.post(`/api/jobs/${encodeURIComponent(job.jobKey)}/unlock`, TOKENS.erp, { workerId: 'c8-update' })).status).toBe(204);

      await client(TOKENS.operations).updateJob({ jobKey: job.jobKey, changeset: { retries: 6 } });
      const fetched = (await api.post<{ id: string; retries: number; retriesSet: boolean; businessKey: string }[]>(
        '/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'native', max: 50 })).body;
      for (const other of fetched.filter((each) => each.businessKey !== no)) {
        expect((await api.post(`/api/jobs/${encodeURIComponent(other.id)}/unlock`, TOKENS.erp, { workerId: 'native' })).status).toBe(204);
      }
      expect(fetched.filter((each) => each.businessKey === no)).toEqual([objectWith({ id: job.jobKey, retries: 6, retriesSet: true })]);
    });

    it('moves the deadline of an activated job to now + timeout for the worker holding it', async () => {
      const no = orderNo('TIMEOUT');
      await enter(no);
      const worker = client(TOKENS.erp);
      const job = await activateOne(worker, no, 1000);
      const before = Date.now();
      await worker.updateJob({ jobKey: job.jobKey, changeset: { timeout: 60_000 } });
      await sleep(1200);
      // the 1 s lock would have run out: the new deadline holds it
      expect(await activated(client(TOKENS.erp), no, 60_000)).toEqual([]);
      const [entry] = (await history(no)).filter((one) => one.event === 'job.timeout-set');
      expect(entry).toEqual(objectWith({ actor: 'erp', data: objectWith({ jobType: 'procurement-planning', timeoutMs: 60_000, lockedBy: 'c8-update', previous: new Date(job.deadline).toISOString() }) }));
      const deadline = Date.parse(String(entry.data.lockExpiresAt));
      expect(deadline).toBeGreaterThanOrEqual(before + 60_000);
      expect(deadline).toBeLessThanOrEqual(Date.now() + 60_000);
      // the lock is still the worker's: it completes the job
      await worker.completeJob({ jobKey: job.jobKey });
      expect((await history(no)).some((one) => one.event === 'job.completed')).toBe(true);
    });

    it('updates retries and timeout in one request for a user in both groups, each in the history', async () => {
      const no = orderNo('BOTH');
      await enter(no);
      const job = await activateOne(client(TOKENS.erp), no, 1000);
      await client(BOTH).updateJob({ jobKey: job.jobKey, changeset: { retries: 7, timeout: 60_000 }, operationReference: 42 });
      await sleep(1200);
      expect(await activated(client(TOKENS.erp), no, 60_000)).toEqual([]);
      const events = (await history(no)).filter((entry) => entry.event === 'job.retries-set' || entry.event === 'job.timeout-set');
      expect(events).toEqual([
        objectWith({ event: 'job.retries-set', actor: 'ada', data: objectWith({ retries: 7, previous: 3 }) }),
        objectWith({ event: 'job.timeout-set', actor: 'ada', data: objectWith({ timeoutMs: 60_000 }) }),
      ]);
      expect((await api.post(`/api/jobs/${encodeURIComponent(job.jobKey)}/unlock`, TOKENS.erp, { workerId: 'c8-update' })).status).toBe(204);
      expect((await activateOne(client(TOKENS.erp), no, 60_000)).retries).toBe(7);
    });

    it('keeps the incident of a job that ran out of retries: new retries hand it out only once the incident is resolved, with them', async () => {
      const no = orderNo('INCIDENT');
      await enter(no);
      const worker = client(TOKENS.erp);
      const job = await activateOne(worker, no, 60_000);
      await worker.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'MRP down' });
      const operator = client(TOKENS.operations);
      const [incident] = (await operator.searchIncidents({ filter: { processInstanceKey: job.processInstanceKey, state: 'ACTIVE' } }, NOW)).items!;
      expect(incident).toEqual(objectWith({ jobKey: job.jobKey, errorType: 'JOB_NO_RETRIES' }));

      await operator.updateJob({ jobKey: job.jobKey, changeset: { retries: 3 } });
      // not silently resolved: the incident is open, the order failed, the job is not handed out
      expect((await operator.getIncident({ incidentKey: incident.incidentKey! }, NOW)).state).toBe('ACTIVE');
      expect((await api.json<{ status: string }>('GET', `/api/instances/${encodeURIComponent(job.processInstanceKey)}`, { token: TOKENS.erp })).status).toBe('failed');
      expect(await activated(worker, no, 60_000)).toEqual([]);
      expect((await history(no)).filter((entry) => entry.event === 'job.retries-set')).toEqual([
        objectWith({ actor: 'otto', data: objectWith({ retries: 3, previous: 0, incidentId: incident.incidentKey }) }),
      ]);
      // a failed job is not activated: it has no timeout to update
      const timeout = await patch(job.jobKey, { changeset: { timeout: 60_000 } }, BOTH);
      expect(timeout.status).toBe(409);
      expect(problemOf(timeout).type).toBe('https://stratum.dev/problems/job-not-activated');

      await operator.resolveIncident({ incidentKey: incident.incidentKey! });
      expect((await activateOne(worker, no, 60_000)).retries).toBe(3);
      // the callers' incidents, which followed from it, are resolved with it
      expect((await history(no)).filter((entry) => entry.event === 'incident.resolved' && entry.data.incidentId === incident.incidentKey)).toEqual([
        objectWith({ actor: 'otto', data: objectWith({ retries: 3 }) }),
      ]);
    });

    it('refuses an empty changeset and values out of range (400 problem+json) and changes nothing', async () => {
      const no = orderNo('BAD');
      await enter(no);
      const job = await activateOne(client(TOKENS.erp), no, 60_000);
      for (const body of [
        {},
        { changeset: {} },
        { changeset: { retries: null, timeout: null } },
        { changeset: { retries: 0 } },
        { changeset: { retries: -1 } },
        { changeset: { retries: 1.5 } },
        { changeset: { retries: 2_147_483_648 } },
        { changeset: { retries: '2' } },
        { changeset: { timeout: 0 } },
        { changeset: { timeout: 999 } },
        { changeset: { timeout: 86_400_001 } },
        { changeset: { timeout: 'soon' } },
        { changeset: { retries: 2, priority: 5 } },
        { changeset: { retries: 2 }, operationReference: 0 },
        { changeset: { retries: 2 }, extra: true },
      ]) {
        const refused = await patch(job.jobKey, body, BOTH);
        expect(refused.status, JSON.stringify(body)).toBe(400);
        expect(refused.contentType).toMatch(/^application\/problem\+json/);
        expect(problemOf(refused).errors?.length, JSON.stringify(body)).toBeGreaterThan(0);
      }
      const empty = await patch(job.jobKey, { changeset: { retries: null } }, BOTH);
      expect(problemOf(empty)).toEqual(objectWith({ status: 400, detail: 'At least one of [retries, timeout] is required.', errors: [{ field: '/changeset', message: 'needs retries or timeout (not null)' }] }));
      // the client's own call is refused alike
      expect(await refusal(client(BOTH).updateJob({ jobKey: job.jobKey, changeset: {} }))).toBe(400);
      expect((await history(no)).filter((entry) => entry.event.startsWith('job.') && entry.event.endsWith('-set'))).toEqual([]);
      // the timeout as the client may send an int64, as decimal text
      expect((await patch(job.jobKey, { changeset: { timeout: '120000' } }, TOKENS.erp)).status).toBe(204);
    });

    it('answers 404 for a job it does not know or one already completed', async () => {
      expect(await refusal(client(TOKENS.operations).updateJob({ jobKey: JobKey.assumeExists('2251799813685249'), changeset: { retries: 2 } }))).toBe(404);
      const no = orderNo('DONE');
      await enter(no);
      const worker = client(TOKENS.erp);
      const job = await activateOne(worker, no, 60_000);
      await worker.completeJob({ jobKey: job.jobKey });
      const gone = await patch(job.jobKey, { changeset: { retries: 2 } }, TOKENS.operations);
      expect([gone.status, gone.contentType.split(';')[0]]).toEqual([404, 'application/problem+json']);
      expect(await refusal(worker.updateJob({ jobKey: job.jobKey, changeset: { timeout: 60_000 } }))).toBe(404);
    });

    it('refuses a timeout for a job no worker holds (409 job-not-activated): never activated, its lock run out, or failed with retries left', async () => {
      const no = orderNo('IDLE');
      await enter(no);
      const [waiting] = (await api.json<{ waiting: { type: string; jobId?: string }[] }>('GET', `/api/orders/${no}`, { token: TOKENS.erp })).waiting
        .filter((wait) => wait.type === 'job');
      const never = await patch(waiting.jobId!, { changeset: { timeout: 60_000 } }, TOKENS.erp);
      expect(never.status).toBe(409);
      expect(problemOf(never).type).toBe('https://stratum.dev/problems/job-not-activated');
      // all or nothing: the retries of the refused request are not set either
      expect((await patch(waiting.jobId!, { changeset: { retries: 9, timeout: 60_000 } }, BOTH)).status).toBe(409);

      const worker = client(TOKENS.erp);
      const job = await activateOne(worker, no, 1000);
      await sleep(1200);
      expect((await patch(job.jobKey, { changeset: { timeout: 60_000 } }, TOKENS.erp)).status).toBe(409);
      const again = await activateOne(worker, no, 60_000);
      expect(again.retries).toBe(3);
      await worker.failJob({ jobKey: again.jobKey, retries: 2, errorMessage: 'MRP busy' });
      expect(await refusal(worker.updateJob({ jobKey: again.jobKey, changeset: { timeout: 60_000 } }))).toBe(409);
      expect((await history(no)).filter((entry) => entry.event.endsWith('-set'))).toEqual([]);
    });

    it('asks each field for its group: retries the operator\'s, timeout the worker\'s; a refused update changes nothing', async () => {
      const no = orderNo('ROLES');
      await enter(no);
      const job = await activateOne(client(TOKENS.erp), no, 60_000);
      const refusedBy = async (body: unknown, token: string) => {
        const refused = await patch(job.jobKey, body, token);
        expect(refused.status, `${JSON.stringify(body)} ${token}`).toBe(403);
        expect(refused.contentType).toMatch(/^application\/problem\+json/);
      };
      // the worker sets no retries, not even beside the timeout it may set
      await refusedBy({ changeset: { retries: 100 } }, TOKENS.erp);
      await refusedBy({ changeset: { retries: 100, timeout: 120_000 } }, TOKENS.erp);
      expect(await refusal(client(TOKENS.erp).updateJob({ jobKey: job.jobKey, changeset: { retries: 100 } }))).toBe(403);
      // the operator moves no worker's deadline
      await refusedBy({ changeset: { timeout: 120_000 } }, TOKENS.operations);
      await refusedBy({ changeset: { retries: 2, timeout: 120_000 } }, TOKENS.operations);
      // nor does anyone in neither group, whatever the field
      for (const token of [TOKENS.vp, TOKENS.designer, TOKENS.nobody]) {
        await refusedBy({ changeset: { retries: 2 } }, token);
        await refusedBy({ changeset: { timeout: 120_000 } }, token);
      }
      expect((await patch(job.jobKey, { changeset: { retries: 2 } }, null)).status).toBe(401);
      expect((await history(no)).filter((entry) => entry.event.endsWith('-set'))).toEqual([]);
      expect(await activated(client(TOKENS.erp), no, 60_000)).toEqual([]);
      await client(TOKENS.erp).failJob({ jobKey: job.jobKey, retries: 1, errorMessage: 'checking the count' });
      expect((await activateOne(client(TOKENS.erp), no, 60_000)).retries).toBe(1);
    });
  });
}

// helpers

interface HistoryEntry {
  event: string;
  actor: string | null;
  data: Record<string, unknown>;
}

function client(token: string): CamundaClient {
  return camunda8Client(server.url, token);
}

async function enter(orderNo: string) {
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Camunda Acht GmbH' }, amount: 120_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
}

async function history(orderNo: string): Promise<HistoryEntry[]> {
  return (await api.json<{ history: HistoryEntry[] }>('GET', `/api/orders/${orderNo}`, { token: TOKENS.erp })).history;
}

/** The order's procurement-planning jobs activated now for `timeout` ms (other orders' are given back at once). */
async function activated(worker: CamundaClient, orderNo: string, timeout: number) {
  const { jobs } = await worker.activateJobs({ type: 'procurement-planning', worker: 'c8-update', timeout, maxJobsToActivate: 50, requestTimeout: -1, fetchVariable: ['orderNo'] });
  for (const other of jobs.filter((job) => job.variables.orderNo !== orderNo)) {
    expect((await api.post(`/api/jobs/${encodeURIComponent(other.jobKey)}/unlock`, TOKENS.erp, { workerId: 'c8-update' })).status).toBe(204);
  }
  return jobs.filter((job) => job.variables.orderNo === orderNo);
}

async function activateOne(worker: CamundaClient, orderNo: string, timeout: number) {
  const jobs = await activated(worker, orderNo, timeout);
  expect(jobs).toHaveLength(1);
  return jobs[0];
}

/** A PATCH as the client sends it, checked against the OpenAPI document like every test request. */
function patch(jobKey: string, body: unknown, token: string | null) {
  return api.request('PATCH', `/v2/jobs/${encodeURIComponent(jobKey)}`, { json: body, headers: { accept: 'application/json' }, ...(token && { token }) });
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
