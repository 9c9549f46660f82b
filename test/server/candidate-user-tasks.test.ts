// A task offered to people by name (Camunda 7 camunda:candidateUsers, Camunda 8 zeebe:assignmentDefinition
// candidateUsers) is in their own task list (GET /api/tasks?mine=true) beside their groups' tasks, and in nobody
// else's; once one of them claims it, the others' lists leave it out. The list pages it like any other task.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../engine/api.js';
import { TEST_USERS, TOKENS, type ApiClient, type ApiResponse } from './support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

/** bo is in no task group: what the task list shows him is only what is offered to him by name */
const BO = 'test-candidate-user-bo-token';
/** assigned-review: Check is the owner's; Approve is offered to bo and vera (TOKENS.vp) */
const ASSIGNED = readFileSync(new URL('../fixtures/engine/assigned-review.bpmn', import.meta.url), 'utf8');

let server: TestServer;
let api: ApiClient;
let count = 0;

beforeAll(async () => {
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users: [...TEST_USERS.users, { name: 'bo', token: BO, groups: [] }] }));
  server = await startTestServer({ dataDir });
  api = server.api;
  const deployed = await api.request('POST', '/api/deployments?name=assigned-review.bpmn&note=candidate%20users', {
    token: TOKENS.designer, body: ASSIGNED, headers: { 'content-type': 'application/xml' },
  });
  expect(deployed.status, deployed.text).toBe(201);
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

/** A review whose Check dirk has done: its Approve task, offered to bo and vera, is open. */
async function approvalOffered(): Promise<TaskView> {
  const businessKey = `OFFER-${++count}`;
  const started = await api.post('/api/processes/assigned-review/instances', TOKENS.erp, { businessKey, variables: { owner: 'dirk' } });
  expect(started.status, started.text).toBe(201);
  const [check] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}`, TOKENS.erp)).body;
  expect((await api.post(`/api/tasks/${encodeURIComponent(check.id)}/complete`, TOKENS.director, { variables: { checked: true } })).status).toBe(200);
  const [approve] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}`, TOKENS.erp)).body;
  expect(approve).toMatchObject({ elementId: 'Approve', candidateUsers: ['bo', 'vera'], candidateGroups: [] });
  return approve;
}

const mine = async (token: string) => (await api.get<TaskView[]>('/api/tasks?mine=true&limit=1000', token)).body.map((task) => task.id);

describe('GET /api/tasks?mine=true and tasks offered by name', () => {
  it('lists a task offered to bo and vera in both their lists and in nobody else\'s; a claim by vera takes it out of bo\'s', async () => {
    const task = await approvalOffered();
    expect(await mine(BO)).toContain(task.id);
    expect(await mine(TOKENS.vp)).toContain(task.id);
    for (const token of [TOKENS.director, TOKENS.procurement, TOKENS.nobody]) expect(await mine(token)).not.toContain(task.id);
    // a group filter narrows to that group's tasks: a task offered by name is in none
    expect((await api.get<TaskView[]>('/api/tasks?mine=true&candidateGroup=vice-president', TOKENS.vp)).body.map((one) => one.id)).not.toContain(task.id);

    const claimed = await api.post<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}/claim`, TOKENS.vp, undefined);
    expect(claimed.status, claimed.text).toBe(200);
    expect(await mine(TOKENS.vp)).toContain(task.id);
    expect(await mine(BO)).not.toContain(task.id);
  });

  it('pages the tasks offered by name and those of the caller\'s groups together, oldest first, through the Link header', async () => {
    const first = await approvalOffered();
    const orderNo = `OFFER-VP-${++count}`;
    const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Lager AG' }, amount: 100_000, currency: 'EUR', paymentTerms: 'credit' });
    expect(entered.status, entered.text).toBe(201); // 824,500 CNY: a vice-president task
    const second = await approvalOffered();
    const all = await mine(TOKENS.vp);
    const [groupTask] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
    expect(all.filter((id) => [first.id, groupTask.id, second.id].includes(id))).toEqual([first.id, groupTask.id, second.id]);

    const seen: string[] = [];
    let next: string | undefined = '/api/tasks?mine=true&limit=1';
    while (next) {
      const { body, headers }: ApiResponse<TaskView[]> = await api.get<TaskView[]>(next, TOKENS.vp);
      expect(body.length).toBeLessThanOrEqual(1);
      seen.push(...body.map((task) => task.id));
      next = /^<([^>]+)>; rel="next"$/.exec(headers.get('link') ?? '')?.[1];
    }
    expect(seen).toEqual(all);
    // bo pages his own: only what is offered to him
    const bo = await api.get<TaskView[]>('/api/tasks?mine=true&limit=1', BO);
    expect(bo.headers.get('link')).toMatch(/rel="next"/);
  });
});
