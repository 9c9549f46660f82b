// Camunda 8 operators see and resolve incidents the Camunda way: the published
// @camunda8/orchestration-cluster-api client (8.8.4) searches, gets and
// resolves Stratum's incidents through /v2/incidents, and every control of
// Stratum's own retry holds there: only the operations role resolves, a
// resolution that would fail again is refused and changes nothing, a resolved
// incident is not resolved twice. Filters, sorts and pages Stratum does not
// keep are refused (400), never ignored.
import { IncidentKey, JobKey, ProcessDefinitionId, ProcessInstanceKey, type CamundaClient, type EndCursor } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { camunda8Client, refusal } from '../support/camunda8-client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { objectWith, textContaining } from '../../support/matchers.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  await deployFixtures(api, 'price-check.bpmn', 'price-lookup.bpmn', 'price-review.bpmn');
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

/** Stratum's store is the state of record: no eventual consistency to wait for. */
const NOW = { consistency: { waitUpToMs: 0 } };

describe('incidents through @camunda8/orchestration-cluster-api', () => {
  it('finds a job incident by process instance, state and error type, resolves it as an operator, and the job is activatable again with one retry', async () => {
    await enter('C8I-JOB');
    const worker = camundaClient(TOKENS.erp);
    const job = await activateOne(worker, 'procurement-planning', 'C8I-JOB');
    await worker.failJob({ jobKey: job.jobKey, retries: 0, errorMessage: 'MRP down' });

    const operator = camundaClient(TOKENS.operations);
    const found = await operator.searchIncidents({ filter: { processInstanceKey: job.processInstanceKey, state: 'ACTIVE', errorType: 'JOB_NO_RETRIES' } }, NOW);
    expect(found.items).toEqual([objectWith({
      jobKey: job.jobKey, processInstanceKey: job.processInstanceKey, processDefinitionId: 'sales-order-management', elementId: job.elementId,
      elementInstanceKey: job.elementInstanceKey, errorType: 'JOB_NO_RETRIES', errorMessage: textContaining('MRP down'), state: 'ACTIVE', tenantId: '<default>',
    })]);
    const [incident] = found.items!;
    // the incident is Stratum's own: the same id on the native item route
    expect((await api.get<{ id: string; jobId: string }>(`/api/incidents/${encodeURIComponent(String(incident.incidentKey))}`, TOKENS.nobody)).body).toMatchObject({ id: incident.incidentKey, jobId: job.jobKey });
    // a read needs any valid token, as the incident list
    expect(await camundaClient(TOKENS.nobody).getIncident({ incidentKey: incident.incidentKey! }, NOW)).toEqual(incident);

    // the worker's token is not an operator's: refused, and nothing changed
    expect(await refusal(worker.resolveIncident({ incidentKey: incident.incidentKey! }))).toBe(403);
    expect((await operator.getIncident({ incidentKey: incident.incidentKey! }, NOW)).state).toBe('ACTIVE');
    expect(await activated(worker, 'procurement-planning', 'C8I-JOB')).toEqual([]);

    await operator.resolveIncident({ incidentKey: incident.incidentKey! });
    expect(await operator.getIncident({ incidentKey: incident.incidentKey! }, NOW)).toEqual({ ...incident, state: 'RESOLVED' });
    const again = await activateOne(worker, 'procurement-planning', 'C8I-JOB');
    expect(again).toMatchObject({ jobKey: job.jobKey, retries: 1 });
    const history = await api.json<{ history: { event: string; actor: string | null; data: Record<string, unknown> }[] }>('GET', '/api/orders/C8I-JOB', { token: TOKENS.erp });
    expect(history.history).toContainEqual(objectWith({ event: 'incident.resolved', actor: 'otto', data: objectWith({ incidentId: incident.incidentKey, retries: 1 }) }));

    // a resolved incident is not resolved twice
    const twice = await api.post(`/v2/incidents/${encodeURIComponent(String(incident.incidentKey))}/resolution`, TOKENS.operations, {});
    expect(twice.status).toBe(409);
    expect(problemOf(twice).type).toBe('https://stratum.dev/problems/incident-resolved');
    const resolved = await operator.searchIncidents({ filter: { processInstanceKey: job.processInstanceKey, state: 'RESOLVED' } }, NOW);
    expect(resolved.items!.map((item) => item.incidentKey)).toEqual([incident.incidentKey]);
  });

  it('says of a job failed without an error message that it has no retries left, naming the job, not a bare "failed"', async () => {
    await enter('C8I-NOMSG');
    const worker = camundaClient(TOKENS.erp);
    const job = await activateOne(worker, 'procurement-planning', 'C8I-NOMSG');
    await worker.failJob({ jobKey: job.jobKey, retries: 0 });
    const found = await camundaClient(TOKENS.operations).searchIncidents({ filter: { processInstanceKey: job.processInstanceKey, state: 'ACTIVE' } }, NOW);
    expect(found.items).toEqual([objectWith({
      jobKey: job.jobKey, errorType: 'JOB_NO_RETRIES', errorMessage: 'job procurement-planning failed and has no retries left (its worker gave no error message)',
    })]);
  });

  it('refuses a resolution that would fail again (422 naming the incident it would raise) and changes nothing', async () => {
    const client = camundaClient(TOKENS.erp);
    const started = await client.createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('price-check') });
    const [job] = (await client.activateJobs({ type: 'price-check', worker: 'c8-incidents', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 })).jobs
      .filter((one) => one.processInstanceKey === started.processInstanceKey);
    // the gateway after the job reads `region`, which nothing supplies: the step fails
    await client.completeJob({ jobKey: job.jobKey });

    const operator = camundaClient(TOKENS.operations);
    const { items } = await operator.searchIncidents({ filter: { processInstanceKey: started.processInstanceKey, errorType: 'CONDITION_ERROR' } }, NOW);
    expect(items).toEqual([objectWith({ errorType: 'CONDITION_ERROR', state: 'ACTIVE', errorMessage: textContaining('region'), processDefinitionId: 'price-check' })]);
    const [incident] = items!;
    expect(incident).not.toHaveProperty('jobKey');

    expect(await refusal(operator.resolveIncident({ incidentKey: incident.incidentKey! }))).toBe(422);
    const refused = await api.post(`/v2/incidents/${encodeURIComponent(String(incident.incidentKey))}/resolution`, TOKENS.operations);
    expect(refused.status).toBe(422);
    expect(problemOf(refused).incident).toEqual(objectWith({ message: textContaining('region') }));
    expect((await operator.getIncident({ incidentKey: incident.incidentKey! }, NOW)).state).toBe('ACTIVE');
    const instance = await api.json<{ status: string; history: { event: string }[] }>('GET', `/api/instances/${started.processInstanceKey}`, { token: TOKENS.erp });
    expect(instance.status).toBe('failed');
    expect(instance.history.map((entry) => entry.event)).not.toContain('incident.resolved');
  });

  it('answers 404 for an incident key it does not know, to a read and to a resolution', async () => {
    const operator = camundaClient(TOKENS.operations);
    // a key as Camunda hands them out (Stratum's own are its ids, which the client takes unchecked)
    const unknown = IncidentKey.assumeExists('2251799813685249');
    expect(await refusal(operator.getIncident({ incidentKey: unknown }, NOW))).toBe(404);
    expect(await refusal(operator.resolveIncident({ incidentKey: unknown }))).toBe(404);
  });

  it('pages a search with limit and endCursor, oldest first, as one long page lists them', async () => {
    for (const key of ['C8I-PAGE-1', 'C8I-PAGE-2', 'C8I-PAGE-3']) {
      await enter(key);
      const job = await activateOne(camundaClient(TOKENS.erp), 'procurement-planning', key);
      await camundaClient(TOKENS.erp).failJob({ jobKey: job.jobKey, retries: 0, errorMessage: `down for ${key}` });
    }
    const client = camundaClient(TOKENS.nobody);
    const filter = { processDefinitionId: ProcessDefinitionId.assumeExists('sales-order-management'), state: 'ACTIVE' as const };
    const all = await client.searchIncidents({ filter, sort: [{ field: 'creationTime', order: 'ASC' }] }, NOW);
    expect(all.page.hasMoreTotalItems).toBe(false);
    expect(all.items!.length).toBeGreaterThanOrEqual(3);

    const seen: unknown[] = [];
    let after: EndCursor | undefined;
    for (let round = 0; round < 20; round++) {
      const page = await client.searchIncidents({ filter, page: after ? { after, limit: 2 } : { limit: 2 } }, NOW);
      expect(page.items!.length).toBeLessThanOrEqual(2);
      seen.push(...page.items!.map((item) => item.incidentKey));
      after = page.page.endCursor;
      if (!after) break;
    }
    expect(seen).toEqual(all.items!.map((item) => item.incidentKey));
    const skipped = await client.searchIncidents({ filter, page: { from: 1, limit: 1 } }, NOW);
    expect(skipped.items!.map((item) => item.incidentKey)).toEqual([all.items![1].incidentKey]);
  });

  it('refuses filters, sorts and pages Stratum does not keep (400) rather than ignoring them', async () => {
    const search = (body: unknown) => api.post('/v2/incidents/search', TOKENS.nobody, body);
    for (const body of [
      { filter: { elementId: 'Region' } },
      { filter: { errorMessage: 'down' } },
      { filter: { errorType: 'NOT_AN_ERROR_TYPE' } },
      { filter: { processInstanceKey: { $in: ['a', 'b'] } } },
      { filter: { tenantId: 'other' } },
      { sort: [{ field: 'errorType' }] },
      { sort: [{ field: 'creationTime', order: 'NEWEST' }] },
      { sort: [{ field: 'creationTime' }, { field: 'incidentKey' }] },
      { page: { before: '12' } },
      { page: { from: 1, after: 'MTI=' } },
      { page: { after: 'not-a-cursor' } },
      { page: { after: 'YWJj' } },
    ]) {
      const refused = await search(body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.contentType).toMatch(/^application\/problem\+json/);
    }
    // the client passes such a filter through; the server refuses it
    expect(await refusal(camundaClient(TOKENS.nobody).searchIncidents({ filter: { jobKey: JobKey.assumeExists('2251799813685250') } }, NOW))).toBe(400);
    // a cursor of one sort is not one of another
    const byKey = await search({ sort: [{ field: 'incidentKey' }], page: { limit: 1 } });
    const keyCursor = (byKey.body as { page: { endCursor: string } }).page.endCursor;
    expect((await search({ sort: [{ field: 'creationTime' }], page: { after: keyCursor } })).status).toBe(400);
    // Stratum has no migrated or pending incidents: such a state finds none
    expect((await search({ filter: { state: 'MIGRATED' } })).body).toEqual({ items: [], page: { totalItems: 0, hasMoreTotalItems: false } });
  });

  it('pages a search newest first and by incident key both ways with endCursor, every incident exactly once', async () => {
    for (const key of ['C8I-DESC-1', 'C8I-DESC-2', 'C8I-DESC-3', 'C8I-DESC-4']) {
      await enter(key);
      const job = await activateOne(camundaClient(TOKENS.erp), 'procurement-planning', key);
      await camundaClient(TOKENS.erp).failJob({ jobKey: job.jobKey, retries: 0, errorMessage: `down for ${key}` });
    }
    const client = camundaClient(TOKENS.nobody);
    const filter = { processDefinitionId: ProcessDefinitionId.assumeExists('sales-order-management') };
    const oldestFirst = keysOf(await client.searchIncidents({ filter }, NOW));
    expect(oldestFirst.length).toBeGreaterThanOrEqual(4);
    const byKey = [...oldestFirst].sort();

    const newestFirst = await everyPage((after) => client.searchIncidents({ filter, sort: [{ field: 'creationTime', order: 'DESC' }], page: after ? { after, limit: 3 } : { limit: 3 } }, NOW));
    expect(newestFirst).toEqual([...oldestFirst].reverse());
    expect(await everyPage((after) => client.searchIncidents({ filter, sort: [{ field: 'incidentKey' }], page: after ? { after, limit: 3 } : { limit: 3 } }, NOW))).toEqual(byKey);
    expect(await everyPage((after) => client.searchIncidents({ filter, sort: [{ field: 'incidentKey', order: 'DESC' }], page: after ? { after, limit: 3 } : { limit: 3 } }, NOW))).toEqual([...byKey].reverse());
    // an offset counts in the sort's order too
    const skipped = await client.searchIncidents({ filter, sort: [{ field: 'creationTime', order: 'DESC' }], page: { from: 1, limit: 1 } }, NOW);
    expect(keysOf(skipped)).toEqual([newestFirst[1]]);
  });

  it('searches the incidents of one process instance and of the instances it called, open and resolved, sorted and paged', async () => {
    const worker = camundaClient(TOKENS.erp);
    const review = await worker.createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('price-review') });
    // another review's incident, which no search of this review finds
    await worker.createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('price-review') });
    const jobs = (await worker.activateJobs({ type: 'price-lookup', worker: 'c8-incidents', timeout: 60_000, maxJobsToActivate: 50, requestTimeout: -1 })).jobs;
    const { children } = await api.json<{ children: { id: string }[] }>('GET', `/api/instances/${review.processInstanceKey}`, { token: TOKENS.erp });
    expect(children).toHaveLength(1);
    const called = jobs.find((job) => job.processInstanceKey === children[0].id);
    expect(called).toBeDefined();
    const unrelated = jobs.find((job) => job !== called)!;
    expect(jobs).toHaveLength(2);
    await worker.failJob({ jobKey: unrelated.jobKey, retries: 0, errorMessage: 'not this one' });
    // the called instance's job runs out of retries: its incident, and the review's that follows from it
    await worker.failJob({ jobKey: called!.jobKey, retries: 0, errorMessage: 'price list unreachable' });

    const operator = camundaClient(TOKENS.operations);
    const ofReview = await operator.searchProcessInstanceIncidents({ processInstanceKey: review.processInstanceKey }, NOW);
    expect(ofReview.items).toEqual([
      objectWith({ processInstanceKey: called!.processInstanceKey, processDefinitionId: 'price-lookup', errorType: 'JOB_NO_RETRIES', jobKey: called!.jobKey, state: 'ACTIVE' }),
      objectWith({ processInstanceKey: review.processInstanceKey, processDefinitionId: 'price-review', state: 'ACTIVE' }),
    ]);
    expect(ofReview.page).toEqual({ totalItems: 2, hasMoreTotalItems: false });
    // the called instance's search has its own incident only, not its caller's
    const ofCalled = await operator.searchProcessInstanceIncidents({ processInstanceKey: called!.processInstanceKey }, NOW);
    expect(keysOf(ofCalled)).toEqual([ofReview.items![0].incidentKey]);

    // newest first, one at a time with endCursor: each once
    const newestFirst = await everyPage((after) => operator.searchProcessInstanceIncidents(
      { processInstanceKey: review.processInstanceKey, sort: [{ field: 'creationTime', order: 'DESC' }], page: after ? { after, limit: 1 } : { limit: 1 } }, NOW));
    expect(newestFirst).toEqual(keysOf(ofReview).reverse());

    // resolving the root cause resolves both: they stay in the search, RESOLVED
    await operator.resolveIncident({ incidentKey: ofReview.items![0].incidentKey! });
    const resolved = await operator.searchProcessInstanceIncidents({ processInstanceKey: review.processInstanceKey, sort: [{ field: 'incidentKey' }] }, NOW);
    expect(resolved.items!.map((item) => [item.incidentKey, item.state])).toEqual(keysOf(ofReview).sort().map((key) => [key, 'RESOLVED']));
  });

  it('refuses a search of an instance it does not know (404), a filter, or a sort it does not keep (400), and a request without a token (401)', async () => {
    const operator = camundaClient(TOKENS.operations);
    expect(await refusal(operator.searchProcessInstanceIncidents({ processInstanceKey: ProcessInstanceKey.assumeExists('2251799813685251') }, NOW))).toBe(404);
    const unknown = await api.post('/v2/process-instances/no-such-instance/incidents/search', TOKENS.operations, {});
    expect([unknown.status, unknown.contentType]).toEqual([404, expect.stringMatching(/^application\/problem\+json/)]);

    const started = await camundaClient(TOKENS.erp).createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists('price-check') });
    const path = `/v2/process-instances/${encodeURIComponent(String(started.processInstanceKey))}/incidents/search`;
    for (const body of [{ filter: { state: 'ACTIVE' } }, { sort: [{ field: 'errorMessage' }] }, { sort: [{ field: 'incidentKey', order: 'UP' }] }, { page: { before: 'MTI=' } }]) {
      const refused = await api.post(path, TOKENS.nobody, body);
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.contentType).toMatch(/^application\/problem\+json/);
    }
    expect((await api.post(path, '', {})).status).toBe(401);
    // a read, as the search of all incidents: any valid token, the worker's too
    expect((await api.post(path, TOKENS.erp, {})).body).toEqual({ items: [], page: { totalItems: 0, hasMoreTotalItems: false } });
  });
});

