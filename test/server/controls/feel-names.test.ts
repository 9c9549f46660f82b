// A worker's value never stands in for a decision through the name of an entry
// inside it. Variable names are held to plain identifiers on every route, but
// the keys inside a value are not, and feelin parses a condition against them:
// a credit-check worker completing its job (no outputs: it may set any variable
// but the elements' decisions) with
// `creditCheck = {passed: true, "passed and vicePresidentApproved": true}` made
// `=creditCheck.passed and vicePresidentApproved` read that one entry, and a
// release the vice-president rejected went on as released
// (engine/feel/parse-guard.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView } from '../../../engine/api.js';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  await deployFixtures(api, 'checked-release.bpmn');
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const SMUGGLED = { passed: true, 'passed and vicePresidentApproved': true };

/** Starts a release on Camunda 8's route and takes its credit-check job by `via`; the instance and the job id. */
async function startAndLock(via: 'api' | 'camunda7' | 'camunda8'): Promise<{ instanceId: string; jobId: string }> {
  const started = await api.post<{ processInstanceKey: string }>('/v2/process-instances', TOKENS.erp, { processDefinitionId: 'checked-release', variables: {} });
  expect(started.status, started.text).toBe(200);
  const instanceId = started.body.processInstanceKey;
  if (via === 'camunda8') {
    const activated = await api.post<{ jobs: { jobKey: string; processInstanceKey: string }[] }>('/v2/jobs/activation', TOKENS.erp, { type: 'credit-check', timeout: 60_000, maxJobsToActivate: 10, requestTimeout: -1 });
    const job = activated.body.jobs.find((each) => each.processInstanceKey === instanceId)!;
    return { instanceId, jobId: job.jobKey };
  }
  if (via === 'api') {
    const locked = await api.post<{ id: string; instanceId: string }[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'credit-check', workerId: 'stratum', max: 10 });
    return { instanceId, jobId: locked.body.find((each) => each.instanceId === instanceId)!.id };
  }
  const fetched = await api.post<{ id: string; processInstanceId: string }[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, { workerId: 'c7', maxTasks: 10, topics: [{ topicName: 'credit-check', lockDuration: 60_000 }] });
  return { instanceId, jobId: fetched.body.find((each) => each.processInstanceId === instanceId)!.id };
}

async function instance(id: string): Promise<InstanceView> {
  return (await api.get<InstanceView>(`/api/instances/${id}`, TOKENS.erp)).body;
}

/** The id of the instance's open review task. */
async function reviewTask(instanceId: string): Promise<string> {
  const review = (await instance(instanceId)).waiting.find((wait) => wait.elementId === 'Review');
  expect(review?.taskId, 'the review task').toBeDefined();
  return review!.taskId!;
}

describe('an entry of a worker\'s value named across a condition', () => {
  it.each([
    ['Stratum job completion', 'api', 200, (jobId: string) => api.post(`/api/jobs/${jobId}/complete`, TOKENS.erp, { workerId: 'stratum', variables: { creditCheck: SMUGGLED } })],
    ['Camunda 8 job completion', 'camunda8', 204, (jobId: string) => api.post(`/v2/jobs/${jobId}/completion`, TOKENS.erp, { variables: { creditCheck: SMUGGLED } })],
    ['Camunda 7 completion with a Json variable', 'camunda7', 204, (jobId: string) => api.post(`/engine-rest/external-task/${jobId}/complete`, TOKENS.erp, {
      workerId: 'c7', variables: { creditCheck: { value: JSON.stringify(SMUGGLED), type: 'Json' } },
    })],
  ] as const)('%s: the vice-president\'s rejection is not read from the worker\'s value', async (_route, via, completedStatus, complete) => {
    const { instanceId, jobId } = await startAndLock(via);
    const completed = await complete(jobId);
    expect(completed.status, completed.text).toBe(completedStatus);
    const rejected = await api.post(`/api/tasks/${await reviewTask(instanceId)}/complete`, TOKENS.vp, { variables: { approved: false } });
    // the condition cannot be read as written while the entry is there: the decision is refused, nothing released
    expect(rejected.status, rejected.text).toBe(422);
    expect(problemOf(rejected).detail).toContain('"creditCheck.passed and vicePresidentApproved" would be read in place of what the expression says');
    const after = await instance(instanceId);
    expect(after.waiting.map((wait) => wait.elementId)).toEqual(['Review']);
    expect(after.variables.vicePresidentApproved).toBeUndefined();
  });

  it('a value whose entries are plain names is read as ever', async () => {
    const { instanceId, jobId } = await startAndLock('camunda8');
    expect((await api.post(`/v2/jobs/${jobId}/completion`, TOKENS.erp, { variables: { creditCheck: { passed: true, 'checked by': 'bureau' } } })).status).toBe(204);
    expect((await api.post(`/api/tasks/${await reviewTask(instanceId)}/complete`, TOKENS.vp, { variables: { approved: true } })).status).toBe(200);
    expect((await instance(instanceId)).waiting.map((wait) => wait.jobType)).toEqual(['release']);
  });
});
