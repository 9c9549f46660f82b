// Business rule: an auditor (the operations group) reads the refused attempts of every order in one list,
// GET /api/audit/refused: every refused task completion, job completion, message, change and cancel the histories keep,
// newest first, filtered by event, user, reason, order and time, a page at a time with nothing lost or repeated.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobView, RefusedAttemptView, TaskView } from '../../../engine/api.js';
import { problemOf, TEST_USERS, TOKENS, type ApiResponse } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { anyText, textMatching } from '../../support/matchers.js';
import { freshSchema, schemaUrl } from '../../support/postgres.js';

interface RefusedPage {
  items: RefusedAttemptView[];
  limit: number;
  next: string | null;
}

/** May see both approvals of a large order, must not decide both (four eyes). */
const BOTH = 'test-both-approvals-token';
const WORKER = 'audit-worker';

let server: TestServer;
const api = () => server.api;
/** Every refused attempt this file made, as the list must give them (newest first). */
let all: RefusedAttemptView[];

beforeAll(async () => {
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users: [...TEST_USERS.users, { name: 'bo', token: BOTH, groups: ['sales-director', 'vice-president'] }] }));
  // STRATUM_TEST_STORE=postgres runs the same cases on PostgreSQL
  const schema = process.env.STRATUM_TEST_STORE === 'postgres' ? await freshSchema() : undefined;
  server = await startTestServer({ dataDir, ...(schema && { databaseUrl: schemaUrl(schema) }) });
  await makeRefusals();
  all = await readAll('');
}, 60_000);
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

describe('GET /api/audit/refused lists the refused attempts of every order', () => {
  it('lists each kind of refusal of every order once, newest first, with its order, process, route and what was kept', () => {
    expect(all.map(({ event, actor, businessKey, data }) => [event, actor, businessKey, data!.reason]).sort()).toEqual([
      ['cancel.refused', 'erp', 'AUD-CANCELLED', 'instance-ended'],
      ['change.refused', 'erp', 'AUD-SHIPPED', 'order-shipped'],
      ['job.refused', 'erp', 'AUD-CHANGED', 'order-change-open'],
      ['message.refused', 'erp', 'AUD-CHANGED', 'engine-message'],
      ['task.refused', 'bo', 'AUD-LARGE', 'four-eyes-other-task'],
      ['task.refused', 'dirk', 'AUD-LARGE', 'not-offered'],
    ]);
    const positions = all.map((item) => [item.at, item.seq] as const);
    expect([...positions].sort(([at, seq], [otherAt, otherSeq]) => otherAt.localeCompare(at) || seq - otherSeq)).toEqual(positions);
    const fourEyes = all.find((item) => item.data!.reason === 'four-eyes-other-task')!;
    expect(fourEyes).toMatchObject({
      processKey: 'credit-order-approval', processVersion: 1, via: 'api', elementType: 'bpmn:UserTask', waitId: anyText(),
      // named as its version names it, beside the id
      elementId: 'UserTask_ReviewByVicePresident', elementName: 'Review order (vice-president)',
      data: { reason: 'four-eyes-other-task', refusal: textMatching(/four eyes/), variables: { approved: true } },
    });
    expect(all.find((item) => item.event === 'job.refused')).toMatchObject({
      // the job of a called instance is listed under its order
      processKey: 'sales-order-management', processVersion: 1, via: 'api', elementId: 'ServiceTask_PlanProcurement', elementName: 'Plan procurement',
      data: { attempted: 'complete', workerId: WORKER, reason: 'order-change-open' },
    });
    expect(all.find((item) => item.event === 'message.refused')).toMatchObject({
      processKey: 'order-to-cash', elementId: null, elementName: null, waitId: null, data: { name: 'OrderChanged', businessKey: 'AUD-CHANGED', refusal: anyText() },
    });
  });

  it('is the same entry the order\'s own history keeps', async () => {
    const order = (await api().get<{ history: { event: string; at: string; data: unknown }[] }>('/api/orders/AUD-SHIPPED', TOKENS.erp)).body;
    const [kept] = order.history.filter((entry) => entry.event === 'change.refused');
    expect(all.find((item) => item.event === 'change.refused')).toMatchObject({ at: kept.at, data: kept.data });
  });

  it.each([
    ['event=task.refused', (item: RefusedAttemptView) => item.event === 'task.refused'],
    ['event=cancel.refused', (item: RefusedAttemptView) => item.event === 'cancel.refused'],
    ['actor=dirk', (item: RefusedAttemptView) => item.actor === 'dirk'],
    ['actor=erp', (item: RefusedAttemptView) => item.actor === 'erp'],
    ['reason=four-eyes-other-task', (item: RefusedAttemptView) => item.data!.reason === 'four-eyes-other-task'],
    ['businessKey=AUD-CHANGED', (item: RefusedAttemptView) => item.businessKey === 'AUD-CHANGED'],
    ['businessKey=AUD-CHANGED&event=job.refused', (item: RefusedAttemptView) => item.businessKey === 'AUD-CHANGED' && item.event === 'job.refused'],
    ['actor=nobody-at-all', () => false],
  ])('filters by %s', async (filter, keeps) => {
    const expected = all.filter(keeps);
    expect(await readAll(filter)).toEqual(expected);
    if (filter !== 'actor=nobody-at-all') expect(expected.length).toBeGreaterThan(0);
  });

  it('bounds the time: since at or after an instant, until before it', async () => {
    const middle = all[Math.floor(all.length / 2)].at;
    const since = await readAll(`since=${encodeURIComponent(middle)}`);
    const until = await readAll(`until=${encodeURIComponent(middle)}`);
    expect(since).toEqual(all.filter((item) => item.at >= middle));
    expect(until).toEqual(all.filter((item) => item.at < middle));
    expect([...since, ...until]).toEqual(all);
    // another zone names the same instant
    const zoned = new Date(Date.parse(middle)).toISOString().replace('Z', '+00:00');
    expect(await readAll(`since=${encodeURIComponent(zoned)}`)).toEqual(since);
  });

  it.each([1, 2, 4])('pages through with limit=%i: every entry once, in order, by next and by the Link header alike', async (limit) => {
    const byNext = await readAll(`limit=${limit}`, limit);
    expect(byNext).toEqual(all);
    const first = await list(`limit=${limit}`);
    expect(first.status).toBe(200);
    const link = /^<([^>]+)>; rel="next"$/.exec(first.headers.get('link') ?? '');
    expect(link).not.toBeNull();
    const second = await api().get<RefusedPage>(link![1], TOKENS.operations);
    expect(second.body.items).toEqual(all.slice(limit, 2 * limit));
  });

  it('answers the last page with next null and no Link', async () => {
    const page = await list(`limit=${all.length}`);
    expect(page.body).toEqual({ items: all, limit: all.length, next: null });
    expect(page.headers.get('link')).toBeNull();
  });
});

