// Camunda 7 operators see and resolve external-task incidents the Camunda 7
// way: GET /engine-rest/incident lists Stratum's open incidents as IncidentDtos
// and PUT /engine-rest/external-task/{id}/retries resolves a failedExternalTask
// through Stratum's own incident retry, so its controls hold there (on a task
// without an incident it sets the job's retries, which a fetched task shows
// from then on): only the operations role sets retries, and the task the
// published camunda-external-task-client-js fetches again completes.
// Parameters Stratum does not support are refused (400), never ignored. On
// SQLite, and on PostgreSQL where it is reachable (the incident count is a
// query of each store's own).
import { Client, type Task, type TaskService } from 'camunda-external-task-client-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentView, InstanceView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { describePostgres, freshSchema, schemaUrl } from '../../support/postgres.js';
import { objectWith, textContaining } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

/** A server on the store `databaseUrl` names (SQLite in its data folder without one). */
function onStore(databaseUrl: () => Promise<string | undefined>) {
  beforeAll(async () => {
    const url = await databaseUrl();
    server = await startTestServer(url ? { databaseUrl: url } : {});
    api = server.api;
    await deployFixtures(api, 'price-lookup.bpmn', 'price-review.bpmn');
  }, 60_000);
  afterAll(async () => {
    await server.close();
    removeDataDir(server.dataDir);
  });
}

describe('on SQLite', () => {
  onStore(() => Promise.resolve(undefined));
  externalTaskIncidentSpecs();
});

describePostgres('on PostgreSQL', () => {
  onStore(async () => schemaUrl(await freshSchema()));
  externalTaskIncidentSpecs();
});

// helpers

/** What the tests read of a Camunda 7 LockedExternalTaskDto. */
interface LockedExternalTask {
  id: string;
  activityId: string;
  processInstanceId: string;
  processDefinitionId: string;
  retries: number | null;
}

interface IncidentDto {
  id: string;
  processInstanceId: string;
  incidentTimestamp: string;
  incidentType: string;
  causeIncidentId: string | null;
  rootCauseIncidentId: string;
  configuration: string | null;
}

async function enter(orderNo: string) {
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Camunda Sieben GmbH' }, amount: 120_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
}

async function lockOne(topicName: string, businessKey?: string): Promise<LockedExternalTask> {
  const fetched = await api.post<LockedExternalTask[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
    workerId: 'raw', maxTasks: 1, topics: [{ topicName, lockDuration: 60_000, ...(businessKey && { businessKey }) }],
  });
  expect(fetched.status, fetched.text).toBe(200);
  expect(fetched.body).toHaveLength(1);
  return fetched.body[0];
}

async function failForGood(task: LockedExternalTask, errorMessage: string) {
  const failed = await api.post(`/engine-rest/external-task/${encodeURIComponent(task.id)}/failure`, TOKENS.erp, { workerId: 'raw', errorMessage, retries: 0 });
  expect(failed.status, failed.text).toBe(204);
}

async function incidents(query: string, token: string = TOKENS.nobody): Promise<IncidentDto[]> {
  const listed = await api.get<IncidentDto[]>(`/engine-rest/incident${query}`, token);
  expect(listed.status, listed.text).toBe(200);
  // Camunda's clients compare the content type exactly
  expect(listed.contentType).toBe('application/json');
  return listed.body;
}

async function count(query: string): Promise<number> {
  const counted = await api.get<{ count: number }>(`/engine-rest/incident/count${query}`, TOKENS.nobody);
  expect(counted.status, counted.text).toBe(200);
  return counted.body.count;
}

const setRetries = (taskId: string, token: string, body: unknown = { retries: 2 }) =>
  api.request('PUT', `/engine-rest/external-task/${encodeURIComponent(taskId)}/retries`, { token, json: body });

/** The published client as a Camunda 7 team configures it, with a Stratum bearer token of the integration group. */
function camundaClient(): Client {
  return new Client({
    baseUrl: `${server.url}/engine-rest`,
    workerId: 'camunda7-worker',
    asyncResponseTimeout: 5_000,
    interval: 50,
    maxTasks: 1,
    autoPoll: false,
    interceptors: (config: { headers?: Record<string, string> }) => ({ ...config, headers: { ...config.headers, Authorization: `Bearer ${TOKENS.erp}` } }),
  });
}

