// What the task list asks of the API: who am I, my tasks across my groups, a
// poll that costs a 304 while nothing changed, and each task with its form,
// its declared variables, its documentation and the order it decides on.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../engine/api.js';
import { TEST_USERS, TOKENS, type ApiClient, type ApiResponse } from './support/client.js';
import { makeDataDir, removeDataDir, SERVER_FIXTURES, startTestServer, type TestServer } from './support/real-server.js';

let server: TestServer;
let api: ApiClient;

const order = (orderNo: string, amount: number, currency = 'CNY') =>
  api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Lager AG' }, amount, currency, paymentTerms: 'credit' });

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
  expect((await order('SO-TL-1', 1_500_000)).status).toBe(201); // sales director
  expect((await order('SO-TL-2', 100_000, 'EUR')).status).toBe(201); // 824,500 CNY: vice-president
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

describe('GET /api/me', () => {
  it('names the token\'s user and groups', async () => {
    const me = await api.get('/api/me', TOKENS.director);
    expect(me.status).toBe(200);
    expect(me.body).toEqual({ name: 'dirk', groups: ['sales-director'], roles: [], taskGroups: ['sales-director'] });
    expect((await api.get('/api/me', 'not-a-token')).status).toBe(401);
  });

  it('says which groups are server roles and which may be offered tasks, so no page keeps its own list', async () => {
    expect((await api.get('/api/me', TOKENS.operations)).body).toEqual({ name: 'otto', groups: ['operations'], roles: ['operations'], taskGroups: [] });
    expect((await api.get('/api/me', TOKENS.erp)).body).toEqual({ name: 'erp', groups: ['integration'], roles: ['integration'], taskGroups: [] });
    expect((await api.get('/api/me', TOKENS.nobody)).body).toEqual({ name: 'nobody', groups: [], roles: [], taskGroups: [] });
  });
});