describe('who may read it', () => {
  it.each([
    ['an approver', TOKENS.director],
    ['the integration', TOKENS.erp],
    ['a designer', TOKENS.designer],
  ])('refuses %s with 403', async (_who, token) => {
    const response = await api().get('/api/audit/refused', token);
    expect(response.status).toBe(403);
    expect(problemOf(response).status).toBe(403);
  });

  it('refuses a request without a token with 401', async () => {
    expect((await api().get('/api/audit/refused')).status).toBe(401);
  });
});

describe('a filter it cannot read is refused with a problem', () => {
  it.each([
    ['an event that is not a refusal', 'event=task.completed', 'query.event'],
    ['an unknown parameter', 'user=dirk', 'query.user'],
    ['a time without a zone', 'since=2026-12-07T08:00:00', 'query.since'],
    // RFC 3339 has them, the stores do not: once a 422 from the store
    ['a leap second', 'until=2026-12-31T23:59:60Z', 'query.until'],
    ['a time written in lower case', 'since=2026-12-07t08:00:00z', 'query.since'],
    ['a page too large', 'limit=201', 'query.limit'],
    ['a page of none', 'limit=0', 'query.limit'],
    ['a cursor the server did not hand out', 'after=nonsense', 'query.after'],
    ['another list\'s cursor', `after=${Buffer.from(JSON.stringify(['2026-12-07T08:00:00.000Z', 'SO-1'])).toString('base64url')}`, 'query.after'],
  ])('%s: 400', async (_what, query, field) => {
    const response = await list(query);
    expect(response.status, response.text).toBe(400);
    expect(JSON.stringify(problemOf(response).errors ?? [])).toContain(field);
  });
});

// helpers

