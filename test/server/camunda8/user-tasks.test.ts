// Camunda 8's user task routes (/v2/user-tasks/…): an approver working approvals through a Camunda 8 client gets
// the same controls as on /api/tasks — only the offered group decides, four eyes holds, undeclared and protected
// variables and a rejection without its comment are refused, and the refusals are kept in the order's history with
// `via: "camunda8"`. A person assigns a task only to themselves, and a search lists only what the caller may see.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type UserTaskKey } from '@camunda8/orchestration-cluster-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, InstanceView, TaskView } from '../../../engine/api.js';
import { camunda8Client } from '../support/camunda8-client.js';
import { problemOf, TEST_USERS, TOKENS, type ApiClient } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

/** in both approval groups: decides the director's step, then four eyes keeps them from the vice-president's */
const SAM = 'test-c8-user-tasks-both-groups-token';
/** a second sales director beside dirk */
const DANA = 'test-c8-user-tasks-second-director-token';

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

/** A credit order over 1,000,000: sales-director approval, then vice-president review. */
async function directorTask(): Promise<TaskView> {
  const orderNo = `C8UT-${++orderCount}`;
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Lager AG' }, amount: 1_500_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
  const [task] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
  expect(task.candidateGroups).toEqual(['sales-director']);
  return task;
}

const key = (task: TaskView) => encodeURIComponent(task.id);
const complete = (task: TaskView, token: string, body: unknown) => api.post(`/v2/user-tasks/${key(task)}/completion`, token, body);
const assign = (task: TaskView, token: string, body: unknown) => api.post(`/v2/user-tasks/${key(task)}/assignment`, token, body);
const openTask = async (task: TaskView) => (await api.get<TaskView>(`/api/tasks/${key(task)}`, TOKENS.erp));

async function refusedHistory(task: TaskView): Promise<HistoryEntry[]> {
  const instance = (await api.get<InstanceView>(`/api/instances/${encodeURIComponent(task.instanceId)}`, TOKENS.erp)).body;
  return instance.history.filter((entry) => entry.event === 'task.refused');
}

interface SearchResult {
  items: { userTaskKey: string; elementId: string; processInstanceKey: string; state: string; candidateGroups: string[]; assignee?: string }[];
  page: { totalItems: number; hasMoreTotalItems: boolean; endCursor?: string };
}
const search = (token: string, body: unknown) => api.post<SearchResult>('/v2/user-tasks/search', token, body);

describe('POST /v2/user-tasks/{userTaskKey}/completion', () => {
  it('completes the task for a member of the offered group (204) and moves the order to the next approval', async () => {
    const task = await directorTask();
    const done = await complete(task, TOKENS.director, { variables: { approved: true } });
    expect(done.status, done.text).toBe(204);
    expect((await openTask(task)).status).toBe(404);
    const [review] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${task.businessKey}`, TOKENS.erp)).body;
    expect(review.candidateGroups).toEqual(['vice-president']);
  });

  it('refuses another group with 403 not-offered, kept as task.refused via camunda8', async () => {
    const task = await directorTask();
    const refused = await complete(task, TOKENS.vp, { variables: { approved: true } });
    expect(refused.status).toBe(403);
    expect(problemOf(refused)).toMatchObject({ reason: 'not-offered' });
    expect((await openTask(task)).status).toBe(200);
    expect((await refusedHistory(task)).map((entry) => [entry.actor, entry.via, entry.data?.reason])).toEqual([['vera', 'camunda8', 'not-offered']]);
  });

  it('refuses with four eyes the decider of the director\'s step at the vice-president\'s review, as on /api', async () => {
    const task = await directorTask();
    expect((await complete(task, SAM, { variables: { approved: true } })).status).toBe(204);
    const [review] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${task.businessKey}`, TOKENS.erp)).body;
    const refused = await complete(review, SAM, { variables: { approved: true } });
    expect(refused.status).toBe(403);
    expect(problemOf(refused)).toMatchObject({ reason: 'four-eyes-other-task' });
    expect((await openTask(review)).status).toBe(200);
    expect((await refusedHistory(review)).map((entry) => [entry.actor, entry.via, entry.data?.reason])).toEqual([['sam', 'camunda8', 'four-eyes-other-task']]);
  });

  it('refuses an undeclared variable (422) and an order field (400, kept), and keeps the task open', async () => {
    const task = await directorTask();
    const undeclared = await complete(task, TOKENS.director, { variables: { approved: true, discount: 5 } });
    expect(undeclared.status).toBe(422);
    const orderField = await complete(task, TOKENS.director, { variables: { approved: true, amount: 1 } });
    expect(orderField.status).toBe(400);
    expect((await openTask(task)).status).toBe(200);
    // both kept with what was sent: the undeclared one by the runtime, the order field by the server's schema refusal
    const kept = await refusedHistory(task);
    expect(kept.map((entry) => [entry.actor, entry.via, entry.data?.reason, entry.data?.variables])).toEqual([
      ['dirk', 'camunda8', 'variable-refused', { approved: true, discount: 5 }],
      ['dirk', 'camunda8', 'variable-refused', { approved: true, amount: 1 }],
    ]);
  });

  it('refuses a rejection without the comment that says why, and takes it with one', async () => {
    const task = await directorTask();
    const bare = await complete(task, TOKENS.director, { variables: { approved: false } });
    expect(bare.status).toBe(422);
    expect(JSON.stringify(problemOf(bare))).toMatch(/comment/);
    expect((await openTask(task)).status).toBe(200);
    expect((await complete(task, TOKENS.director, { variables: { approved: false, comment: 'margin too thin' } })).status).toBe(204);
  });
});

