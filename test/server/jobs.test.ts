// External jobs on a process of its own: task headers for the worker, and a
// business error caught by an error boundary event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView, JobView, TaskView } from '../../engine/api.js';
import { TOKENS, type ApiClient } from './support/client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const ARTICLE_CHECK = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_article" targetNamespace="http://example.com">
  <bpmn:error id="Error_Blocked" name="Article blocked" errorCode="ARTICLE_BLOCKED" />
  <bpmn:process id="article-check" name="Article check" isExecutable="true">
    <bpmn:startEvent id="Start" name="Order line received"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="CheckArticle" />
    <bpmn:serviceTask id="CheckArticle" name="Check article in ERP">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="article-check" />
        <zeebe:taskHeaders><zeebe:header key="erpSystem" value="SAP-PROD" /></zeebe:taskHeaders>
      </bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="F2" sourceRef="CheckArticle" targetRef="Done" />
    <bpmn:endEvent id="Done" name="Article fine"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
    <bpmn:boundaryEvent id="Blocked" name="Article blocked" attachedToRef="CheckArticle">
      <bpmn:outgoing>F3</bpmn:outgoing>
      <bpmn:errorEventDefinition id="Blocked_Definition" errorRef="Error_Blocked" />
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F3" sourceRef="Blocked" targetRef="Clarify" />
    <bpmn:userTask id="Clarify" name="Clarify blocked article">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="procurement" />
        <zeebe:ioMapping><zeebe:output source="=resolution" target="clarification" /></zeebe:ioMapping>
      </bpmn:extensionElements>
      <bpmn:incoming>F3</bpmn:incoming><bpmn:outgoing>F4</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F4" sourceRef="Clarify" targetRef="Clarified" />
    <bpmn:endEvent id="Clarified" name="Article clarified"><bpmn:incoming>F4</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>
`;

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  const deployed = await api.request('POST', '/api/deployments?name=article-check.bpmn', { token: TOKENS.designer, body: ARTICLE_CHECK, headers: { 'content-type': 'application/xml' } });
  expect(deployed.status, deployed.text).toBe(201);
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

async function startCheck(businessKey: string) {
  const started = await api.post<InstanceView>('/api/processes/article-check/instances', TOKENS.erp, { businessKey, variables: { article: 'A-100' } });
  expect(started.status, started.text).toBe(201);
  const [job] = (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'article-check', workerId: 'erp', max: 1 })).body;
  expect(job.businessKey).toBe(businessKey);
  return { instanceId: started.body.id, job };
}

describe('POST /api/jobs/{id}/bpmn-error', () => {
  it('hands the worker the task headers, and a business error takes the error boundary path', async () => {
    const { instanceId, job } = await startCheck('LINE-1');
    expect(job.customHeaders).toEqual({ erpSystem: 'SAP-PROD' });
    expect(job.variables.article).toBe('A-100');

    const thrown = await api.post<InstanceView>(`/api/jobs/${encodeURIComponent(job.id)}/bpmn-error`, TOKENS.erp, { errorCode: 'ARTICLE_BLOCKED', message: 'blocked by quality', variables: { blockReason: 'quality' }, workerId: 'erp' });
    expect(thrown.status, thrown.text).toBe(200);
    expect(thrown.body.status).toBe('running');
    expect(thrown.body.variables.blockReason).toBe('quality');
    const [clarify] = (await api.get<TaskView[]>('/api/tasks?businessKey=LINE-1', TOKENS.procurement)).body;
    expect(clarify).toMatchObject({ elementId: 'Clarify', candidateGroups: ['procurement'], instanceId });

    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/bpmn-error`, TOKENS.erp, { errorCode: 'ARTICLE_BLOCKED' })).status).toBeOneOf([404, 409]);
    expect((await api.post(`/api/tasks/${encodeURIComponent(clarify.id)}/complete`, TOKENS.procurement, { variables: { resolution: 'released' } })).status).toBe(200);
    expect((await api.get<InstanceView>(`/api/instances/${instanceId}`, TOKENS.erp)).body.status).toBe('completed');
  });

  it('fails the instance when nothing catches the error code', async () => {
    const { instanceId, job } = await startCheck('LINE-2');
    const thrown = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/bpmn-error`, TOKENS.erp, { errorCode: 'NOT_MODELLED', workerId: 'erp' });
    expect(thrown.status).toBe(200);
    const view = (await api.get<InstanceView>(`/api/instances/${instanceId}`, TOKENS.erp)).body;
    expect(view.status).toBe('failed');
    expect(view.incident).not.toBeNull();
  });

  it('refuses a missing or malformed error code', async () => {
    const { job } = await startCheck('LINE-3');
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/bpmn-error`, TOKENS.erp, {})).status).toBe(422);
    // any printable text a diagram's error may name is a code (`404`: jobs/job-types.test.ts; spaces inside too); a line break or a blank is not
    for (const errorCode of ['line\nbreak', ' ', ' padded']) {
      expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/bpmn-error`, TOKENS.erp, { errorCode })).status, JSON.stringify(errorCode)).toBe(422);
    }
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'erp' })).status).toBe(200);
  });
});

describe('POST /api/jobs/{id}/failure with retryTimeout', () => {
  it('keeps a failed job from every fetch until its retry time, then hands it out again; a retryTimeout over a day is refused', async () => {
    const { instanceId, job } = await startCheck('LINE-BACKOFF');
    const failed = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'SAP down', retries: 2, workerId: 'erp', retryTimeout: 1500 });
    expect(failed.status, failed.text).toBe(200);
    const failedAt = Date.now();
    const fetch = async () => (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'article-check', workerId: 'erp', businessKey: 'LINE-BACKOFF' })).body;
    expect(await fetch()).toEqual([]);
    // nor completed by its id meanwhile: it is handed out again when the back-off ends
    const early = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, {});
    expect(early.status, early.text).toBe(409);
    expect(early.body).toMatchObject({ title: 'Job in back-off', retryAt: expect.stringMatching(/^\d{4}-/) as unknown });
    await new Promise((resolve) => setTimeout(resolve, 1600 - (Date.now() - failedAt)));
    const [again] = await fetch();
    expect(again).toMatchObject({ id: job.id, retries: 2, errorMessage: 'SAP down' });
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'x', retries: 1, workerId: 'erp', retryTimeout: 86_400_001 })).status).toBe(422);
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/complete`, TOKENS.erp, { workerId: 'erp' })).status).toBe(200);
    expect((await api.get<InstanceView>(`/api/instances/${instanceId}`, TOKENS.erp)).body.status).toBe('completed');
  });
});

