// Camunda 7's task routes (/engine-rest/task…): an approver working approvals through a Camunda 7 tasklist or client
// gets the same controls as on /api/tasks — only the offered group sees and decides a task, a person claims only for
// themselves and never over someone else's claim, four eyes holds, undeclared and protected variables and a rejection
// without its comment are refused, and the refusals are kept in the order's history with `via: "camunda7"`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, InstanceView, TaskView } from '../../../engine/api.js';
import { problemOf, TEST_USERS, TOKENS, type ApiClient, type ApiResponse } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

/** in both approval groups: decides the director's step, then four eyes keeps them from the vice-president's */
const SAM = 'test-c7-user-tasks-both-groups-token';
/** a second sales director beside dirk */
const DANA = 'test-c7-user-tasks-second-director-token';

let server: TestServer;
let api: ApiClient;
let orderCount = 0;

beforeAll(async () => {
  const dataDir = makeDataDir();
  const users = [
    ...TEST_USERS.users,
    { name: 'sam', token: SAM, groups: ['sales-director', 'vice-president'] },
    { name: 'dana', token: DANA, groups: ['sales-director'] },
  ];
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users }));
  server = await startTestServer({ dataDir });
  api = server.api;
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

interface TaskDto {
  id: string;
  name: string | null;
  assignee: string | null;
  created: string;
  due: null;
  priority: number;
  processDefinitionId: string;
  processInstanceId: string;
  taskDefinitionKey: string;
  suspended: boolean;
  tenantId: null;
}

/** A credit order of 1,200,000: it waits for the sales director's approval, then the vice-president's review. */
async function directorTask(): Promise<TaskView> {
  const orderNo = `C7UT-${++orderCount}`;
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Lager AG' }, amount: 1_200_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
  const [task] = await tasksOf(orderNo);
  expect(task.candidateGroups).toEqual(['sales-director']);
  return task;
}

