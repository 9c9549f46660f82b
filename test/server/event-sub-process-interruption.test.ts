// Over HTTP, an interrupting error event sub-process closes the task on the other path of its scope on every route:
// bpmn-elements ignored isInterrupting, so after the error the task `Pack` was still listed and open to completion.
// Now it is gone from the task list and its completion is 404 problem+json on Stratum's, Camunda 7's and Camunda 8's
// routes, as for any task that is no longer open; the event sub-process's task completes the instance. A worker's BPMN
// error on a job, through Stratum's, Camunda 7's and Camunda 8's job error routes, starts the event sub-process that
// catches its code, which closes the job and Pack the same way: the instance failed with `unhandled-error` before.
// An error end event nothing catches fails the instance with `unhandled-error` when a job completed through any of the
// three APIs reaches it, and a task completion that would reach it is refused on each, where the path ended silently.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView, TaskView } from '../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  const deployed = await api.request('POST', '/api/deployments?name=esp-interrupt.bpmn', {
    token: TOKENS.designer, body: PACKING, headers: { 'content-type': 'application/xml' },
  });
  expect(deployed.status, deployed.text).toBe(201);
  const uncaught = await api.request('POST', '/api/deployments?name=esp-uncaught.bpmn', {
    token: TOKENS.designer, body: UNCAUGHT, headers: { 'content-type': 'application/xml' },
  });
  expect(uncaught.status, uncaught.text).toBe(201);
  const jobError = await api.request('POST', '/api/deployments?name=esp-job-error.bpmn', {
    token: TOKENS.designer, body: LABELS, headers: { 'content-type': 'application/xml' },
  });
  expect(jobError.status, jobError.text).toBe(201);
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const task = (id: string, name: string) =>
  `<bpmn:userTask id="${id}" name="${name}"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="operations" /></bpmn:extensionElements></bpmn:userTask>`;

const PACKING = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_esp_interrupt" targetNamespace="http://stratum.example/test">
  <bpmn:error id="Err_missing" name="Stock missing" errorCode="STOCK_MISSING" />
  <bpmn:process id="esp-interrupt" name="Packing" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Fork" />
    <bpmn:parallelGateway id="Fork" />
    <bpmn:sequenceFlow id="F1" sourceRef="Fork" targetRef="Pack" />
    ${task('Pack', 'Pack')}
    <bpmn:sequenceFlow id="F2" sourceRef="Pack" targetRef="Packed" />
    <bpmn:endEvent id="Packed" />
    <bpmn:sequenceFlow id="F3" sourceRef="Fork" targetRef="Check" />
    ${task('Check', 'Check stock')}
    <bpmn:sequenceFlow id="F4" sourceRef="Check" targetRef="Missing" />
    <bpmn:endEvent id="Missing"><bpmn:errorEventDefinition errorRef="Err_missing" /></bpmn:endEvent>
    <bpmn:subProcess id="Handling" triggeredByEvent="true">
      <bpmn:startEvent id="HandlingStart"><bpmn:errorEventDefinition errorRef="Err_missing" /></bpmn:startEvent>
      <bpmn:sequenceFlow id="H1" sourceRef="HandlingStart" targetRef="Reorder" />
      ${task('Reorder', 'Reorder stock')}
      <bpmn:sequenceFlow id="H2" sourceRef="Reorder" targetRef="Reordered" />
      <bpmn:endEvent id="Reordered" />
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>`;

/** `Pack` beside the job `Label` (type `esp-label`), and an error event sub-process catching STOCK_MISSING. */
const LABELS = PACKING.replace('Defs_esp_interrupt', 'Defs_esp_job_error').replace('id="esp-interrupt" name="Packing"', 'id="esp-job-error" name="Labels"')
  .replace(/<bpmn:sequenceFlow id="F3"[^]*?<bpmn:endEvent id="Missing">.*?<\/bpmn:endEvent>/, `<bpmn:sequenceFlow id="F3" sourceRef="Fork" targetRef="Label" />
    <bpmn:serviceTask id="Label" name="Print label"><bpmn:extensionElements><zeebe:taskDefinition type="esp-label" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F4" sourceRef="Label" targetRef="Labelled" />
    <bpmn:endEvent id="Labelled" />`);

/** `Pack` beside the job `Label` (type `esp-uncaught-label`) and the task `Check`, each on to the error end event `Missing`, which nothing catches. */
const UNCAUGHT = PACKING.replace('Defs_esp_interrupt', 'Defs_esp_uncaught').replace('id="esp-interrupt" name="Packing"', 'id="esp-uncaught" name="Uncaught"')
  .replace(/<bpmn:subProcess id="Handling"[^]*?<\/bpmn:subProcess>/, '')
  .replace('<bpmn:sequenceFlow id="F1" sourceRef="Fork" targetRef="Pack" />', `<bpmn:sequenceFlow id="F1" sourceRef="Fork" targetRef="Pack" />
    <bpmn:sequenceFlow id="F5" sourceRef="Fork" targetRef="Label" />
    <bpmn:serviceTask id="Label" name="Print label"><bpmn:extensionElements><zeebe:taskDefinition type="esp-uncaught-label" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F6" sourceRef="Label" targetRef="Missing" />`);

