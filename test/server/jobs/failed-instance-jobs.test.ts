// A worker gets no job the runtime would refuse to complete: none of an
// instance that has failed (another branch of it raised an incident), none
// under a caller that has failed (what the called instance hands back would be
// lost). Its work is an outside effect (a shipment, a payment): handed out and
// then refused, it would be done again by the next worker once the lock
// expired. After the incident's retry the jobs are handed out again, and a
// fetch that waited through the failure is answered then.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentView, InstanceView, JobView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { describePostgres } from '../../support/postgres.js';
import { oneSqliteServer, twoServersOnOnePostgres, type StartedWaitingServers } from '../support/waiting-servers.js';

let api: ApiClient;
let waitingApi: ApiClient;

async function deployHeldProcesses(target: ApiClient): Promise<void> {
  for (const [name, xml] of [['held-split.bpmn', HELD_SPLIT], ['held-callee.bpmn', HELD_CALLEE], ['held-caller.bpmn', HELD_CALLER]]) {
    const deployed = await target.request('POST', `/api/deployments?name=${name}`, { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    expect(deployed.status, deployed.text).toBe(201);
  }
}

const PROBLEM = 'https://stratum.dev/problems/';

function describeHeldJobs(name: string, startServers: () => Promise<StartedWaitingServers>) {
  describe(name, () => {
    let close: (() => Promise<void>) | undefined;
    beforeAll(async () => {
      const started = await startServers();
      close = started.close;
      ({ api, waitingApi } = started.servers);
      await deployHeldProcesses(api);
    });
    afterAll(async () => {
      await close?.();
    });

    it('hands out no job of an instance whose other branch failed for good (on every fetch route), and hands it to a waiting fetch once the incident is retried', async () => {
      const started = await start('held-split', 'HELD-SPLIT-1');
      // the check's worker gives up: a job incident fails the instance, and its other waits stay where they are
      const [check] = await fetchJobs('held-split-check', 'HELD-SPLIT-1');
      const failed = await api.post(`/api/jobs/${encodeURIComponent(check.id)}/failure`, TOKENS.erp, { message: 'price list unreachable', retries: 0, workerId: 'worker' });
      expect(failed.status, failed.text).toBe(200);
      expect((await instance(started.id)).status).toBe('failed');
      const shipping = (await instance(started.id)).waiting.find((wait) => wait.jobType === 'held-split-shipping')!;
      expect(shipping).toBeDefined();

      expect(await fetchJobs('held-split-shipping', 'HELD-SPLIT-1')).toEqual([]);
      const camunda7 = await api.post('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
        workerId: 'c7-worker', maxTasks: 10, topics: [{ topicName: 'held-split-shipping', lockDuration: 60_000, businessKey: 'HELD-SPLIT-1' }],
      });
      expect(camunda7.status, camunda7.text).toBe(200);
      expect(camunda7.body).toEqual([]);
      const camunda8 = await api.post('/v2/jobs/activation', TOKENS.erp, { type: 'held-split-shipping', worker: 'c8-worker', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 });
      expect(camunda8.status, camunda8.text).toBe(200);
      expect(camunda8.body).toEqual({ jobs: [] });
      // by its id (from the instance's waiting list), as before: refused while the instance has failed
      const refused = await api.post(`/api/jobs/${encodeURIComponent(shipping.jobId!)}/complete`, TOKENS.erp, { variables: {} });
      expect(refused.status, refused.text).toBe(409);
      expect(problemOf(refused).detail).toContain('belongs to a failed instance');

      const waiting = waitingFetch('held-split-shipping', 'HELD-SPLIT-1');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(waiting.answered()).toBe(false);
      const retriedAt = await retry('HELD-SPLIT-1', {});
      const { jobs, at } = await waiting.answer;
      expect(jobs.map((job) => job.id)).toEqual([shipping.jobId]);
      // a missed wake-up would answer only when the fetch's time is up
      expect(at - retriedAt).toBeLessThan(2_000);
      expect((await api.post(`/api/jobs/${encodeURIComponent(jobs[0].id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'waiting-worker' })).status).toBe(200);
      const [again] = await fetchJobs('held-split-check', 'HELD-SPLIT-1');
      expect((await api.post(`/api/jobs/${encodeURIComponent(again.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'worker' })).status).toBe(200);
      expect((await instance(started.id)).status).toBe('completed');
    }, 30_000);

    it('hands out no job of a called instance while its caller has failed, and hands it to a waiting fetch once the caller\'s incident is retried', async () => {
      const started = await start('held-caller', 'HELD-CALL-1');
      const [child] = started.children;
      expect(child).toMatchObject({ processKey: 'held-callee' });
      await failTheCheck('held-caller-check', 'HELD-CALL-1');
      expect((await instance(started.id)).status).toBe('failed');
      expect((await instance(child.id)).status).toBe('running');
      const packing = (await instance(child.id)).waiting.find((wait) => wait.jobType === 'held-callee-packing')!;
      expect(packing).toBeDefined();

      expect(await fetchJobs('held-callee-packing', 'HELD-CALL-1')).toEqual([]);
      const refused = await api.post(`/api/jobs/${encodeURIComponent(packing.jobId!)}/complete`, TOKENS.erp, { variables: {} });
      expect(refused.status, refused.text).toBe(409);
      expect(problemOf(refused).type).toBe(`${PROBLEM}caller-failed`);

      const waiting = waitingFetch('held-callee-packing', 'HELD-CALL-1');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(waiting.answered()).toBe(false);
      const retriedAt = await retry('HELD-CALL-1', { region: 'EMEA' });
      const { jobs, at } = await waiting.answer;
      expect(jobs.map((job) => job.id)).toEqual([packing.jobId]);
      expect(at - retriedAt).toBeLessThan(2_000);
      expect((await api.post(`/api/jobs/${encodeURIComponent(jobs[0].id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'waiting-worker' })).status).toBe(200);
      expect((await instance(started.id)).status).toBe('completed');
    }, 30_000);
  });
}

describeHeldJobs('jobs of a failed instance (SQLite)', oneSqliteServer);

describePostgres('jobs of a failed instance (PostgreSQL, the fetch waiting on another server)', () => {
  describeHeldJobs('two servers on one database', twoServersOnOnePostgres);
});

// ---- helpers -----------------------------------------------------------------------

const DEFINITIONS = (id: string, process: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="${id}" targetNamespace="http://stratum.dev/test">
${process}
</bpmn:definitions>`;

const job = (id: string, type: string) =>
  `<bpmn:serviceTask id="${id}" name="${id}"><bpmn:extensionElements><zeebe:taskDefinition type="${type}" /></bpmn:extensionElements></bpmn:serviceTask>`;

/** A job, then a gateway reading `region`, which nothing supplies: completing the job fails the instance (as price-check.bpmn). */
const failingCheck = (type: string) => `${job('Check', type)}
    <bpmn:sequenceFlow id="C1" sourceRef="Check" targetRef="Region" />
    <bpmn:exclusiveGateway id="Region" name="Region?" default="C3" />
    <bpmn:sequenceFlow id="C2" name="EMEA" sourceRef="Region" targetRef="Checked">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=region = "EMEA"</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="C3" name="elsewhere" sourceRef="Region" targetRef="CheckedElsewhere" />
    <bpmn:endEvent id="Checked" name="Checked" />
    <bpmn:endEvent id="CheckedElsewhere" name="Checked elsewhere" />`;

/** A parallel split: shipping in one branch, a check in the other. */
const HELD_SPLIT = DEFINITIONS('D_held_split', `  <bpmn:process id="held-split" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Split" />
    <bpmn:parallelGateway id="Split" />
    <bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="Ship" />
    <bpmn:sequenceFlow id="F3" sourceRef="Split" targetRef="Check" />
    ${job('Ship', 'held-split-shipping')}
    <bpmn:sequenceFlow id="F4" sourceRef="Ship" targetRef="Shipped" />
    <bpmn:endEvent id="Shipped" name="Shipped" />
    ${job('Check', 'held-split-check')}
    <bpmn:sequenceFlow id="F5" sourceRef="Check" targetRef="Checked" />
    <bpmn:endEvent id="Checked" name="Checked" />
  </bpmn:process>`);

/** Called by held-caller: one packing job. */
const HELD_CALLEE = DEFINITIONS('D_held_callee', `  <bpmn:process id="held-callee" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Pack" />
    ${job('Pack', 'held-callee-packing')}
    <bpmn:sequenceFlow id="F2" sourceRef="Pack" targetRef="Packed" />
    <bpmn:endEvent id="Packed" name="Packed" />
  </bpmn:process>`);

/** Calls held-callee in one branch; the failing check in the other. */
const HELD_CALLER = DEFINITIONS('D_held_caller', `  <bpmn:process id="held-caller" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Split" />
    <bpmn:parallelGateway id="Split" />
    <bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="Packing" />
    <bpmn:sequenceFlow id="F3" sourceRef="Split" targetRef="Check" />
    <bpmn:callActivity id="Packing" name="Packing"><bpmn:extensionElements><zeebe:calledElement processId="held-callee" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:sequenceFlow id="F4" sourceRef="Packing" targetRef="Packed" />
    <bpmn:endEvent id="Packed" name="Packed" />
    ${failingCheck('held-caller-check')}
  </bpmn:process>`);

async function start(processKey: string, businessKey: string): Promise<InstanceView> {
  const started = await api.post<InstanceView>(`/api/processes/${processKey}/instances`, TOKENS.erp, { businessKey });
  expect(started.status, started.text).toBe(201);
  return started.body;
}

async function instance(id: string): Promise<InstanceView> {
  return (await api.get<InstanceView>(`/api/instances/${id}`, TOKENS.erp)).body;
}

async function fetchJobs(type: string, businessKey: string): Promise<JobView[]> {
  const fetched = await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, businessKey, workerId: 'worker', max: 10 });
  expect(fetched.status, fetched.text).toBe(200);
  return fetched.body;
}

/** The check's worker completes it without the region its gateway reads: the step fails, the instance with it. */
async function failTheCheck(type: string, businessKey: string): Promise<void> {
  const [check] = await fetchJobs(type, businessKey);
  const completed = await api.post(`/api/jobs/${encodeURIComponent(check.id)}/complete`, TOKENS.erp, { variables: {}, workerId: 'worker' });
  expect(completed.status, completed.text).toBe(200);
}

/** A long-polling fetch; `answer` resolves with its jobs and when they arrived. */
function waitingFetch(type: string, businessKey: string) {
  let answered = false;
  const answer = waitingApi.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, businessKey, workerId: 'waiting-worker', max: 10, asyncResponseTimeout: 10_000 })
    .then((response) => {
      answered = true;
      expect(response.status, response.text).toBe(200);
      return { jobs: response.body, at: performance.now() };
    });
  return { answer, answered: () => answered };
}

/** Retries the order's one open incident with `variables`; resolves with when the retry was answered. */
async function retry(businessKey: string, variables: Record<string, unknown>): Promise<number> {
  const listed = await api.get<{ items: IncidentView[] }>(`/api/incidents?businessKey=${businessKey}`, TOKENS.nobody);
  expect(listed.body.items).toHaveLength(1);
  const retried = await api.post<InstanceView>(`/api/incidents/${listed.body.items[0].id}/retry`, TOKENS.operations, { variables });
  expect(retried.status, retried.text).toBe(200);
  return performance.now();
}