function list(query: string): Promise<ApiResponse<RefusedPage>> {
  return api().get<RefusedPage>(`/api/audit/refused${query ? `?${query}` : ''}`, TOKENS.operations);
}

/** Every page of a filter, following `next`; checks each page's size on the way. */
async function readAll(filter: string, limit?: number): Promise<RefusedAttemptView[]> {
  const items: RefusedAttemptView[] = [];
  let after: string | null = null;
  for (let pages = 0; pages < 100; pages++) {
    const query = [filter, after === null ? '' : `after=${after}`].filter(Boolean).join('&');
    const response = await list(query);
    expect(response.status, response.text).toBe(200);
    if (limit !== undefined) expect(response.body.items.length).toBeLessThanOrEqual(limit);
    items.push(...response.body.items);
    after = response.body.next;
    if (after === null) return items;
  }
  throw new Error('more than 100 pages');
}

/** Refusals of each kind on several orders, as the controls answer them. */
async function makeRefusals(): Promise<void> {
  // four eyes: bo decides the director's approval of a large order, then tries the vice-president's; dirk is not offered it
  await enterOrder('AUD-LARGE', 3_000_000);
  await expectStatus(completeTask(await openTask('AUD-LARGE', 'sales-director'), BOTH, { approved: true }), 200);
  const review = await openTask('AUD-LARGE', 'vice-president');
  await expectStatus(completeTask(review, BOTH, { approved: true }), 403);
  await expectStatus(completeTask(review, TOKENS.director, { approved: true }), 403);
  // a job completion held by a change opened after the worker locked it, and a forged OrderChanged on the same order
  await enterOrder('AUD-CHANGED');
  const job = await lockJob('procurement-planning', 'AUD-CHANGED');
  await expectStatus(api().post('/api/orders/AUD-CHANGED/changes', TOKENS.erp, { description: 'two more pallets', changeId: 'aud-1' }), 201);
  await expectStatus(api().post(`/api/jobs/${encodeURIComponent(job)}/complete`, TOKENS.erp, { variables: {}, workerId: WORKER }), 409);
  await expectStatus(api().post('/api/messages', TOKENS.erp, { name: 'OrderChanged', businessKey: 'AUD-CHANGED', variables: { change: { changeId: 'forged' } } }), 403);
  // a change of a shipped order
  await enterOrder('AUD-SHIPPED');
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    await expectStatus(api().post(`/api/jobs/${encodeURIComponent(await lockJob(type, 'AUD-SHIPPED'))}/complete`, TOKENS.erp, { variables: {}, workerId: WORKER }), 200);
  }
  await expectStatus(api().post('/api/orders/AUD-SHIPPED/changes', TOKENS.erp, { description: 'too late' }), 409);
  // a cancel of an order that has ended
  await enterOrder('AUD-CANCELLED');
  await expectStatus(api().post('/api/orders/AUD-CANCELLED/cancel', TOKENS.erp, { reason: 'customer withdrew' }), 200);
  await expectStatus(api().post('/api/orders/AUD-CANCELLED/cancel', TOKENS.erp, { reason: 'once more' }), 409);
}

async function expectStatus(response: Promise<ApiResponse>, status: number): Promise<void> {
  const answer = await response;
  expect(answer.status, answer.text).toBe(status);
}

async function enterOrder(orderNo: string, amount = 80_000): Promise<void> {
  await expectStatus(api().post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Druckerei Weiss' }, amount, currency: 'CNY', paymentTerms: 'credit' }), 201);
}

async function openTask(businessKey: string, group: string): Promise<string> {
  const tasks = (await api().get<TaskView[]>(`/api/tasks?businessKey=${businessKey}&candidateGroup=${group}`, TOKENS.erp)).body;
  expect(tasks, `one open ${group} task of ${businessKey}`).toHaveLength(1);
  return tasks[0].id;
}

function completeTask(taskId: string, token: string, variables: Record<string, unknown>): Promise<ApiResponse> {
  return api().post(`/api/tasks/${encodeURIComponent(taskId)}/complete`, token, { variables });
}

async function lockJob(type: string, businessKey: string): Promise<string> {
  const fetched = await api().post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId: WORKER, max: 1, businessKey, lockMs: 60_000 });
  expect(fetched.body, `a ${type} job of ${businessKey}`).toHaveLength(1);
  return fetched.body[0].id;
}