/** Completes the one job of `esp-uncaught-label` of `businessKey`'s instance through one API's routes. */
const completeOn: Record<string, (businessKey: string) => Promise<void>> = {
  stratum: async (businessKey) => {
    const [job] = (await api.post<{ id: string }[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'esp-uncaught-label', workerId: 'printer', businessKey })).body;
    const done = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'printer', variables: {} });
    expect(done.status, done.text).toBeLessThan(300);
  },
  camunda7: async (businessKey) => {
    const [task] = (await api.post<{ id: string }[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
      workerId: 'printer', maxTasks: 1, topics: [{ topicName: 'esp-uncaught-label', lockDuration: 60_000, businessKey }],
    })).body;
    const done = await api.post(`/engine-rest/external-task/${encodeURIComponent(task.id)}/complete`, TOKENS.erp, { workerId: 'printer' });
    expect(done.status, done.text).toBe(204);
  },
  // Camunda 8's activation names no business key: one instance at a time has a job of this type
  camunda8: async () => {
    const jobs = (await api.post<{ jobs: { jobKey: string }[] }>('/v2/jobs/activation', TOKENS.erp, {
      type: 'esp-uncaught-label', worker: 'printer', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1,
    })).body.jobs;
    expect(jobs).toHaveLength(1);
    const done = await api.post(`/v2/jobs/${encodeURIComponent(jobs[0].jobKey)}/completion`, TOKENS.erp, { variables: {} });
    expect(done.status, done.text).toBe(204);
  },
};