describe('GET /api/tasks?mine=true', () => {
  it('lists only the tasks of the caller\'s groups', async () => {
    const director = await api.get<TaskView[]>('/api/tasks?mine=true', TOKENS.director);
    expect(director.body.map((task) => task.businessKey)).toEqual(['SO-TL-1']);
    const vp = await api.get<TaskView[]>('/api/tasks?mine=true', TOKENS.vp);
    expect(vp.body.map((task) => task.businessKey)).toEqual(['SO-TL-2']);
    expect((await api.get('/api/tasks?mine=true', TOKENS.erp)).body).toEqual([]);
    expect((await api.get('/api/tasks?mine=true&candidateGroup=vice-president', TOKENS.director)).body).toEqual([]);
  });

  it('answers 304 to If-None-Match while the list is unchanged, and a new ETag once a task appears', async () => {
    const first = await api.get('/api/tasks?mine=true', TOKENS.vp);
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
    const unchanged = await api.request('GET', '/api/tasks?mine=true', { token: TOKENS.vp, headers: { 'if-none-match': etag } });
    expect(unchanged.status).toBe(304);
    expect(unchanged.text).toBe('');
    expect((await order('SO-TL-3', 700_000)).status).toBe(201);
    const changed = await api.request('GET', '/api/tasks?mine=true', { token: TOKENS.vp, headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(changed.body).toHaveLength(2);
  });

  // the task list's Group and Order filters (docs/tasklist.md): each is a page set of its own on the server
  it('narrows to one of the caller\'s groups and one whole order number, and keeps both on the next page\'s Link', async () => {
    const keys = async (query: string, token: string = TOKENS.vp) =>
      (await api.get<TaskView[]>(`/api/tasks?mine=true&${query}`, token)).body.map((task) => task.businessKey);
    expect(await keys('candidateGroup=vice-president&businessKey=SO-TL-2')).toEqual(['SO-TL-2']);
    expect(await keys('businessKey=SO-TL-2')).toEqual(['SO-TL-2']);
    // the whole number, not a part of it; and only the caller's tasks
    expect(await keys('businessKey=SO-TL')).toEqual([]);
    expect(await keys('businessKey=SO-TL-2', TOKENS.director)).toEqual([]);

    const first = await api.get<TaskView[]>('/api/tasks?mine=true&candidateGroup=vice-president&limit=1', TOKENS.vp);
    expect(first.body.map((task) => task.businessKey)).toEqual(['SO-TL-2']);
    const next = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '')?.[1];
    expect(next).toMatch(/^\/api\/tasks\?mine=true&candidateGroup=vice-president&limit=1&after=/);
    expect((await api.get<TaskView[]>(next!, TOKENS.vp)).body.map((task) => task.businessKey)).toEqual(['SO-TL-3']);
  });
});

describe('a task as approvers see it', () => {
  it('carries the form of the diagram, the variables it declares, why it exists and the order', async () => {
    const task = (await api.get<TaskView[]>('/api/tasks?businessKey=SO-TL-2', TOKENS.vp)).body[0];
    const form = task.form as { kind: string; schema: { components: { key: string }[] } };
    expect(task.variables).toEqual(['approved', 'comment']);
    expect(task.processName).toBe('Credit order approval');
    expect(task.documentation).toMatch(/^Orders on credit of more than 500,000/);
    expect(form.kind).toBe('embedded');
    expect(form.schema.components.map((component) => component.key)).toEqual(['approved', 'comment']);
    expect(task.order).toMatchObject({ orderNo: 'SO-TL-2', amount: 100_000, currency: 'EUR', reportingCurrency: 'CNY', paymentTerms: 'credit' });
    expect(Number(task.order?.reportingAmount)).toBe(824_500);
    expect((await api.get<TaskView>(`/api/tasks/${task.id}`, TOKENS.vp)).body).toEqual(task);
  });
});

describe('GET /api/tasks?mine=true marks what four eyes would refuse the caller', () => {
  const BOTH = 'test-tasklist-both-approvals-token';
  let own: TestServer;

  beforeAll(async () => {
    const dataDir = makeDataDir();
    const users = [...TEST_USERS.users, { name: 'bo', token: BOTH, groups: ['sales-director', 'vice-president', 'procurement', 'production'] }];
    writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users }));
    own = await startTestServer({ dataDir });
  });
  afterAll(async () => {
    await own.close();
    removeDataDir(own.dataDir);
  });

  const mine = async (token: string) => (await own.api.get<TaskView[]>('/api/tasks?mine=true', token)).body;

  it('marks the review of an order the caller approved as director with the 403 it would get, and nobody else\'s list', async () => {
    expect((await own.api.post('/api/orders', TOKENS.erp, { orderNo: 'SO-4E-1', customer: { name: 'Lager AG' }, amount: 1_500_000, currency: 'CNY', paymentTerms: 'credit' })).status).toBe(201);
    const [approval] = await mine(BOTH);
    expect(approval.fourEyes).toBeUndefined();
    expect((await own.api.post(`/api/tasks/${approval.id}/complete`, BOTH, { variables: { approved: true } })).status).toBe(200);
    const [review] = await mine(BOTH);
    expect(review.elementId).toBe('UserTask_ReviewByVicePresident');
    expect(review.fourEyes).toEqual({
      refused: true, reason: 'four-eyes-other-task',
      detail: 'four eyes: bo already decided "Approve order (sales director)" (credit-order-approval/UserTask_ApproveBySalesDirector) of order SO-4E-1, so another person must decide "Review order (vice-president)"',
      decidedTask: { id: approval.id, instanceId: approval.instanceId, processKey: 'credit-order-approval', elementId: 'UserTask_ApproveBySalesDirector', name: 'Approve order (sales director)' },
    });
    // the mark is the completion's answer, said in advance
    const refused = await own.api.post(`/api/tasks/${review.id}/complete`, BOTH, { variables: { approved: true } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ reason: review.fourEyes!.reason, detail: review.fourEyes!.detail, decidedTask: review.fourEyes!.decidedTask });
    // another vice-president may decide it: no mark
    expect((await mine(TOKENS.vp)).find((task) => task.id === review.id)?.fourEyes).toBeUndefined();
    // a list that is not the caller's own carries none
    expect((await own.api.get<TaskView[]>('/api/tasks?businessKey=SO-4E-1', BOTH)).body[0].fourEyes).toBeUndefined();
  });

  it('marks another department\'s acknowledgement of the same special change', async () => {
    expect((await own.api.post('/api/orders', TOKENS.erp, {
      orderNo: 'SO-4E-2', customer: { name: 'Lager AG' }, amount: 100_000, currency: 'CNY', paymentTerms: 'credit', specialChange: { description: 'blue paint' },
    })).status).toBe(201);
    const acknowledgements = (await mine(BOTH)).filter((task) => task.businessKey === 'SO-4E-2');
    expect(acknowledgements.map((task) => [task.candidateGroups, task.fourEyes])).toEqual([[['procurement'], undefined], [['production'], undefined]]);
    const procurement = acknowledgements.find((task) => task.candidateGroups.includes('procurement'))!;
    expect((await own.api.post(`/api/tasks/${procurement.id}/complete`, BOTH, { variables: { acknowledged: true } })).status).toBe(200);
    const [production] = (await mine(BOTH)).filter((task) => task.businessKey === 'SO-4E-2');
    expect(production.fourEyes).toMatchObject({ refused: true, reason: 'four-eyes-distinct-deciders', decidedTask: { elementId: 'UserTask_AcknowledgeProcurement' } });
  });
});