describe('POST /v2/user-tasks/{userTaskKey}/assignment and DELETE …/assignee', () => {
  it('assigns the task to the caller, refuses it to another holder (409), and unassigns it (204)', async () => {
    const task = await directorTask();
    const taken = await assign(task, TOKENS.director, { assignee: 'dirk', allowOverride: false });
    expect(taken.status, taken.text).toBe(204);
    expect((await openTask(task)).body.claimedBy).toBe('dirk');
    expect((await assign(task, DANA, { assignee: 'dana', allowOverride: false })).status).toBe(409);
    expect((await assign(task, DANA, { assignee: 'dana' })).status).toBe(409);
    expect((await api.request('DELETE', `/v2/user-tasks/${key(task)}/assignee`, { token: DANA })).status).toBe(403);
    expect((await api.request('DELETE', `/v2/user-tasks/${key(task)}/assignee`, { token: TOKENS.director })).status).toBe(204);
    expect((await openTask(task)).body.claimedBy).toBeNull();
  });

  it('refuses to hand the task to someone else (403 assign-to-other), kept in the order\'s history', async () => {
    const task = await directorTask();
    const refused = await assign(task, TOKENS.director, { assignee: 'dana' });
    expect(refused.status).toBe(403);
    expect(problemOf(refused)).toMatchObject({ reason: 'assign-to-other' });
    expect((await openTask(task)).body.claimedBy).toBeNull();
    expect((await refusedHistory(task)).map((entry) => [entry.actor, entry.via, entry.data?.reason, entry.data?.attempted]))
      .toEqual([['dirk', 'camunda8', 'assign-to-other', 'camunda8AssignUserTask']]);
    expect((await api.post('/v2/user-tasks/no-such-task/assignment', TOKENS.director, { assignee: 'dana' })).status).toBe(404);
  });
});