async function tasksOf(orderNo: string): Promise<TaskView[]> {
  return (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
}

const path = (task: TaskView, action = '') => `/engine-rest/task/${encodeURIComponent(task.id)}${action && `/${action}`}`;
const list = (token: string, query: string) => api.get<TaskDto[]>(`/engine-rest/task?${query}`, token);
const count = (token: string, query: string) => api.get<{ count: number }>(`/engine-rest/task/count?${query}`, token);
const complete = (task: TaskView, token: string, variables: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  api.post(path(task, 'complete'), token, { variables, ...extra });
const claim = (task: TaskView, token: string, userId: string) => api.post(path(task, 'claim'), token, { userId });
const openTask = (task: TaskView) => api.get<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}`, TOKENS.erp);
const approved = (value: boolean) => ({ approved: { value, type: 'Boolean' } });

async function refusedHistory(task: TaskView): Promise<HistoryEntry[]> {
  const instance = (await api.get<InstanceView>(`/api/instances/${encodeURIComponent(task.instanceId)}`, TOKENS.erp)).body;
  return instance.history.filter((entry) => entry.event === 'task.refused');
}

const kept = async (task: TaskView) => (await refusedHistory(task)).map((entry) => [entry.actor, entry.via, entry.data?.reason]);

/** Camunda 7's error as its clients read it: the status, and the detail as `message`. */
function camunda7Error(response: ApiResponse<unknown>, status: number): Record<string, unknown> {
  expect(response.status, response.text).toBe(status);
  const problem = problemOf(response);
  expect(problem.message).toBe(problem.detail);
  return problem;
}

describe('GET /engine-rest/task and /engine-rest/task/count', () => {
  it('lists the director\'s task to the sales directors as a Camunda 7 TaskDto, to nobody else', async () => {
    const task = await directorTask();
    const mine = await list(TOKENS.director, `processInstanceBusinessKey=${task.businessKey}`);
    expect(mine.status, mine.text).toBe(200);
    expect(mine.contentType).toBe('application/json');
    expect(mine.body).toEqual([expect.objectContaining({
      id: task.id, name: task.name, assignee: null, due: null, followUp: null, delegationState: null, owner: null, parentTaskId: null,
      priority: 50, processDefinitionId: 'credit-order-approval:1', processInstanceId: task.instanceId,
      taskDefinitionKey: 'UserTask_ApproveBySalesDirector', suspended: false, tenantId: null,
      created: task.createdAt.replace(/Z$/, '+0000'),
    })]);
    for (const token of [TOKENS.vp, TOKENS.erp, TOKENS.operations]) {
      expect((await list(token, `processInstanceBusinessKey=${task.businessKey}`)).body).toEqual([]);
      expect((await count(token, `processInstanceBusinessKey=${task.businessKey}`)).body).toEqual({ count: 0 });
    }
    expect((await count(TOKENS.director, `processInstanceBusinessKey=${task.businessKey}`)).body).toEqual({ count: 1 });
  });

  it('filters by the process of the task\'s own instance, the element, the instance, the group and the assignee', async () => {
    const task = await directorTask();
    const key = `processInstanceBusinessKey=${task.businessKey}`;
    const ids = async (query: string) => (await list(TOKENS.director, `${key}&${query}`)).body.map((dto) => dto.id);
    expect(await ids('processDefinitionKey=credit-order-approval')).toEqual([task.id]);
    // the order's root process is not the task's own
    expect(await ids('processDefinitionKey=order-to-cash')).toEqual([]);
    expect(await ids('taskDefinitionKey=UserTask_ApproveBySalesDirector')).toEqual([task.id]);
    expect(await ids('taskDefinitionKey=UserTask_ReviewByVicePresident')).toEqual([]);
    expect(await ids(`processInstanceId=${encodeURIComponent(task.instanceId)}&candidateGroup=sales-director`)).toEqual([task.id]);
    expect(await ids('candidateGroup=vice-president')).toEqual([]);
    expect(await ids('candidateUser=dirk&sortBy=created&sortOrder=asc')).toEqual([task.id]);
    expect(await ids('assignee=dirk')).toEqual([]);
    expect((await claim(task, TOKENS.director, 'dirk')).status).toBe(204);
    expect(await ids('assignee=dirk')).toEqual([task.id]);
    expect((await count(TOKENS.director, `${key}&assignee=dirk&processDefinitionKey=credit-order-approval`)).body).toEqual({ count: 1 });
    // once dirk holds it, it leaves the other directors' lists, whatever they filter by
    expect((await list(DANA, key)).body).toEqual([]);
    expect((await list(DANA, `${key}&assignee=dirk`)).body).toEqual([]);
  });

  it('pages by firstResult and maxResults, oldest first', async () => {
    await directorTask();
    await directorTask();
    const all = (await list(TOKENS.director, 'maxResults=1000')).body.map((dto) => dto.id);
    expect(all.length).toBeGreaterThanOrEqual(2);
    expect((await list(TOKENS.director, 'maxResults=1')).body.map((dto) => dto.id)).toEqual(all.slice(0, 1));
    expect((await list(TOKENS.director, 'firstResult=1&maxResults=1')).body.map((dto) => dto.id)).toEqual(all.slice(1, 2));
    expect((await list(TOKENS.director, `firstResult=${all.length}`)).body).toEqual([]);
    expect((await count(TOKENS.director, '')).body).toEqual({ count: all.length });
  });

  it('refuses a filter or sort it does not honour with 400 naming it, and another person\'s candidate list with 403', async () => {
    for (const [query, named] of [
      ['priority=50', 'priority'], ['dueBefore=2026-12-01T00:00:00.000%2B0000', 'dueBefore'], ['includeAssignedTasks=true', 'includeAssignedTasks'],
      ['sortBy=priority&sortOrder=asc', 'sortBy'], ['sortBy=created&sortOrder=desc', 'sortOrder'], ['sortBy=created', 'sortOrder'], ['maxResults=1001', 'maxResults'],
    ]) {
      const refused = camunda7Error(await list(TOKENS.director, query), 400);
      expect(JSON.stringify(refused.errors), query).toContain(named);
    }
    camunda7Error(await count(TOKENS.director, 'tenantIdIn=a'), 400);
    expect(JSON.stringify(camunda7Error(await list(TOKENS.vp, 'candidateUser=dirk'), 403).errors)).toMatch(/candidateUser/);
    camunda7Error(await count(TOKENS.vp, 'candidateUser=dirk'), 403);
  });
});

describe('Camunda 7\'s assignment filters: candidateGroup, candidateUser, includeAssignedTasks, assigned, unassigned', () => {
  /**
   * The tasks a list answers for `filter` (one page of up to 1,000) on GET /engine-rest/task, which POST
   * /engine-rest/task answers alike for the filter as a TaskQueryDto body, and both counts count.
   */
  /** Camunda 7's task filters, as query parameters or a TaskQueryDto body (null: absent). */
  type Filter = Record<string, string | boolean | null>;

  async function listed(token: string, filter: Filter): Promise<TaskDto[]> {
    const query = new URLSearchParams(Object.entries(filter).flatMap(([field, value]) => (value === null ? [] : [[field, String(value)]]))).toString();
    const got = await list(token, `${query}&maxResults=1000`);
    expect(got.status, got.text).toBe(200);
    const posted = await api.post<TaskDto[]>('/engine-rest/task?maxResults=1000', token, filter);
    expect(posted.status, posted.text).toBe(200);
    expect(posted.body, `POST ${JSON.stringify(filter)}`).toEqual(got.body);
    for (const counted of [await count(token, query), await api.post('/engine-rest/task/count', token, filter)]) {
      expect(counted.status, counted.text).toBe(200);
      expect(counted.body, JSON.stringify(filter)).toEqual({ count: got.body.length });
    }
    return got.body;
  }
  const ids = async (token: string, filter: Filter) => (await listed(token, filter)).map((dto) => dto.id);

  /** Two director's tasks: dirk claims the first. */
  async function heldAndFree(): Promise<{ held: TaskView; free: TaskView }> {
    const held = await directorTask();
    const free = await directorTask();
    expect((await claim(held, TOKENS.director, 'dirk')).status).toBe(204);
    return { held, free };
  }

  it('lists a task of the group someone claimed under candidateGroup and candidateUser only with includeAssignedTasks=true, as Camunda 7', async () => {
    const { held, free } = await heldAndFree();
    const candidates: Filter[] = [{ candidateGroup: 'sales-director' }, { candidateUser: 'dirk' }];
    for (const candidate of candidates) {
      const only = await ids(TOKENS.director, candidate);
      expect(only, JSON.stringify(candidate)).toContain(free.id);
      expect(only, JSON.stringify(candidate)).not.toContain(held.id);
      expect(await ids(TOKENS.director, { ...candidate, includeAssignedTasks: false })).toEqual(only);
      const all = await listed(TOKENS.director, { ...candidate, includeAssignedTasks: true });
      expect(all.map((dto) => dto.id), JSON.stringify(candidate)).toEqual(expect.arrayContaining([held.id, free.id]));
      expect(all.find((dto) => dto.id === held.id)?.assignee).toBe('dirk');
    }
  });

  it('keeps to the tasks someone holds with assigned=true and to those nobody holds with unassigned=true; false filters nothing', async () => {
    const { held, free } = await heldAndFree();
    const assigned = await listed(TOKENS.director, { assigned: true });
    expect(assigned.map((dto) => dto.id)).toContain(held.id);
    expect(assigned.map((dto) => dto.id)).not.toContain(free.id);
    expect(assigned.every((dto) => dto.assignee !== null)).toBe(true);
    const unassigned = await listed(TOKENS.director, { unassigned: true });
    expect(unassigned.map((dto) => dto.id)).toContain(free.id);
    expect(unassigned.map((dto) => dto.id)).not.toContain(held.id);
    expect(unassigned.every((dto) => dto.assignee === null)).toBe(true);
    const all = await ids(TOKENS.director, {});
    expect(all).toEqual(expect.arrayContaining([held.id, free.id]));
    expect(await ids(TOKENS.director, { assigned: false })).toEqual(all);
    expect(await ids(TOKENS.director, { unassigned: false })).toEqual(all);
    // together they are the list, each task once
    expect([...assigned, ...unassigned].map((dto) => dto.id).sort()).toEqual([...all].sort());
    // what Camunda 7 asks of both at once finds nothing there either
    expect(await ids(TOKENS.director, { assigned: true, unassigned: true })).toEqual([]);
    expect(await ids(TOKENS.director, { candidateGroup: 'sales-director', assigned: true })).toEqual([]);
    const heldOfGroup = await ids(TOKENS.director, { candidateGroup: 'sales-director', includeAssignedTasks: true, assigned: true });
    expect(heldOfGroup).toContain(held.id);
    expect(heldOfGroup).not.toContain(free.id);
    expect(await ids(TOKENS.director, { assignee: 'dirk', unassigned: true })).toEqual([]);
  });

  it('counts the diagram\'s assignee as holding a task offered to the group: in its candidate list only with includeAssignedTasks', async () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_c7_assigned" targetNamespace="http://example.com">
  <bpmn:process id="c7-assigned-to-dana" name="Assigned to dana" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="dana" candidateGroups="sales-director" /></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
    const deployed = await api.request('POST', '/api/deployments?name=c7-assigned-to-dana.bpmn&note=assigned', { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    expect(deployed.status, deployed.text).toBe(201);
    const started = await api.post('/api/processes/c7-assigned-to-dana/instances', TOKENS.erp, { businessKey: 'C7UT-ASSIGNED', variables: {} });
    expect(started.status, started.text).toBe(201);
    const [task] = await tasksOf('C7UT-ASSIGNED');
    expect(task).toMatchObject({ assignee: 'dana', claimedBy: null, candidateGroups: ['sales-director'] });
    const order = { processInstanceBusinessKey: 'C7UT-ASSIGNED' };
    // dirk, a candidate of the group: the task is dana's, so not among the group's unassigned ones
    expect(await ids(TOKENS.director, { ...order, candidateGroup: 'sales-director' })).toEqual([]);
    expect(await ids(TOKENS.director, { ...order, candidateUser: 'dirk' })).toEqual([]);
    expect(await ids(TOKENS.director, { ...order, candidateGroup: 'sales-director', includeAssignedTasks: true })).toEqual([task.id]);
    expect(await ids(TOKENS.director, { ...order, assigned: true })).toEqual([task.id]);
    expect(await ids(TOKENS.director, { ...order, unassigned: true })).toEqual([]);
    expect((await listed(DANA, { ...order, assigned: true, assignee: 'dana' }))).toEqual([expect.objectContaining({ id: task.id, assignee: 'dana' })]);
  });

  it('shows through includeAssignedTasks or assigned no task outside the caller\'s own list: not another\'s claim, not another group\'s', async () => {
    const { held, free } = await heldAndFree();
    // dana, a sales director too: dirk's claim is not hers to see, whatever she asks
    const hers: Filter[] = [
      { candidateGroup: 'sales-director', includeAssignedTasks: true }, { candidateUser: 'dana', includeAssignedTasks: true },
      { assigned: true }, { assigned: true, assignee: 'dirk' }, { candidateGroup: 'sales-director', includeAssignedTasks: true, assignee: 'dirk' },
    ];
    for (const filter of hers) {
      expect(await ids(DANA, filter), JSON.stringify(filter)).not.toContain(held.id);
    }
    expect(await ids(DANA, { candidateGroup: 'sales-director', includeAssignedTasks: true })).toContain(free.id);
    // vera is in no group the tasks are offered to
    const veras: Filter[] = [
      { candidateGroup: 'sales-director', includeAssignedTasks: true }, { candidateUser: 'vera', includeAssignedTasks: true, processInstanceBusinessKey: held.businessKey },
      { assigned: true, processInstanceBusinessKey: held.businessKey }, { unassigned: true, processInstanceBusinessKey: free.businessKey },
    ];
    for (const filter of veras) {
      expect(await ids(TOKENS.vp, filter), JSON.stringify(filter)).toEqual([]);
    }
    // and nobody reads dirk's candidate list, with his claims or without
    for (const refused of [
      await list(TOKENS.vp, 'candidateUser=dirk&includeAssignedTasks=true'), await count(TOKENS.vp, 'candidateUser=dirk&includeAssignedTasks=true'),
      await api.post('/engine-rest/task', TOKENS.vp, { candidateUser: 'dirk', includeAssignedTasks: true }),
      await api.post('/engine-rest/task/count', DANA, { candidateUser: 'dirk', includeAssignedTasks: true }),
    ]) {
      expect(JSON.stringify(camunda7Error(refused, 403).errors)).toMatch(/candidateUser/);
    }
  });

  it('refuses includeAssignedTasks=true without a candidate filter, as Camunda 7 does, and a value that is no boolean: 400 naming the field', async () => {
    /** The one field a 400 names, and why. */
    const refusedField = (response: ApiResponse<unknown>) => {
      const [error, ...more] = camunda7Error(response, 400).errors as { field: string; message: string }[];
      expect(more).toEqual([]);
      return `${error.field} ${error.message}`;
    };
    for (const query of ['includeAssignedTasks=true', 'includeAssignedTasks=true&assignee=dirk', 'includeAssignedTasks=true&assigned=true']) {
      expect(refusedField(await list(TOKENS.director, query)), query).toBe('query.includeAssignedTasks is only taken beside candidateGroup or candidateUser');
      expect(refusedField(await count(TOKENS.director, query)), query).toBe('query.includeAssignedTasks is only taken beside candidateGroup or candidateUser');
    }
    for (const refused of [await api.post('/engine-rest/task', TOKENS.director, { includeAssignedTasks: true }), await api.post('/engine-rest/task/count', TOKENS.director, { includeAssignedTasks: true, candidateGroup: null })]) {
      expect(refusedField(refused)).toBe('/includeAssignedTasks is only taken beside candidateGroup or candidateUser');
    }
    for (const [query, named] of [['assigned=yes', 'query.assigned'], ['unassigned=2', 'query.unassigned'], ['candidateGroup=sales-director&includeAssignedTasks=maybe', 'query.includeAssignedTasks']]) {
      expect(JSON.stringify(camunda7Error(await list(TOKENS.director, query), 400).errors), query).toContain(named);
      expect(JSON.stringify(camunda7Error(await count(TOKENS.director, query), 400).errors), query).toContain(named);
    }
    for (const [body, named] of [[{ assigned: 'true' }, '/assigned'], [{ unassigned: 1 }, '/unassigned'], [{ priority: 50 }, '/priority'], [{ sorting: [{ sortBy: 'priority', sortOrder: 'asc' }] }, '/sorting/0/sortBy'], [{ firstResult: 1 }, '/firstResult']] as const) {
      expect(JSON.stringify(camunda7Error(await api.post('/engine-rest/task', TOKENS.director, body), 400).errors), JSON.stringify(body)).toContain(named);
      expect(JSON.stringify(camunda7Error(await api.post('/engine-rest/task/count', TOKENS.director, body), 400).errors), JSON.stringify(body)).toContain(named);
    }
    // the POST's query holds the page alone, as Camunda 7's
    expect(JSON.stringify(camunda7Error(await api.post('/engine-rest/task?candidateGroup=sales-director', TOKENS.director, {}), 400).errors)).toContain('query.candidateGroup');
    expect(JSON.stringify(camunda7Error(await api.post('/engine-rest/task?maxResults=1001', TOKENS.director, {}), 400).errors)).toContain('query.maxResults');
    // false widens nothing, so Camunda 7 takes it alone
    expect((await list(TOKENS.director, 'includeAssignedTasks=false')).status).toBe(200);
  });
});

describe('POST /engine-rest/task and /engine-rest/task/count', () => {
  it('answer a TaskQueryDto body as the GETs answer its query: null fields absent, the sort as `sorting`, the page in the query', async () => {
    const first = await directorTask();
    const second = await directorTask();
    const key = { processInstanceBusinessKey: second.businessKey };
    const bare = await api.post<TaskDto[]>('/engine-rest/task', TOKENS.director, { ...key, candidateGroup: 'sales-director', assignee: null, includeAssignedTasks: null, sorting: [{ sortBy: 'created', sortOrder: 'asc' }] });
    expect(bare.status, bare.text).toBe(200);
    expect(bare.contentType).toBe('application/json');
    expect(bare.body).toEqual((await list(TOKENS.director, `processInstanceBusinessKey=${second.businessKey}&candidateGroup=sales-director`)).body);
    expect(bare.body.map((dto) => dto.id)).toEqual([second.id]);
    // no body: no filter, the caller's whole list (a page of it), as the GET without parameters
    const everything = await api.request('POST', '/engine-rest/task?maxResults=1000', { token: TOKENS.director });
    expect(everything.status, everything.text).toBe(200);
    expect((everything.body as TaskDto[]).map((dto) => dto.id)).toEqual((await list(TOKENS.director, 'maxResults=1000')).body.map((dto) => dto.id));
    expect((await api.request('POST', '/engine-rest/task/count', { token: TOKENS.director })).body).toEqual((await count(TOKENS.director, '')).body);
    const page = (query: string) => api.post<TaskDto[]>(`/engine-rest/task?${query}`, TOKENS.director, { candidateGroup: 'sales-director' });
    const all = (await list(TOKENS.director, 'candidateGroup=sales-director&maxResults=1000')).body.map((dto) => dto.id);
    expect(all).toEqual(expect.arrayContaining([first.id, second.id]));
    expect((await page('firstResult=1&maxResults=1')).body.map((dto) => dto.id)).toEqual(all.slice(1, 2));
    expect((await page(`firstResult=${all.length}`)).body).toEqual([]);
    // the list of someone else's group is as empty as on the GET
    expect((await api.post<TaskDto[]>('/engine-rest/task', TOKENS.vp, key)).body).toEqual([]);
    expect((await api.post('/engine-rest/task/count', TOKENS.vp, key)).body).toEqual({ count: 0 });
  });
});

describe('GET /engine-rest/task/{id}', () => {
  it('answers the task to a sales director, and 404 in Camunda 7\'s error shape to anyone it is not offered to', async () => {
    const task = await directorTask();
    const read = await api.get<TaskDto>(path(task), TOKENS.director);
    expect(read.status, read.text).toBe(200);
    expect(read.body).toMatchObject({ id: task.id, taskDefinitionKey: 'UserTask_ApproveBySalesDirector', processInstanceId: task.instanceId });
    camunda7Error(await api.get(path(task), TOKENS.vp), 404);
    camunda7Error(await api.get('/engine-rest/task/no-such-task', TOKENS.director), 404);
    // held by dirk: no longer dana's to read
    expect((await claim(task, TOKENS.director, 'dirk')).status).toBe(204);
    camunda7Error(await api.get(path(task), DANA), 404);
    expect((await api.get<TaskDto>(path(task), TOKENS.director)).body.assignee).toBe('dirk');
  });
});

describe('POST /engine-rest/task/{id}/claim, /assignee and /unclaim', () => {
  it('claims the task for the caller, refuses it to another director (409), and gives it back (204)', async () => {
    const task = await directorTask();
    expect((await claim(task, TOKENS.director, 'dirk')).status).toBe(204);
    expect((await openTask(task)).body.claimedBy).toBe('dirk');
    expect((await claim(task, TOKENS.director, 'dirk')).status).toBe(204);
    const taken = camunda7Error(await claim(task, DANA, 'dana'), 409);
    expect(taken).toMatchObject({ type: 'https://stratum.dev/problems/task-claimed', assignee: 'dirk' });
    camunda7Error(await api.post(path(task, 'assignee'), DANA, { userId: 'dana' }), 409);
    camunda7Error(await api.post(path(task, 'unclaim'), DANA), 403);
    expect((await api.post(path(task, 'unclaim'), TOKENS.director)).status).toBe(204);
    expect((await openTask(task)).body.claimedBy).toBeNull();
    expect((await api.post(path(task, 'assignee'), DANA, { userId: 'dana' })).status).toBe(204);
    expect((await openTask(task)).body.claimedBy).toBe('dana');
    expect(await kept(task)).toEqual([['dana', 'camunda7', 'task-claimed'], ['dana', 'camunda7', 'task-claimed'], ['dana', 'camunda7', 'not-offered']]);
  });

  it('refuses to claim or assign the task for someone else (403 assign-to-other), kept in the order\'s history', async () => {
    const task = await directorTask();
    for (const action of ['claim', 'assignee']) {
      const refused = camunda7Error(await api.post(path(task, action), TOKENS.director, { userId: 'dana' }), 403);
      expect(refused).toMatchObject({ reason: 'assign-to-other' });
    }
    expect((await openTask(task)).body.claimedBy).toBeNull();
    expect((await refusedHistory(task)).map((entry) => [entry.actor, entry.via, entry.data?.reason, entry.data?.attempted])).toEqual([
      ['dirk', 'camunda7', 'assign-to-other', 'camunda7ClaimTask'], ['dirk', 'camunda7', 'assign-to-other', 'camunda7SetAssignee'],
    ]);
    camunda7Error(await api.post('/engine-rest/task/no-such-task/claim', TOKENS.director, { userId: 'dana' }), 404);
  });

  it('refuses the vice-president the director\'s task (403 not-offered), kept with via camunda7', async () => {
    const task = await directorTask();
    expect(camunda7Error(await claim(task, TOKENS.vp, 'vera'), 403)).toMatchObject({ reason: 'not-offered' });
    expect((await openTask(task)).body.claimedBy).toBeNull();
    expect(await kept(task)).toEqual([['vera', 'camunda7', 'not-offered']]);
  });
});

describe('POST /engine-rest/task/{id}/complete', () => {
  it('completes the task for a member of the offered group (204) and moves the order to the vice-president\'s review', async () => {
    const task = await directorTask();
    const done = await complete(task, TOKENS.director, approved(true));
    expect(done.status, done.text).toBe(204);
    expect((await openTask(task)).status).toBe(404);
    const [review] = await tasksOf(task.businessKey!);
    expect(review.candidateGroups).toEqual(['vice-president']);
    const read = await list(TOKENS.vp, `processInstanceBusinessKey=${task.businessKey}`);
    expect(read.body.map((dto) => dto.taskDefinitionKey)).toEqual(['UserTask_ReviewByVicePresident']);
  });

  it('answers the instance\'s variables, typed, with withVariablesInReturn', async () => {
    const task = await directorTask();
    const done = await complete(task, TOKENS.director, approved(true), { withVariablesInReturn: true });
    expect(done.status, done.text).toBe(200);
    expect(done.contentType).toBe('application/json');
    const instance = (await api.get<InstanceView>(`/api/instances/${encodeURIComponent(task.instanceId)}`, TOKENS.erp)).body;
    const typed = done.body as Record<string, { value: unknown; type: string }>;
    expect(Object.keys(typed).sort()).toEqual(Object.keys(instance.variables).sort());
    for (const [name, value] of Object.entries(instance.variables)) {
      expect(typed[name].value, name).toEqual(value !== null && typeof value === 'object' ? JSON.stringify(value) : value);
    }
    expect(Object.values(typed).map((variable) => variable.type)).toContain('Boolean');
  });

  it('refuses the vice-president the director\'s task (403 not-offered), kept as task.refused via camunda7', async () => {
    const task = await directorTask();
    expect(camunda7Error(await complete(task, TOKENS.vp, approved(true)), 403)).toMatchObject({ reason: 'not-offered' });
    expect((await openTask(task)).status).toBe(200);
    expect(await kept(task)).toEqual([['vera', 'camunda7', 'not-offered']]);
  });

  it('refuses a completion of a task someone else claimed (403), kept', async () => {
    const task = await directorTask();
    expect((await claim(task, TOKENS.director, 'dirk')).status).toBe(204);
    expect(camunda7Error(await complete(task, DANA, approved(true)), 403)).toMatchObject({ reason: 'not-offered', claimedBy: 'dirk' });
    expect((await openTask(task)).status).toBe(200);
    expect(await kept(task)).toEqual([['dana', 'camunda7', 'not-offered']]);
    expect((await complete(task, TOKENS.director, approved(true))).status).toBe(204);
  });

  it('refuses with four eyes the decider of the director\'s step at the vice-president\'s review, as on /api', async () => {
    const task = await directorTask();
    expect((await complete(task, SAM, approved(true))).status).toBe(204);
    const [review] = await tasksOf(task.businessKey!);
    expect(camunda7Error(await complete(review, SAM, approved(true)), 403)).toMatchObject({ reason: 'four-eyes-other-task' });
    expect(camunda7Error(await claim(review, SAM, 'sam'), 403)).toMatchObject({ reason: 'four-eyes-other-task' });
    expect((await openTask(review)).status).toBe(200);
    expect(await kept(review)).toEqual([['sam', 'camunda7', 'four-eyes-other-task'], ['sam', 'camunda7', 'four-eyes-other-task']]);
  });

  it('refuses an undeclared variable and an order field (400, kept), and keeps the task open', async () => {
    const task = await directorTask();
    const undeclared = camunda7Error(await complete(task, TOKENS.director, { ...approved(true), discount: { value: 5, type: 'Integer' } }), 400);
    expect(JSON.stringify(undeclared.errors)).toMatch(/discount/);
    const orderField = camunda7Error(await complete(task, TOKENS.director, { ...approved(true), amount: { value: 1, type: 'Integer' } }), 400);
    expect(JSON.stringify(orderField.errors)).toMatch(/amount/);
    // a value its type refuses is refused before the runtime, and kept all the same
    camunda7Error(await complete(task, TOKENS.director, { ...approved(true), amount: { value: 1.5, type: 'Integer' } }), 400);
    expect((await openTask(task)).status).toBe(200);
    expect(await kept(task)).toEqual([
      ['dirk', 'camunda7', 'variable-refused'], ['dirk', 'camunda7', 'variable-refused'], ['dirk', 'camunda7', 'variable-refused'],
    ]);
    const [entered] = (await api.get<InstanceView>(`/api/instances/${encodeURIComponent(task.instanceId)}`, TOKENS.erp)).body.history
      .filter((entry) => entry.event === 'task.completed');
    expect(entered).toBeUndefined();
  });

  it('refuses a rejection without the comment that says why, and takes it with one', async () => {
    const task = await directorTask();
    const bare = camunda7Error(await complete(task, TOKENS.director, approved(false)), 400);
    expect(JSON.stringify(bare)).toMatch(/comment/);
    expect((await openTask(task)).status).toBe(200);
    const rejected = await complete(task, TOKENS.director, { ...approved(false), comment: { value: 'margin too thin', type: 'String' } });
    expect(rejected.status, rejected.text).toBe(204);
    expect(await tasksOf(task.businessKey!)).toEqual([]);
  });
});