/** Fetches the one job of `esp-label` and throws STOCK_MISSING on it, each through one API's routes; the job's id. */
const throwOn: Record<string, () => Promise<string>> = {
  stratum: async () => {
    const [job] = (await api.post<{ id: string }[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'esp-label', workerId: 'printer' })).body;
    const thrown = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/bpmn-error`, TOKENS.erp, { errorCode: 'STOCK_MISSING', workerId: 'printer' });
    expect(thrown.status, thrown.text).toBe(200);
    return job.id;
  },
  camunda7: async () => {
    const [task] = (await api.post<{ id: string }[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
      workerId: 'printer', maxTasks: 1, topics: [{ topicName: 'esp-label', lockDuration: 60_000 }],
    })).body;
    const thrown = await api.post(`/engine-rest/external-task/${encodeURIComponent(task.id)}/bpmnError`, TOKENS.erp, { workerId: 'printer', errorCode: 'STOCK_MISSING' });
    expect(thrown.status, thrown.text).toBe(204);
    return task.id;
  },
  camunda8: async () => {
    const [job] = (await api.post<{ jobs: { jobKey: string }[] }>('/v2/jobs/activation', TOKENS.erp, {
      type: 'esp-label', worker: 'printer', timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1,
    })).body.jobs;
    const thrown = await api.post(`/v2/jobs/${encodeURIComponent(job.jobKey)}/error`, TOKENS.erp, { errorCode: 'STOCK_MISSING', errorMessage: 'no labels left' });
    expect(thrown.status, thrown.text).toBe(204);
    return job.jobKey;
  },
};

describe('an interrupting error event sub-process over HTTP', () => {
  it('closes Pack: it leaves the task list, and its completion is 404 on Stratum\'s, Camunda 7\'s and Camunda 8\'s routes', async () => {
    const started = await api.post<InstanceView>('/api/processes/esp-interrupt/instances', TOKENS.erp, { businessKey: 'ESP-1' });
    expect(started.status, started.text).toBe(201);
    const tasks = async () => (await api.get<TaskView[]>('/api/tasks?businessKey=ESP-1', TOKENS.operations)).body;
    const open = await tasks();
    const taskId = (elementId: string) => encodeURIComponent(open.find((one) => one.elementId === elementId)!.id);
    const packId = taskId('Pack');
    const checked = await api.post<InstanceView>(`/api/tasks/${taskId('Check')}/complete`, TOKENS.operations, {});
    expect(checked.status, checked.text).toBe(200);
    expect(checked.body.waiting.map((wait) => wait.elementId)).toEqual(['Reorder']);
    expect((await tasks()).map((one) => one.elementId)).toEqual(['Reorder']);

    for (const [path, body] of [
      [`/api/tasks/${packId}/complete`, {}],
      [`/engine-rest/task/${packId}/complete`, { variables: {} }],
      [`/v2/user-tasks/${packId}/completion`, { variables: {} }],
    ] as const) {
      const refused = await api.post(path, TOKENS.operations, body);
      expect(refused.status, `${path}: ${refused.text}`).toBe(404);
      expect(problemOf(refused).status).toBe(404);
    }

    const [reorder] = await tasks();
    const done = await api.post<InstanceView>(`/api/tasks/${encodeURIComponent(reorder.id)}/complete`, TOKENS.operations, {});
    expect(done.status, done.text).toBe(200);
    expect(done.body.status).toBe('completed');
  });

  for (const [route, complete] of Object.entries(completeOn)) {
    it(`fails the instance with the unhandled-error incident, never completing it, when a job completed through ${route}'s route reaches an error end event nothing catches`, async () => {
      const businessKey = `ESP-UNCAUGHT-${route}`;
      const started = await api.post<InstanceView>('/api/processes/esp-uncaught/instances', TOKENS.erp, { businessKey });
      expect(started.status, started.text).toBe(201);
      await complete(businessKey);
      const instance = (await api.get<InstanceView & { incident: { elementId: string } | null }>(`/api/instances/${started.body.id}`, TOKENS.operations)).body;
      expect(instance.status).toBe('failed');
      expect(instance.incident?.elementId).toBe('Missing');
    });
  }

  it('refuses a task completion that would reach an error end event nothing catches, on Stratum\'s, Camunda 7\'s and Camunda 8\'s routes; the task stays open', async () => {
    const started = await api.post<InstanceView>('/api/processes/esp-uncaught/instances', TOKENS.erp, { businessKey: 'ESP-UNCAUGHT-TASK' });
    expect(started.status, started.text).toBe(201);
    const checkId = encodeURIComponent((await api.get<TaskView[]>('/api/tasks?businessKey=ESP-UNCAUGHT-TASK', TOKENS.operations)).body.find((one) => one.elementId === 'Check')!.id);
    for (const [path, body] of [
      [`/api/tasks/${checkId}/complete`, {}],
      [`/engine-rest/task/${checkId}/complete`, { variables: {} }],
      [`/v2/user-tasks/${checkId}/completion`, { variables: {} }],
    ] as const) {
      const refused = await api.post(path, TOKENS.operations, body);
      expect(refused.status, `${path}: ${refused.text}`).toBeGreaterThanOrEqual(400);
      expect(refused.status, `${path}: ${refused.text}`).toBeLessThan(500);
    }
    const instance = (await api.get<InstanceView>(`/api/instances/${started.body.id}`, TOKENS.operations)).body;
    expect(instance.status).toBe('running');
    expect(instance.waiting.map((wait) => wait.elementId).sort()).toEqual(['Check', 'Label', 'Pack']);
  });

  for (const [route, throwError] of Object.entries(throwOn)) {
    it(`catches a worker's BPMN error thrown through ${route}'s job error route: the job and Pack close, Reorder completes the instance`, async () => {
      const businessKey = `ESP-JOB-${route}`;
      const started = await api.post<InstanceView>('/api/processes/esp-job-error/instances', TOKENS.erp, { businessKey });
      expect(started.status, started.text).toBe(201);
      const tasks = async () => (await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}`, TOKENS.operations)).body;
      const packId = encodeURIComponent((await tasks()).find((one) => one.elementId === 'Pack')!.id);

      const jobId = await throwError();
      const instance = (await api.get<InstanceView>(`/api/instances/${started.body.id}`, TOKENS.operations)).body;
      expect(instance.status).toBe('running');
      expect(instance.waiting.map((wait) => wait.elementId)).toEqual(['Reorder']);
      for (const [path, body] of [
        [`/api/tasks/${packId}/complete`, {}],
        [`/v2/user-tasks/${packId}/completion`, { variables: {} }],
      ] as const) {
        const refused = await api.post(path, TOKENS.operations, body);
        expect(refused.status, `${path}: ${refused.text}`).toBe(404);
      }
      const jobDone = await api.post(`/api/jobs/${encodeURIComponent(jobId)}/complete`, TOKENS.erp, { workerId: 'printer', variables: {} });
      expect(jobDone.status, jobDone.text).toBe(404);

      const [reorder] = await tasks();
      const done = await api.post<InstanceView>(`/api/tasks/${encodeURIComponent(reorder.id)}/complete`, TOKENS.operations, {});
      expect(done.status, done.text).toBe(200);
      expect(done.body.status).toBe('completed');
    });
  }
});