describe('POST /v2/user-tasks/search', () => {
  it('lists only the tasks offered to the caller\'s groups or held by them, in Camunda\'s shape', async () => {
    const task = await directorTask();
    const mine = (await search(TOKENS.director, { filter: { processInstanceKey: task.instanceId } })).body;
    expect(mine.items).toEqual([expect.objectContaining({ userTaskKey: task.id, elementId: task.elementId, processInstanceKey: task.instanceId, state: 'CREATED', candidateGroups: ['sales-director'] })]);
    expect(mine.page).toEqual({ totalItems: 1, hasMoreTotalItems: false });
    expect((await search(TOKENS.vp, { filter: { processInstanceKey: task.instanceId } })).body.items).toEqual([]);
    expect((await search(TOKENS.erp, {})).body.items).toEqual([]);
    // a claim takes it out of the other directors' search
    expect((await assign(task, TOKENS.director, { assignee: 'dirk' })).status).toBe(204);
    expect((await search(DANA, { filter: { processInstanceKey: task.instanceId } })).body.items).toEqual([]);
    expect((await search(TOKENS.director, { filter: { assignee: 'dirk', elementId: task.elementId } })).body.items.map((item) => item.userTaskKey)).toContain(task.id);
    expect((await search(TOKENS.director, { filter: { state: 'COMPLETED' } })).body.items).toEqual([]);
  });

  it('pages by limit and after with every match counted in totalItems, and refuses an unknown filter field with 400 rather than ignoring it', async () => {
    await directorTask();
    await directorTask();
    await directorTask();
    // every task of the director's list, counted whatever the page (as Camunda's totalItems)
    const all = (await search(TOKENS.director, { page: { limit: 1000 } })).body;
    expect(all.page).toEqual({ totalItems: all.items.length, hasMoreTotalItems: false });
    expect(all.items.length).toBeGreaterThanOrEqual(3);
    const first = (await search(TOKENS.director, { page: { limit: 1 } })).body;
    expect(first.items).toHaveLength(1);
    expect(first.page).toMatchObject({ totalItems: all.items.length, hasMoreTotalItems: true });
    const second = (await search(TOKENS.director, { page: { limit: 1, after: first.page.endCursor } })).body;
    expect(second.items).toHaveLength(1);
    expect(second.items[0].userTaskKey).not.toBe(first.items[0].userTaskKey);
    expect(second.page.totalItems).toBe(all.items.length);
    expect((await search(TOKENS.director, { page: { from: 2, limit: 1 } })).body.page.totalItems).toBe(all.items.length);
    // within a filter: that instance's one task
    expect((await search(TOKENS.director, { filter: { processInstanceKey: second.items[0].processInstanceKey }, page: { limit: 1 } })).body.page.totalItems).toBe(1);
    // by offset, the same second task
    expect((await search(TOKENS.director, { page: { from: 1, limit: 1 } })).body.items.map((item) => item.userTaskKey)).toEqual([second.items[0].userTaskKey]);
    expect((await search(TOKENS.director, { filter: { priority: 50 } })).status).toBe(400);
    expect((await search(TOKENS.director, { page: { from: 1, after: first.page.endCursor } })).status).toBe(400);
    expect((await search(TOKENS.director, { page: { after: 'bm90LWEtY3Vyc29y' } })).status).toBe(400);
  });
});