/** An archive-export instance under `businessKey` (its job declares 250 retries), and the ERP's fetch of its job. */
async function startArchiveExport(businessKey: string): Promise<() => Promise<JobView[]>> {
  await deployFixtures(api, 'archive-export.bpmn');
  const started = await api.post<InstanceView>('/api/processes/archive-export/instances', TOKENS.erp, { businessKey });
  expect(started.status, started.text).toBe(201);
  return async () => (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'archive-export', workerId: 'erp', businessKey })).body;
}

describe('POST /api/jobs/{id}/failure of a job declaring more than 100 retries', () => {
  it('takes the count a worker sends, one fewer than the job declares (250), up to 2^31-1; more is refused', async () => {
    const fetch = await startArchiveExport('ARCHIVE-API');
    const [job] = await fetch();
    expect(job.retries).toBe(250);
    const failed = await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'archive busy', retries: job.retries - 1, workerId: 'erp' });
    expect(failed.status, failed.text).toBe(200);
    const [again] = await fetch();
    expect(again).toMatchObject({ id: job.id, retries: 249, errorMessage: 'archive busy' });
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'x', retries: 2_147_483_648, workerId: 'erp' })).status).toBe(422);
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'archive busy', retries: 2_147_483_647, workerId: 'erp' })).status).toBe(200);
    expect((await fetch())[0]).toMatchObject({ id: job.id, retries: 2_147_483_647 });
  });
});

describe('POST /api/incidents/{id}/retry of a job declaring more than 100 retries', () => {
  it('gives the job back as many retries as it declares (250), up to 2^31-1; more is refused and the incident stays open', async () => {
    const fetch = await startArchiveExport('ARCHIVE-RETRY');
    const [job] = await fetch();
    expect((await api.post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'archive down', retries: 0, workerId: 'erp' })).status).toBe(200);
    const listed = await api.get<{ items: { id: string; jobId: string | null }[] }>('/api/incidents?businessKey=ARCHIVE-RETRY', TOKENS.operations);
    const [incident] = listed.body.items;
    expect(incident.jobId).toBe(job.id);
    const tooMany = await api.post(`/api/incidents/${encodeURIComponent(incident.id)}/retry`, TOKENS.operations, { retries: 2_147_483_648 });
    expect(tooMany.status).toBe(422);
    expect((await api.get<{ items: unknown[] }>('/api/incidents?businessKey=ARCHIVE-RETRY', TOKENS.operations)).body.items).toHaveLength(1);
    const retried = await api.post(`/api/incidents/${encodeURIComponent(incident.id)}/retry`, TOKENS.operations, { retries: 250 });
    expect(retried.status, retried.text).toBe(200);
    expect((await fetch())[0]).toMatchObject({ id: job.id, retries: 250 });
  });
});