function externalTaskIncidentSpecs() {
  describe('external-task incidents through /engine-rest', () => {
    it('lists a failed external task as a failedExternalTask, refuses a worker\'s retries, and an operator\'s retries make it fetchable again until it completes', async () => {
      await enter('C7I-JOB');
      const task = await lockOne('procurement-planning', 'C7I-JOB');
      await failForGood(task, 'MRP down');
      const [native] = (await api.get<{ items: IncidentView[] }>('/api/incidents?businessKey=C7I-JOB', TOKENS.nobody)).body.items;
      expect(native).toMatchObject({ kind: 'job', jobId: task.id });

      const listed = await incidents(`?processInstanceId=${encodeURIComponent(task.processInstanceId)}`);
      expect(listed).toEqual([{
        id: native.id,
        processDefinitionId: task.processDefinitionId,
        processInstanceId: task.processInstanceId,
        executionId: task.id,
        incidentTimestamp: native.createdAt.replace(/Z$/, '+0000'),
        incidentType: 'failedExternalTask',
        activityId: task.activityId,
        failedActivityId: task.activityId,
        causeIncidentId: null,
        rootCauseIncidentId: native.id,
        configuration: task.id,
        tenantId: null,
        incidentMessage: native.message,
        jobDefinitionId: null,
        annotation: null,
      }]);
      expect(native.message).toContain('MRP down');
      expect(listed[0].incidentTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
      // the filters find it, and only where they should
      expect(await incidents(`?incidentId=${native.id}`)).toEqual(listed);
      expect(await incidents(`?incidentType=failedExternalTask&activityId=${task.activityId}&processInstanceId=${task.processInstanceId}`)).toEqual(listed);
      expect(await incidents(`?incidentType=failedJob&processInstanceId=${task.processInstanceId}`)).toEqual([]);
      expect(await incidents(`?incidentType=customType&incidentId=${native.id}`)).toEqual([]);
      expect(await incidents(`?activityId=elsewhere&processInstanceId=${task.processInstanceId}`)).toEqual([]);
      expect(await count(`?processInstanceId=${task.processInstanceId}`)).toBe(1);
      expect(await count(`?incidentId=${native.id}&incidentType=failedExternalTask`)).toBe(1);
      // the store's count agrees with the list, filter by filter
      for (const filter of [
        '', '?incidentType=failedExternalTask', '?incidentType=failedJob', '?incidentType=customType', `?activityId=${task.activityId}`,
        `?incidentType=failedExternalTask&activityId=${task.activityId}&processInstanceId=${task.processInstanceId}`, '?activityId=elsewhere',
        `?incidentId=${native.id}&processInstanceId=${task.processInstanceId}`, `?incidentId=${native.id}&incidentType=failedJob`, '?incidentId=nothing',
      ]) {
        expect(await count(filter), filter).toBe((await incidents(filter)).length);
      }

      // the worker's token is not an operator's: refused, and nothing changed
      const byWorker = await setRetries(task.id, TOKENS.erp);
      expect(byWorker.status).toBe(403);
      expect(problemOf(byWorker).detail).toBeTruthy();
      expect(await count(`?processInstanceId=${task.processInstanceId}`)).toBe(1);
      expect((await api.get<IncidentView>(`/api/incidents/${native.id}`, TOKENS.nobody)).body.resolvedAt).toBeUndefined();

      const byOperator = await setRetries(task.id, TOKENS.operations, { retries: 2 });
      expect(byOperator.status, byOperator.text).toBe(204);
      const resolved = (await api.get<IncidentView>(`/api/incidents/${native.id}`, TOKENS.nobody)).body;
      expect(resolved.resolution).toBe('retried');
      expect(resolved.resolvedAt).toMatch(/^\d{4}-/);
      expect(await incidents(`?processInstanceId=${task.processInstanceId}`)).toEqual([]);
      expect(await count(`?incidentId=${native.id}`)).toBe(0);

      // the published client fetches it again and completes it; the history says who gave it how many retries
      const client = camundaClient();
      const seen: string[] = [];
      const errors: unknown[] = [];
      let completed = false;
      client.on('complete:error', (_task: unknown, error: unknown) => errors.push(error));
      client.subscribe('procurement-planning', { businessKey: 'C7I-JOB' }, async ({ task: fetched, taskService }: { task: Task; taskService: TaskService }) => {
        seen.push(fetched.id);
        await taskService.complete(fetched);
        completed = true;
      });
      client.start();
      try {
        // until the completion has been answered (under load it takes longer than a fixed pause), then a little more
        // for a second fetch that must find nothing
        for (let round = 0; round < 100 && !completed && !errors.length; round++) await new Promise((resolve) => setTimeout(resolve, 100));
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        client.stop();
      }
      expect(errors).toEqual([]);
      expect(completed).toBe(true);
      expect(seen).toEqual([task.id]);
      const order = await api.json<InstanceView>('GET', '/api/orders/C7I-JOB', { token: TOKENS.erp });
      expect(order.history).toContainEqual(objectWith({ event: 'incident.resolved', actor: 'otto', data: objectWith({ incidentId: native.id, retries: 2 }) }));
      expect(order.history).toContainEqual(objectWith({ event: 'job.completed', actor: 'erp', elementId: task.activityId }));
    }, 30_000);

    it('lists a caller\'s incident as a failedJob following from its called instance\'s, and the called task\'s retries resolve both', async () => {
      const started = await api.post<InstanceView>('/api/processes/price-review/instances', TOKENS.erp, {});
      expect(started.status, started.text).toBe(201);
      const review = started.body;
      const { children } = await api.json<InstanceView>('GET', `/api/instances/${review.id}`, { token: TOKENS.erp });
      const task = await lockOne('price-lookup');
      expect(task.processInstanceId).toBe(children[0].id);
      await failForGood(task, 'price list unreachable');

      const [called] = await incidents(`?processInstanceId=${task.processInstanceId}`);
      expect(called).toMatchObject({ incidentType: 'failedExternalTask', configuration: task.id, causeIncidentId: null, rootCauseIncidentId: called.id });
      const caller = await incidents(`?processInstanceId=${review.id}`);
      expect(caller).toEqual([objectWith({
        processDefinitionId: `price-review:${review.version}`, processInstanceId: review.id, executionId: review.id,
        incidentType: 'failedJob', causeIncidentId: called.id, rootCauseIncidentId: called.id, configuration: null,
      })]);
      expect(await incidents(`?incidentType=failedJob&incidentId=${caller[0].id}`)).toEqual(caller);

      expect((await setRetries(task.id, TOKENS.operations, { retries: 1 })).status).toBe(204);
      expect(await count(`?processInstanceId=${review.id}`)).toBe(0);
      expect(await count(`?processInstanceId=${task.processInstanceId}`)).toBe(0);
      expect((await lockOne('price-lookup')).id).toBe(task.id);
    });

    it('sorts by incidentTimestamp or incidentId either way and pages with firstResult and maxResults', async () => {
      for (const orderNo of ['C7I-SORT-1', 'C7I-SORT-2', 'C7I-SORT-3']) {
        await enter(orderNo);
        await failForGood(await lockOne('procurement-planning', orderNo), `down for ${orderNo}`);
      }
      const oldestFirst = (await incidents('')).map((incident) => incident.id);
      expect(oldestFirst.length).toBeGreaterThanOrEqual(3);
      expect(await count('')).toBe(oldestFirst.length);
      expect((await incidents('?sortBy=incidentTimestamp&sortOrder=asc')).map((incident) => incident.id)).toEqual(oldestFirst);
      expect((await incidents('?sortBy=incidentTimestamp&sortOrder=desc')).map((incident) => incident.id)).toEqual([...oldestFirst].reverse());
      expect((await incidents('?sortBy=incidentId&sortOrder=desc')).map((incident) => incident.id)).toEqual([...oldestFirst].sort().reverse());
      expect((await incidents('?firstResult=1&maxResults=2')).map((incident) => incident.id)).toEqual(oldestFirst.slice(1, 3));
      expect((await incidents('?sortBy=incidentTimestamp&sortOrder=desc&firstResult=1&maxResults=1')).map((incident) => incident.id)).toEqual([oldestFirst.at(-2)]);
      expect(await incidents('?maxResults=0')).toEqual([]);
    });

    it('sets the retries of a task without an incident as Camunda 7 stores them: an operator\'s only, in the history, and a fetched task reports what it has', async () => {
      await enter('C7I-SET');
      const task = await lockOne('procurement-planning', 'C7I-SET');
      // as in Camunda 7, a task whose retries nobody set shows none (its job has Stratum's default 3)
      expect(task.retries).toBeNull();

      const byWorker = await setRetries(task.id, TOKENS.erp, { retries: 7 });
      expect(byWorker.status).toBe(403);
      const byOperator = await setRetries(task.id, TOKENS.operations, { retries: 5 });
      expect(byOperator.status, byOperator.text).toBe(204);
      expect(await count(`?processInstanceId=${task.processInstanceId}`)).toBe(0);
      // the worker's lock holds: another worker fetches nothing until it is released
      expect((await api.post<LockedExternalTask[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
        workerId: 'other', maxTasks: 1, topics: [{ topicName: 'procurement-planning', lockDuration: 60_000, businessKey: 'C7I-SET' }],
      })).body).toEqual([]);
      expect((await api.post(`/engine-rest/external-task/${encodeURIComponent(task.id)}/unlock`, TOKENS.erp, { workerId: 'raw' })).status).toBe(204);
      // shown as soon as they are set, as Camunda 7 shows them, though the task never failed
      const relocked = await lockOne('procurement-planning', 'C7I-SET');
      expect(relocked).toMatchObject({ id: task.id, retries: 5, errorMessage: null });
      // kept and counted: a failure counts down from them
      expect((await api.post(`/engine-rest/external-task/${encodeURIComponent(task.id)}/failure`, TOKENS.erp, { workerId: 'raw', errorMessage: 'MRP slow', retries: 4 })).status).toBe(204);
      expect(await lockOne('procurement-planning', 'C7I-SET')).toMatchObject({ id: task.id, retries: 4, errorMessage: 'MRP slow' });

      // out of retries and given some again by the incident's retry: the task fetched again reports them
      await failForGood(task, 'MRP down');
      expect((await setRetries(task.id, TOKENS.operations, { retries: 2 })).status).toBe(204);
      // the failure's message stays, as Camunda 7 keeps it when retries are set, and so the count shows
      expect(await lockOne('procurement-planning', 'C7I-SET')).toMatchObject({ id: task.id, retries: 2, errorMessage: 'MRP down' });

      const order = await api.json<InstanceView>('GET', '/api/orders/C7I-SET', { token: TOKENS.erp });
      const retriesSet = order.history.filter((entry) => entry.event === 'job.retries-set');
      expect(retriesSet).toEqual([objectWith({ actor: 'otto', elementId: task.activityId, data: objectWith({ retries: 5, previous: 3 }) })]);
      expect(order.history).toContainEqual(objectWith({ event: 'incident.resolved', actor: 'otto', data: objectWith({ retries: 2 }) }));

      // a completed task is gone: 404, as Camunda 7 answers for a task it no longer has
      expect((await api.post(`/engine-rest/external-task/${encodeURIComponent(task.id)}/complete`, TOKENS.erp, { workerId: 'raw' })).status).toBe(204);
      expect(problemOf(await setRetries(task.id, TOKENS.operations)).status).toBe(404);
    });

    it('sets as many retries as a job may declare (250, up to 2^31-1), with an incident or without; more is refused (400)', async () => {
      await enter('C7I-MANY');
      const task = await lockOne('procurement-planning', 'C7I-MANY');
      expect((await setRetries(task.id, TOKENS.operations, { retries: 250 })).status).toBe(204);
      expect((await api.post(`/engine-rest/external-task/${encodeURIComponent(task.id)}/unlock`, TOKENS.erp, { workerId: 'raw' })).status).toBe(204);
      expect(await lockOne('procurement-planning', 'C7I-MANY')).toMatchObject({ id: task.id, retries: 250 });

      await failForGood(task, 'MRP down');
      expect((await setRetries(task.id, TOKENS.operations, { retries: 2_147_483_648 })).status).toBe(400);
      expect(await count(`?processInstanceId=${task.processInstanceId}`)).toBe(1);
      expect((await setRetries(task.id, TOKENS.operations, { retries: 2_147_483_647 })).status).toBe(204);
      expect(await count(`?processInstanceId=${task.processInstanceId}`)).toBe(0);
      expect(await lockOne('procurement-planning', 'C7I-MANY')).toMatchObject({ id: task.id, retries: 2_147_483_647 });
    });

    it('keeps no error message for a failure that sent none, and says of its incident that the job has no retries left', async () => {
      await enter('C7I-NOMSG');
      const task = await lockOne('procurement-planning', 'C7I-NOMSG');
      const fail = (retries: number) => api.post(`/engine-rest/external-task/${encodeURIComponent(task.id)}/failure`, TOKENS.erp, { workerId: 'raw', retries });
      expect((await fail(1)).status).toBe(204);
      expect(await lockOne('procurement-planning', 'C7I-NOMSG')).toMatchObject({ id: task.id, retries: 1, errorMessage: null });
      expect((await fail(0)).status).toBe(204);
      const listed = await api.get<{ items: { jobId: string; message: string }[] }>('/api/incidents?businessKey=C7I-NOMSG', TOKENS.operations);
      const text = 'job procurement-planning failed and has no retries left (its worker gave no error message)';
      expect(listed.body.items).toContainEqual(objectWith({ jobId: task.id, message: text }));
      // the caller's incident, which follows from it, says so too
      expect(listed.body.items).toContainEqual(objectWith({ jobId: null, message: textContaining(`failed: ${text}`) }));
    });

    it('shows the retries an operator set on a task that never failed, so the published client counts down from them', async () => {
      await enter('C7I-SHOWN');
      const task = await lockOne('procurement-planning', 'C7I-SHOWN');
      expect(task.retries).toBeNull();
      expect((await setRetries(task.id, TOKENS.operations, { retries: 4 })).status).toBe(204);
      expect((await api.post(`/engine-rest/external-task/${encodeURIComponent(task.id)}/unlock`, TOKENS.erp, { workerId: 'raw' })).status).toBe(204);

      // a Camunda 7 worker's usual count: its own default while the task shows none, one less than shown otherwise
      const client = camundaClient();
      const seen: (number | null)[] = [];
      const errors: unknown[] = [];
      for (const event of ['handleFailure:error', 'complete:error']) client.on(event, (_task: unknown, error: unknown) => errors.push(error));
      client.subscribe('procurement-planning', { businessKey: 'C7I-SHOWN' }, async ({ task: fetched, taskService }: { task: Task; taskService: TaskService }) => {
        seen.push(fetched.retries);
        if (seen.length === 1) await taskService.handleFailure(fetched, { errorMessage: 'MRP slow', retries: (fetched.retries ?? 10) - 1, retryTimeout: 0 });
        else await taskService.complete(fetched);
      });
      client.start();
      try {
        for (let round = 0; round < 100 && seen.length < 2; round++) await new Promise((resolve) => setTimeout(resolve, 100));
        await new Promise((resolve) => setTimeout(resolve, 300));
      } finally {
        client.stop();
      }
      expect(errors).toEqual([]);
      expect(seen).toEqual([4, 3]);
      const order = await api.json<InstanceView>('GET', '/api/orders/C7I-SHOWN', { token: TOKENS.erp });
      expect(order.history).toContainEqual(objectWith({ event: 'job.failed', actor: 'erp', data: objectWith({ retries: 3, message: 'MRP slow', workerId: 'camunda7-worker' }) }));
      expect(order.history).toContainEqual(objectWith({ event: 'job.completed', actor: 'erp', elementId: task.activityId }));
    }, 30_000);

    it('refuses parameters it does not support (400), an unknown task (404) and retries of 0, with an incident or without', async () => {
      for (const query of ['?tenantIdIn=a', '?incidentMessageLike=%25down%25', '?sortBy=incidentMessage&sortOrder=asc', '?sortBy=incidentTimestamp', '?sortOrder=desc', '?maxResults=-1']) {
        const refused = await api.get(`/engine-rest/incident${query}`, TOKENS.nobody);
        expect(refused.status, query).toBe(400);
        expect(problemOf(refused).detail).toBeTruthy();
      }
      for (const query of ['?sortBy=incidentTimestamp&sortOrder=asc', '?firstResult=0', '?executionId=x']) {
        expect((await api.get(`/engine-rest/incident/count${query}`, TOKENS.nobody)).status, query).toBe(400);
      }
      expect((await api.get('/engine-rest/incident', undefined)).status).toBe(401);

      expect(problemOf(await setRetries('no-such-task', TOKENS.operations)).status).toBe(404);
      expect(problemOf(await setRetries('00000000-0000-0000-0000-000000000000:nothing', TOKENS.operations)).status).toBe(404);
      await enter('C7I-NONE');
      const task = await lockOne('procurement-planning', 'C7I-NONE');
      expect((await setRetries(task.id, TOKENS.operations, { retries: 0 })).status).toBe(400);
      await failForGood(task, 'down');
      expect((await setRetries(task.id, TOKENS.operations, { retries: 0 })).status).toBe(400);
      expect((await setRetries(task.id, TOKENS.operations, {})).status).toBe(400);
      expect(await count(`?processInstanceId=${task.processInstanceId}`)).toBe(1);
    });
  });
}