describe('POST /v2/user-tasks/search with Camunda 8.8\'s candidateUser and advanced filters', () => {
  /** The keys a search found, every one of them (one page of up to 1000), after checking its count says as many. */
  const keys = async (token: string, filter: unknown): Promise<string[]> => {
    const found = await search(token, { filter, page: { limit: 1000 } });
    expect(found.status, found.text).toBe(200);
    expect(found.body.page.totalItems, JSON.stringify(filter)).toBe(found.body.items.length);
    return found.body.items.map((item) => item.userTaskKey);
  };
  /** Every page of a search, `limit` at a time by `after`: the keys, and each page's totalItems. */
  const paged = async (token: string, filter: unknown, limit: number) => {
    const pages: string[][] = [];
    const totals: number[] = [];
    let after: string | undefined;
    for (let n = 0; n < 100; n++) {
      const { body } = await search(token, { filter, page: { limit, ...(after && { after }) } });
      pages.push(body.items.map((item) => item.userTaskKey));
      totals.push(body.page.totalItems);
      if (!body.page.hasMoreTotalItems) break;
      after = body.page.endCursor;
    }
    return { keys: pages.flat(), totals, pages: pages.length };
  };
  /** The one field a 400 names, and why, from an application/problem+json answer. */
  const refusedField = (response: Awaited<ReturnType<typeof search>>) => {
    expect(response.status, response.text).toBe(400);
    const [error, ...more] = problemOf(response).errors as { field: string; message: string }[];
    expect(more).toEqual([]);
    return `${error.field} ${error.message}`;
  };

  /** A task offered to dirk by name and to the vice-president group: in dirk's list and in vera's. */
  async function offeredToDirk(): Promise<TaskView> {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Definitions_c8_offered" targetNamespace="http://example.com">
  <bpmn:process id="c8-offered-to-dirk" name="Offered to dirk" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>F1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Check" />
    <bpmn:userTask id="Check" name="Check">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateUsers="dirk" candidateGroups="vice-president" /></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Check" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>F2</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
    const deployed = await api.request('POST', '/api/deployments?name=c8-offered-to-dirk.bpmn&note=offered', { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    // deployed once: 201, then the same bytes again are a no-op (200)
    expect([200, 201], deployed.text).toContain(deployed.status);
    const businessKey = `C8UT-OFFERED-${++orderCount}`;
    const started = await api.post('/api/processes/c8-offered-to-dirk/instances', TOKENS.erp, { businessKey, variables: {} });
    expect(started.status, started.text).toBe(201);
    const [task] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}`, TOKENS.erp)).body;
    expect(task).toMatchObject({ candidateUsers: ['dirk'], candidateGroups: ['vice-president'], claimedBy: null });
    return task;
  }

  it('finds the tasks nobody holds with assignee {$exists: false} and those someone holds with {$exists: true}, each page counting every match', async () => {
    const [held, free, other] = [await directorTask(), await directorTask(), await directorTask()];
    expect((await assign(held, TOKENS.director, { assignee: 'dirk' })).status).toBe(204);
    const unassigned = await keys(TOKENS.director, { assignee: { $exists: false } });
    expect(unassigned).toEqual(expect.arrayContaining([free.id, other.id]));
    expect(unassigned).not.toContain(held.id);
    const assigned = await keys(TOKENS.director, { assignee: { $exists: true } });
    expect(assigned).toContain(held.id);
    expect(assigned).not.toContain(free.id);
    expect([...unassigned, ...assigned].sort()).toEqual((await keys(TOKENS.director, {})).sort());
    // several operators on one field all hold
    expect(await keys(TOKENS.director, { assignee: { $eq: 'dirk', $exists: true } })).toEqual(await keys(TOKENS.director, { assignee: 'dirk' }));
    expect(await keys(TOKENS.director, { assignee: { $eq: 'dirk', $exists: false } })).toEqual([]);
    // page by page, by cursor and by offset: every page's totalItems is the number of tasks all the pages hold
    const pages = await paged(TOKENS.director, { assignee: { $exists: false } }, 2);
    expect(pages.pages).toBeGreaterThan(1);
    expect(pages.keys).toEqual(unassigned);
    expect(new Set(pages.totals)).toEqual(new Set([unassigned.length]));
    const byOffset = (await search(TOKENS.director, { filter: { assignee: { $exists: false } }, page: { from: 1, limit: 1 } })).body;
    expect(byOffset.items.map((item) => item.userTaskKey)).toEqual([unassigned[1]]);
    expect(byOffset.page.totalItems).toBe(unassigned.length);
    // dana, a sales director too: dirk's claim is not in her list, held or not; the free ones are
    expect(await keys(DANA, { assignee: { $exists: true } })).not.toContain(held.id);
    expect(await keys(DANA, { assignee: { $exists: false } })).toEqual(expect.arrayContaining([free.id, other.id]));
    expect(await keys(DANA, { assignee: { $exists: false } })).not.toContain(held.id);
    expect(await keys(TOKENS.vp, { assignee: { $exists: false }, processInstanceKey: free.instanceId })).toEqual([]);
  });

  it('answers each filter\'s {$eq: value} as the plain value', async () => {
    const task = await directorTask();
    expect((await assign(task, TOKENS.director, { assignee: 'dirk' })).status).toBe(204);
    await directorTask();
    const offered = await offeredToDirk();
    const same: [string, unknown][] = [
      ['assignee', 'dirk'], ['candidateGroup', 'sales-director'], ['candidateGroup', 'vice-president'], ['candidateUser', 'dirk'], ['state', 'CREATED'], ['tenantId', '<default>'],
    ];
    for (const [field, value] of same) {
      const plain = await keys(TOKENS.director, { [field]: value });
      expect(await keys(TOKENS.director, { [field]: { $eq: value } }), `${field} ${String(value)}`).toEqual(plain);
    }
    expect(await keys(TOKENS.director, { assignee: { $eq: 'dirk' } })).toContain(task.id);
    expect(await keys(TOKENS.director, { candidateUser: { $eq: 'dirk' } })).toContain(offered.id);
    expect(await keys(TOKENS.director, { state: { $eq: 'COMPLETED' } })).toEqual([]);
    expect(await keys(TOKENS.director, { state: { $in: ['CREATED', 'COMPLETED'] } })).toEqual(await keys(TOKENS.director, {}));
    expect(await keys(TOKENS.director, { state: { $in: ['COMPLETED', 'CANCELED'] } })).toEqual([]);
    expect(await keys(TOKENS.director, { tenantId: { $in: ['<default>'] } })).toEqual(await keys(TOKENS.director, {}));
  });

  it('finds the tasks of any of the caller\'s own groups with candidateGroup {$in: […]}, never another group\'s', async () => {
    const director = await directorTask();
    const review = await offeredToDirk();
    const both = { candidateGroup: { $in: ['sales-director', 'vice-president'] } };
    // sam is in both groups
    expect(await keys(SAM, both)).toEqual(expect.arrayContaining([director.id, review.id]));
    expect(await keys(SAM, { candidateGroup: { $in: ['vice-president'] } })).toContain(review.id);
    expect(await keys(SAM, { candidateGroup: { $in: ['vice-president'] } })).not.toContain(director.id);
    expect((await keys(SAM, both)).sort()).toEqual([...await keys(SAM, { candidateGroup: 'sales-director' }), ...await keys(SAM, { candidateGroup: 'vice-president' })].sort());
    // dirk only in sales-director: vice-president is not his group, though the review is offered to him by name
    expect(await keys(TOKENS.director, both)).toEqual(await keys(TOKENS.director, { candidateGroup: 'sales-director' }));
    expect(await keys(TOKENS.director, both)).not.toContain(review.id);
    expect(await keys(TOKENS.vp, { candidateGroup: { $in: ['sales-director', 'procurement'] } })).toEqual([]);
    expect(await keys(TOKENS.nobody, { candidateGroup: { $in: ['sales-director', 'vice-president', 'inspection'] } })).toEqual([]);
    // the same group asked for twice ways: both hold
    expect(await keys(SAM, { candidateGroup: { $eq: 'vice-president', $in: ['sales-director'] } })).toEqual([]);
    // paged, every page counting every match
    const all = await keys(SAM, both);
    const pages = await paged(SAM, both, 1);
    expect(pages.keys).toEqual(all);
    expect(new Set(pages.totals)).toEqual(new Set([all.length]));
  });

  it('finds what is offered to the caller by name with candidateUser, their own name only: anyone else\'s is 403 naming the field', async () => {
    const director = await directorTask();
    const offered = await offeredToDirk();
    const dirks = await keys(TOKENS.director, { candidateUser: 'dirk' });
    expect(dirks).toContain(offered.id);
    // offered to his group, not to him by name
    expect(dirks).not.toContain(director.id);
    // vera sees the task through her group, but it is not offered to her by name
    expect(await keys(TOKENS.vp, { processInstanceKey: offered.instanceId })).toEqual([offered.id]);
    expect(await keys(TOKENS.vp, { candidateUser: 'vera', processInstanceKey: offered.instanceId })).toEqual([]);
    // nobody reads dirk's candidate list, whatever the form or the other filters
    for (const [token, candidateUser] of [[TOKENS.vp, 'dirk'], [TOKENS.vp, { $eq: 'dirk' }], [DANA, 'dirk'], [SAM, { $eq: 'dirk' }], [TOKENS.nobody, 'dirk']] as const) {
      for (const filter of [{ candidateUser }, { candidateUser, state: 'COMPLETED' }, { candidateUser, processInstanceKey: offered.instanceId }]) {
        const refused = await search(token, { filter });
        expect(refused.status, JSON.stringify(filter)).toBe(403);
        expect((problemOf(refused).errors as { field: string }[]).map((error) => error.field)).toEqual(['/filter/candidateUser']);
        expect(refused.text).not.toContain(offered.id);
      }
    }
    // vera claims it (through her group): out of dirk's list, so out of his candidate search
    expect((await assign(offered, TOKENS.vp, { assignee: 'vera' })).status).toBe(204);
    expect(await keys(TOKENS.director, { candidateUser: 'dirk' })).not.toContain(offered.id);
    expect(await keys(TOKENS.vp, { candidateUser: 'vera', processInstanceKey: offered.instanceId })).toEqual([]);
  });

  it('refuses the operators and fields no index of Stratum\'s answers with 400 naming field and operator, as application/problem+json', async () => {
    const cases: [unknown, string][] = [
      [{ assignee: { $like: 'di*' } }, '/filter/assignee/$like is not allowed'],
      [{ assignee: { $neq: 'dirk' } }, '/filter/assignee/$neq is not allowed'],
      [{ assignee: { $in: ['dirk'] } }, '/filter/assignee/$in is not allowed'],
      [{ candidateGroup: { $notIn: ['vice-president'] } }, '/filter/candidateGroup/$notIn is not allowed'],
      [{ candidateGroup: { $exists: true } }, '/filter/candidateGroup/$exists is not allowed'],
      [{ candidateUser: { $in: ['dirk'] } }, '/filter/candidateUser/$in is not allowed'],
      [{ candidateUser: { $exists: false } }, '/filter/candidateUser/$exists is not allowed'],
      [{ state: { $neq: 'COMPLETED' } }, '/filter/state/$neq is not allowed'],
      [{ tenantId: { $eq: 'other' } }, '/filter/tenantId/$eq must be "<default>"'],
      [{ elementId: { $in: ['Approve'] } }, '/filter/elementId must be string'],
      [{ assignee: { $exists: 'no' } }, '/filter/assignee/$exists must be boolean'],
    ];
    for (const [filter, named] of cases) {
      expect(refusedField(await search(TOKENS.director, { filter })), JSON.stringify(filter)).toBe(named);
    }
  });
});

describe('@camunda8/orchestration-cluster-api against /v2/user-tasks', () => {
  it('finds the director\'s task with searchUserTasks and approves it with completeUserTask', async () => {
    const task = await directorTask();
    const client = camunda8Client(server.url, TOKENS.director);
    const found = await client.searchUserTasks({ filter: { processInstanceKey: task.instanceId } as never }, { consistency: { waitUpToMs: 0 } });
    expect(found.items.map((item) => item.userTaskKey)).toEqual([task.id]);
    await client.assignUserTask({ userTaskKey: task.id as UserTaskKey, assignee: 'dirk' });
    await client.completeUserTask({ userTaskKey: task.id as UserTaskKey, variables: { approved: true } });
    expect((await openTask(task)).status).toBe(404);
    const [review] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${task.businessKey}`, TOKENS.erp)).body;
    expect(review.candidateGroups).toEqual(['vice-president']);
  });

  it('finds the unassigned tasks of the caller\'s groups with Camunda 8.8\'s advanced filters through searchUserTasks', async () => {
    const task = await directorTask();
    const client = camunda8Client(server.url, TOKENS.director);
    const filter = { processInstanceKey: task.instanceId, assignee: { $exists: false }, candidateGroup: { $in: ['sales-director', 'vice-president'] } } as never;
    const found = await client.searchUserTasks({ filter }, { consistency: { waitUpToMs: 0 } });
    expect(found.items.map((item) => item.userTaskKey)).toEqual([task.id]);
    expect(found.page.totalItems).toBe(1);
    await client.assignUserTask({ userTaskKey: task.id as UserTaskKey, assignee: 'dirk' });
    expect((await client.searchUserTasks({ filter }, { consistency: { waitUpToMs: 0 } })).items).toEqual([]);
    const held = await client.searchUserTasks({ filter: { processInstanceKey: task.instanceId, assignee: { $exists: true, $eq: 'dirk' } } as never }, { consistency: { waitUpToMs: 0 } });
    expect(held.items.map((item) => [item.userTaskKey, item.assignee])).toEqual([[task.id, 'dirk']]);
  });
});
