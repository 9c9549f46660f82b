// A worker fetches the jobs of any type a diagram may name, not only types that read like BPMN ids: Camunda 8's
// connectors are `io.camunda:http-json:1`, and such a task deployed and waited while every fetch route refused
// its type (400 `/type has characters or a form that is not allowed`), so nobody could ever work it. Likewise a
// worker throws any errorCode a diagram's error names (`404`), which its boundary event then catches.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView, JobView } from '../../../engine/api.js';
import { camunda8Client } from '../support/camunda8-client.js';
import { TOKENS, type ApiClient } from '../support/client.js';
import { deployFixtures, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

const CONNECTOR = 'io.camunda:http-json:1';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  await deployFixtures(api, 'crm-connector.bpmn', 'crm-lookup.bpmn');
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

async function start(businessKey: string, process = 'crm-sync'): Promise<InstanceView> {
  const started = await api.post<InstanceView>(`/api/processes/${process}/instances`, TOKENS.erp, { businessKey, variables: {} });
  expect(started.status, started.text).toBe(201);
  return started.body;
}

const statusOf = async (id: string) => (await api.get<InstanceView>(`/api/instances/${id}`, TOKENS.erp)).body.status;

describe('job types as diagrams name them', () => {
  it('hands a Camunda 8 connector\'s job (io.camunda:http-json:1) to Camunda 8\'s client, which completes it', async () => {
    const instance = await start('CRM-C8');
    const client = camunda8Client(server.url, TOKENS.erp);
    const { jobs } = await client.activateJobs({ type: CONNECTOR, worker: 'connector-runtime', timeout: 60_000, maxJobsToActivate: 5, requestTimeout: -1 });
    expect(jobs.map((job) => [job.type, job.elementId, job.processInstanceKey])).toEqual([[CONNECTOR, 'Call_CRM', instance.id]]);
    await client.completeJob({ jobKey: jobs[0].jobKey, variables: {} });
    expect(await statusOf(instance.id)).toBe('completed');
  });

  it('hands it to Camunda 7\'s fetchAndLock as a topic and to Stratum\'s own fetch-and-lock', async () => {
    const c7 = await start('CRM-C7');
    const locked = await api.post<{ id: string; topicName: string }[]>('/engine-rest/external-task/fetchAndLock', TOKENS.erp, {
      workerId: 'c7-worker', maxTasks: 5, topics: [{ topicName: CONNECTOR, lockDuration: 60_000 }],
    });
    expect(locked.status, locked.text).toBe(200);
    expect(locked.body.map((task) => task.topicName)).toEqual([CONNECTOR]);
    const completed = await api.post(`/engine-rest/external-task/${encodeURIComponent(locked.body[0].id)}/complete`, TOKENS.erp, { workerId: 'c7-worker' });
    expect(completed.status, completed.text).toBe(204);
    expect(await statusOf(c7.id)).toBe('completed');

    const own = await start('CRM-API');
    const fetched = await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: CONNECTOR, workerId: 'erp-worker', max: 5 });
    expect(fetched.status, fetched.text).toBe(200);
    expect(fetched.body.map((job) => [job.type, job.instanceId])).toEqual([[CONNECTOR, own.id]]);
  });

  it('still refuses a type no diagram can name: blank, control characters, spaces at either end', async () => {
    for (const type of ['', ' io.camunda:http-json:1', 'plan\nning', 'shipping ']) {
      const refused = await api.post('/v2/jobs/activation', TOKENS.erp, { type, timeout: 60_000, maxJobsToActivate: 1, requestTimeout: -1 });
      expect(refused.status, JSON.stringify(type)).toBe(400);
    }
  });

  it('lets a worker throw the errorCode a diagram\'s error names (404) on each route, and its boundary event catches it', async () => {
    const fetchLookup = async () => (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'crm-lookup', workerId: 'erp-worker', max: 5 })).body[0].id;
    // each route's answer to a thrown error: the instance (Stratum's), 204 (Camunda's)
    const throwOn: Record<string, () => Promise<number>> = {
      api: async () => (await api.post(`/api/jobs/${encodeURIComponent(await fetchLookup())}/bpmn-error`, TOKENS.erp, { errorCode: '404', workerId: 'erp-worker' })).status,
      camunda7: async () => (await api.post(`/engine-rest/external-task/${encodeURIComponent(await fetchLookup())}/bpmnError`, TOKENS.erp, { errorCode: '404', workerId: 'erp-worker' })).status,
      camunda8: async () => {
        const client = camunda8Client(server.url, TOKENS.erp);
        const { jobs } = await client.activateJobs({ type: 'crm-lookup', worker: 'c8-worker', timeout: 60_000, maxJobsToActivate: 5, requestTimeout: -1 });
        await client.throwJobError({ jobKey: jobs[0].jobKey, errorCode: '404', errorMessage: 'no such customer' });
        return 204;
      },
    };
    for (const [route, throwError] of Object.entries(throwOn)) {
      const instance = await start(`LOOKUP-${route}`, 'crm-lookup');
      expect([route, await throwError()]).toEqual([route, route === 'api' ? 200 : 204]);
      const ended = (await api.get<InstanceView>(`/api/instances/${instance.id}`, TOKENS.erp)).body;
      expect([route, ended.status, ended.history.some((entry) => entry.elementId === 'Unknown' && entry.event === 'element.completed')]).toEqual([route, 'completed', true]);
    }
  });
});