describe('GET /api/tasks?mine=true pages tasks of several groups', () => {
  const BOTH = 'test-tasklist-two-departments-token';
  /** Check_ﬁ (procurement) and Check_𐐀 (production), opened by one step (test/fixtures/server/twin-checks.bpmn). */
  const TWIN = readFileSync(`${SERVER_FIXTURES}twin-checks.bpmn`, 'utf8');
  let own: TestServer;

  beforeAll(async () => {
    const dataDir = makeDataDir();
    const users = [...TEST_USERS.users, { name: 'mia', token: BOTH, groups: ['procurement', 'production'] }];
    writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users }));
    own = await startTestServer({ dataDir });
    const deployed = await own.api.request('POST', '/api/deployments?name=twin-checks.bpmn&note=twin%20checks', {
      token: TOKENS.designer, body: TWIN, headers: { 'content-type': 'application/xml' },
    });
    expect(deployed.status, deployed.text).toBe(201);
  });
  afterAll(async () => {
    await own.close();
    removeDataDir(own.dataDir);
  });

  it('lists two tasks of one instant offered to two of the caller\'s groups once each, a page at a time, in the order every other list has', async () => {
    expect((await own.api.post('/api/processes/twin-checks/instances', TOKENS.erp, { businessKey: 'TWIN-1' })).status).toBe(201);
    const all = (await own.api.get<TaskView[]>('/api/tasks?businessKey=TWIN-1', TOKENS.erp)).body;
    expect(all.map((task) => task.elementId)).toEqual(['Check_ﬁ', 'Check_𐐀']);
    expect(all[0].createdAt).toBe(all[1].createdAt);

    const paged: string[] = [];
    let next: string | undefined = '/api/tasks?mine=true&businessKey=TWIN-1&limit=1';
    while (next) {
      const page: ApiResponse<TaskView[]> = await own.api.get<TaskView[]>(next, BOTH);
      paged.push(...page.body.map((task) => task.id));
      next = /^<([^>]+)>; rel="next"$/.exec(page.headers.get('link') ?? '')?.[1];
    }
    expect(paged).toEqual(all.map((task) => task.id));
    expect((await own.api.get<TaskView[]>('/api/tasks?mine=true&businessKey=TWIN-1', BOTH)).body.map((task) => task.id)).toEqual(paged);
  });
});
