// What the task list asks of the API: who am I, my tasks across my groups, a
// poll that costs a 304 while nothing changed, and each task with its form,
// its declared variables, its documentation and the order it decides on.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskView } from '../../engine/api.js';
import { TOKENS, type ApiClient } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

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
    expect(me.body).toEqual({ name: 'dirk', groups: ['sales-director'] });
    expect((await api.get('/api/me', 'not-a-token')).status).toBe(401);
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
