// GET /api/tasks shows a task a failed instance holds, as the OpenAPI document describes it (the client checks
// every answer against it): `held` names the failed instance and its open incident, `held=false` leaves the task
// out, it can be claimed, and the completion stays refused with 409 until operations retry the incident.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncidentView, TaskView } from '../../engine/api.js';
import { HELD_APPROVAL_FILES } from '../support/held-approvals.js';
import { TOKENS, type ApiClient } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  for (const { name, xml } of HELD_APPROVAL_FILES) {
    const deployed = await api.request('POST', `/api/deployments?name=${name}`, { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    expect(deployed.status, deployed.text).toBe(201);
  }
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const tasks = async (query: string) => {
  const listed = await api.get<TaskView[]>(`/api/tasks?businessKey=HELD-API-1${query}`, TOKENS.director);
  expect(listed.status, listed.text).toBe(200);
  return listed.body;
};

describe('GET /api/tasks: a task whose instance failed in its other branch', () => {
  it('is listed with held naming the instance and its incident, left out by held=false, and actionable again after the retry', async () => {
    const started = await api.post<{ id: string }>('/api/processes/held-approval/instances', TOKENS.erp, { businessKey: 'HELD-API-1' });
    expect(started.status, started.text).toBe(201);
    const [open] = await tasks('');
    expect(open.held).toBeNull();
    const fetched = await api.post<{ id: string }[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'held-approval-check', businessKey: 'HELD-API-1', workerId: 'w', max: 1 });
    const failed = await api.post(`/api/jobs/${encodeURIComponent(fetched.body[0].id)}/failure`, TOKENS.erp, { message: 'price list unreachable', retries: 0, workerId: 'w' });
    expect(failed.status, failed.text).toBe(200);
    const { body: { items: [incident] } } = await api.get<{ items: IncidentView[] }>('/api/incidents?businessKey=HELD-API-1', TOKENS.operations);

    const held = { reason: 'instance-failed', instanceId: started.body.id, incidentId: incident.id };
    expect((await tasks('')).map((task) => task.held)).toEqual([held]);
    expect((await api.get<TaskView>(`/api/tasks/${encodeURIComponent(open.id)}`, TOKENS.director)).body.held).toEqual(held);
    expect(await tasks('&held=false')).toEqual([]);
    expect((await tasks('&held=true')).map((task) => task.id)).toEqual([open.id]);
    expect((await api.get('/api/tasks?held=maybe', TOKENS.director)).status).toBe(400);
    const refused = await api.post(`/api/tasks/${encodeURIComponent(open.id)}/complete`, TOKENS.director, {});
    expect(refused.status, refused.text).toBe(409);
    // Assign to me moves nothing, so it is taken on hold (as Camunda claims despite an incident); the decision waits
    const claimed = await api.post<TaskView>(`/api/tasks/${encodeURIComponent(open.id)}/claim`, TOKENS.director, undefined);
    expect(claimed.status, claimed.text).toBe(200);
    expect(claimed.body).toMatchObject({ claimedBy: 'dirk', held });
    expect((await api.post(`/api/tasks/${encodeURIComponent(open.id)}/complete`, TOKENS.director, {})).status).toBe(409);

    expect((await api.post(`/api/incidents/${incident.id}/retry`, TOKENS.operations, {})).status).toBe(200);
    expect((await tasks('&held=false')).map((task) => [task.id, task.held, task.claimedBy])).toEqual([[open.id, null, 'dirk']]);
    expect((await api.post(`/api/tasks/${encodeURIComponent(open.id)}/complete`, TOKENS.director, {})).status).toBe(200);
  });
});