// helpers

function keysOf(result: { items?: { incidentKey?: unknown }[] }): unknown[] {
  return result.items!.map((item) => item.incidentKey);
}

/** Every incident key of a search, page after page by `endCursor` (at most 20 pages). */
async function everyPage(pageAfter: (after: EndCursor | undefined) => Promise<{ items?: { incidentKey?: unknown }[]; page: { endCursor?: EndCursor } }>): Promise<unknown[]> {
  const seen: unknown[] = [];
  let after: EndCursor | undefined;
  for (let round = 0; round < 20; round++) {
    const page = await pageAfter(after);
    seen.push(...keysOf(page));
    after = page.page.endCursor;
    if (!after) return seen;
  }
  throw new Error('more than 20 pages');
}

function camundaClient(token: string): CamundaClient {
  return camunda8Client(server.url, token);
}

async function enter(orderNo: string) {
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Camunda Acht GmbH' }, amount: 120_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
}

/** The jobs of this type the order has open now (activated for 60 s). */
async function activated(client: CamundaClient, type: string, orderNo: string) {
  const { jobs } = await client.activateJobs({ type, worker: 'c8-incidents', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1, fetchVariable: ['orderNo'] });
  return jobs.filter((job) => job.variables.orderNo === orderNo);
}

async function activateOne(client: CamundaClient, type: string, orderNo: string) {
  const jobs = await activated(client, type, orderNo);
  expect(jobs).toHaveLength(1);
  return jobs[0];
}
