// Business rule: the order as entered (amount, payment terms …) is never a worker's or an approver's to rewrite, and
// an attempt to rewrite it is visible in the audit trail whatever route it came by. The schema refuses an order field
// on /api and Camunda 8's /v2 before the runtime sees it; on Camunda 7's /engine-rest the runtime refuses it. Either
// way the order's history keeps `job.refused` / `task.refused` with who tried, by which route, what they sent and why
// it was refused (`reason: variable-refused`), and the order stays as entered.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, JobView, OrderView, TaskView } from '../../../engine/api.js';
import { problemOf, TEST_USERS, TOKENS, type ApiResponse } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

let server: TestServer;
let orderCount = 0;
const api = () => server.api;

beforeAll(async () => {
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify(TEST_USERS));
  server = await startTestServer({ dataDir });
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

const ROUTES = ['api', 'camunda7', 'camunda8'] as const;
type Route = (typeof ROUTES)[number];

/** What a worker sends to make a credit order of 80,000 a prepaid one of 1. */
const REWRITE = { amount: 1, paymentTerms: 'prepaid-at-entry', plannedWeek: 48 };

async function enterOrder(amount: number, specialChange?: { description: string }): Promise<string> {
  const orderNo = `RV-${++orderCount}`;
  const response = await api().post('/api/orders', TOKENS.erp, {
    orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount, currency: 'CNY', paymentTerms: 'credit', ...(specialChange && { specialChange }),
  });
  expect(response.status, response.text).toBe(201);
  return orderNo;
}

async function order(orderNo: string): Promise<OrderView> {
  return (await api().get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body;
}

async function refusedEntries(orderNo: string, event: string): Promise<HistoryEntry[]> {
  return (await order(orderNo)).history.filter((entry) => entry.event === event);
}

async function lockJob(orderNo: string): Promise<JobView> {
  const [job] = (await api().post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'w1', businessKey: orderNo })).body;
  expect(job, `a procurement-planning job of ${orderNo}`).toBeDefined();
  return job;
}

function typed(variables: Record<string, unknown>) {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, { value: JSON.stringify(value), type: 'Json' }]));
}

const COMPLETE: Record<Route, (id: string, variables: Record<string, unknown>) => Promise<ApiResponse>> = {
  api: (id, variables) => api().post(`/api/jobs/${id}/complete`, TOKENS.erp, { workerId: 'w1', variables }),
  camunda7: (id, variables) => api().post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'w1', variables: typed(variables) }),
  camunda8: (id, variables) => api().post(`/v2/jobs/${id}/completion`, TOKENS.erp, { variables }),
};

const THROW: Record<Route, (id: string, variables: Record<string, unknown>) => Promise<ApiResponse>> = {
  api: (id, variables) => api().post(`/api/jobs/${id}/bpmn-error`, TOKENS.erp, { workerId: 'w1', errorCode: 'BLOCKED', variables }),
  camunda7: (id, variables) => api().post(`/engine-rest/external-task/${id}/bpmnError`, TOKENS.erp, { workerId: 'w1', errorCode: 'BLOCKED', variables: typed(variables) }),
  camunda8: (id, variables) => api().post(`/v2/jobs/${id}/error`, TOKENS.erp, { errorCode: 'BLOCKED', variables }),
};

describe('an attempt to rewrite the order is kept in its audit trail', () => {
  it.each(ROUTES)('a job completion setting amount and paymentTerms through %s: refused, kept as job.refused, the order unchanged', async (route) => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob(orderNo);
    const refused = await COMPLETE[route](encodeURIComponent(job.id), REWRITE);
    expect(refused.status, refused.text).toBe(route === 'api' ? 422 : 400);

    const [entry, ...more] = await refusedEntries(orderNo, 'job.refused');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: 'erp', via: route, elementId: 'ServiceTask_PlanProcurement',
      data: { reason: 'variable-refused', jobType: 'procurement-planning', variables: REWRITE },
    });
    expect(entry.data!.refusal).toMatch(/amount/);
    expect(entry.data!.refusal).toMatch(/paymentTerms/);

    // nothing moved: the job is still the worker's to complete, and the order is as entered
    const done = await COMPLETE[route](encodeURIComponent(job.id), { plannedWeek: 48 });
    expect(done.status, done.text).toBeLessThan(300);
    const after = await order(orderNo);
    expect(after).toMatchObject({ amount: '80000.00', paymentTerms: 'credit' });
    expect(after.history.filter((item) => item.event === 'job.completed').map((item) => item.data!.variables)).toEqual([{ plannedWeek: 48 }]);
  });

  it.each(ROUTES)('a BPMN error carrying an order field through %s is kept as job.refused', async (route) => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob(orderNo);
    const refused = await THROW[route](encodeURIComponent(job.id), { amount: 1 });
    expect(refused.status, refused.text).toBe(route === 'api' ? 422 : 400);
    const [entry, ...more] = await refusedEntries(orderNo, 'job.refused');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'erp', via: route, data: { reason: 'variable-refused', variables: { amount: 1 } } });
  });

  it('an approver completing a task with an order field: kept as task.refused naming them', async () => {
    const orderNo = await enterOrder(2_000_000);
    const [task] = (await api().get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.director)).body;
    expect(task?.elementId).toBe('UserTask_ApproveBySalesDirector');
    const refused = await api().post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.director, { variables: { approved: true, amount: 400_000 } });
    expect(refused.status, refused.text).toBe(422);
    const [entry, ...more] = await refusedEntries(orderNo, 'task.refused');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({
      actor: 'dirk', via: 'api', elementId: 'UserTask_ApproveBySalesDirector',
      data: { reason: 'variable-refused', attempted: 'completeTask', variables: { approved: true, amount: 400_000 } },
    });
    // not a decision: the director still decides the task
    const done = await api().post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.director, { variables: { approved: true } });
    expect(done.status, done.text).toBe(200);
  });

  it('an approver sending a variable the task does not declare (the decision variable itself): kept as task.refused, a missing decision is not', async () => {
    const orderNo = await enterOrder(2_000_000);
    const [task] = (await api().get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.director)).body;
    const id = encodeURIComponent(task.id);
    const forged = await api().post(`/api/tasks/${id}/complete`, TOKENS.director, { variables: { approved: true, vicePresidentApproved: true } });
    expect(forged.status, forged.text).toBe(422);
    // a completion without its decision is the approver's mistake, refused but not an attempt at anything
    expect((await api().post(`/api/tasks/${id}/complete`, TOKENS.director, { variables: { comment: 'fine' } })).status).toBe(422);
    const [entry, ...more] = await refusedEntries(orderNo, 'task.refused');
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ actor: 'dirk', via: 'api', data: { reason: 'variable-refused', variables: { approved: true, vicePresidentApproved: true } } });
    expect(entry.data!.refusal).toMatch(/does not declare vicePresidentApproved/);
  });

  // Camunda 7's types are read before the runtime sees a name: a value its type refuses was answered 400 and kept nothing
  it('a Camunda 7 order field whose typed value is refused (an Integer that is no whole number, a Json number a double does not hold) is kept as job.refused too', async () => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob(orderNo);
    const id = encodeURIComponent(job.id);
    const asText = { amount: { type: 'Integer', value: '1' }, plannedWeek: { type: 'Integer', value: 48 } };
    const completed = await api().post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'w1', variables: asText });
    expect(completed.status, completed.text).toBe(400);
    const inexact = { amount: { type: 'Json', value: '1000000.00000000001' } };
    const thrown = await api().post(`/engine-rest/external-task/${id}/bpmnError`, TOKENS.erp, { workerId: 'w1', errorCode: 'BLOCKED', variables: inexact });
    expect(thrown.status, thrown.text).toBe(400);

    const entries = await refusedEntries(orderNo, 'job.refused');
    expect(entries.map((entry) => [entry.actor, entry.via, entry.data!.reason, entry.data!.attempted, entry.data!.variables])).toEqual([
      ['erp', 'camunda7', 'variable-refused', 'camunda7Complete', asText],
      ['erp', 'camunda7', 'variable-refused', 'camunda7BpmnError', inexact],
    ]);
    expect(entries[0].data!.refusal).toMatch(/amount: an Integer needs a whole number/);

    // a value its type refuses for a variable of the worker's own is its mistake, not an attempt at the order
    const own = await api().post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'w1', variables: { plannedWeek: { type: 'Integer', value: 'x' } } });
    expect(own.status, own.text).toBe(400);
    expect(await refusedEntries(orderNo, 'job.refused')).toHaveLength(2);
    expect(await order(orderNo)).toMatchObject({ amount: '80000.00', paymentTerms: 'credit' });
  });

  // the JSON reader refuses these before the schema sees a name: such an attempt at the order left no trace
  const WRITTEN: Record<Route, { path: (id: string) => string; inexact: string; repeated: string }> = {
    api: {
      path: (id) => `/api/jobs/${id}/complete`,
      inexact: '{"workerId":"w1","variables":{"amount":1000000.00000000001}}',
      repeated: '{"workerId":"w1","variables":{"amount":1,"amount":2000000}}',
    },
    camunda7: {
      path: (id) => `/engine-rest/external-task/${id}/complete`,
      inexact: '{"workerId":"w1","variables":{"amount":{"value":1000000.00000000001,"type":"Double"}}}',
      repeated: '{"workerId":"w1","variables":{"amount":{"value":1,"type":"Integer"},"amount":{"value":2000000,"type":"Integer"}}}',
    },
    camunda8: {
      path: (id) => `/v2/jobs/${id}/completion`,
      inexact: '{"variables":{"amount":1000000.00000000001}}',
      repeated: '{"variables":{"amount":1,"amount":2000000}}',
    },
  };

  it.each(ROUTES)('an order field written as a number a double does not hold, or written twice, through %s: refused, kept as job.refused', async (route) => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob(orderNo);
    const { path, inexact, repeated } = WRITTEN[route];
    const send = (text: string) => api().request('POST', path(encodeURIComponent(job.id)), { token: TOKENS.erp, body: text, headers: { 'content-type': 'application/json' } });
    const refusedInexact = await send(inexact);
    expect(refusedInexact.status, refusedInexact.text).toBe(route === 'camunda7' ? 400 : 422);
    const refusedRepeated = await send(repeated);
    expect(refusedRepeated.status, refusedRepeated.text).toBe(400);

    const entries = await refusedEntries(orderNo, 'job.refused');
    // what was sent, as JSON.parse reads it: the refusal names what it would have been read as
    expect(entries.map((entry) => [entry.actor, entry.via, entry.data!.reason, entry.data!.variables])).toEqual([
      ['erp', route, 'variable-refused', (JSON.parse(inexact) as { variables: unknown }).variables],
      ['erp', route, 'variable-refused', (JSON.parse(repeated) as { variables: unknown }).variables],
    ]);
    expect(entries[0].data!.refusal).toMatch(/1000000\.00000000001/);
    expect(entries[1].data!.refusal).toMatch(/amount twice/);
    expect(await order(orderNo)).toMatchObject({ amount: '80000.00', paymentTerms: 'credit' });
  });

  it('a message whose payment terms are written twice, on /api and /v2: refused, kept as message.refused', async () => {
    const orderNo = await enterOrder(80_000);
    const bodies = {
      api: `{"name":"PaymentReceived","businessKey":"${orderNo}","variables":{"paymentTerms":"credit","paymentTerms":"prepaid-at-entry"}}`,
      camunda8: `{"name":"PaymentReceived","correlationKey":"${orderNo}","timeToLive":60000,"variables":{"paymentTerms":"credit","paymentTerms":"prepaid-at-entry"}}`,
    };
    for (const [route, text] of Object.entries(bodies)) {
      const path = route === 'api' ? '/api/messages' : '/v2/messages/publication';
      const refused = await api().request('POST', path, { token: TOKENS.erp, body: text, headers: { 'content-type': 'application/json' } });
      expect(refused.status, refused.text).toBe(400);
    }
    const entries = await refusedEntries(orderNo, 'message.refused');
    expect(entries.map((entry) => [entry.actor, entry.via, entry.data!.reason, entry.data!.variables])).toEqual([
      ['erp', 'api', 'variable-refused', { paymentTerms: 'prepaid-at-entry' }],
      ['erp', 'camunda8', 'variable-refused', { paymentTerms: 'prepaid-at-entry' }],
    ]);
  });

  // only the runtime knows what the order's elements decide: a value its type refused was answered 400 and kept nothing
  it('a Camunda 7 decision of another step whose typed value is refused (a Boolean that is a text) is kept as job.refused where the runtime finds it decided', async () => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob(orderNo);
    const id = encodeURIComponent(job.id);
    const forged = { directorApproved: { type: 'Boolean', value: 'true' }, plannedWeek: { type: 'Integer', value: 48 } };
    const completed = await api().post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'w1', variables: forged });
    expect(completed.status, completed.text).toBe(400);
    const inexact = { vicePresidentApproved: { type: 'Json', value: '{"approved":1.00000000000000000001}' } };
    const thrown = await api().post(`/engine-rest/external-task/${id}/bpmnError`, TOKENS.erp, { workerId: 'w1', errorCode: 'BLOCKED', variables: inexact });
    expect(thrown.status, thrown.text).toBe(400);

    const entries = await refusedEntries(orderNo, 'job.refused');
    expect(entries.map((entry) => [entry.actor, entry.via, entry.data!.reason, entry.data!.attempted, entry.data!.variables])).toEqual([
      ['erp', 'camunda7', 'variable-refused', 'camunda7Complete', forged],
      ['erp', 'camunda7', 'variable-refused', 'camunda7BpmnError', inexact],
    ]);
    expect(entries[0].data!.refusal).toMatch(/directorApproved: a Boolean needs true or false/);

    // a refused value of a variable no element decides is the worker's own mistake: nothing kept, the job still open
    const own = await api().post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'w1', variables: { plannedWeek: { type: 'Boolean', value: 'yes' } } });
    expect(own.status, own.text).toBe(400);
    expect(await refusedEntries(orderNo, 'job.refused')).toHaveLength(2);
    expect((await refusedEntries(orderNo, 'job.completed'))).toEqual([]);
  });

  it('a body refused for anything else (a malformed name, a missing workerId) writes nothing', async () => {
    const orderNo = await enterOrder(80_000);
    const job = await lockJob(orderNo);
    const id = encodeURIComponent(job.id);
    expect((await api().post(`/api/jobs/${id}/complete`, TOKENS.erp, { workerId: 'w1', variables: { 'planned-week': 48 } })).status).toBe(422);
    expect((await api().post(`/api/jobs/${id}/complete`, TOKENS.erp, { workerId: 'w1', variables: { plannedWeek: 48 }, extra: 1 })).status).toBe(422);
    expect((await api().post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { variables: typed({ plannedWeek: 48 }) })).status).toBe(400);
    expect(await refusedEntries(orderNo, 'job.refused')).toEqual([]);
  });
});

// The approval convention (docs/modelling.md, "Decisions"), which the task list asks before it sends: a rejection says
// why. A completion that does not (a script with the approver's token, an old client) is refused and kept too, so the
// history never shows a customer's order rejected for no reason anyone can read.
describe('a rejection without a reason is refused and kept in the audit trail', () => {
  it('the vice-president rejecting without a comment, or with one that shows nothing: 422 naming /variables/comment, kept as task.refused', async () => {
    const orderNo = await enterOrder(750_000);
    const [task] = (await api().get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.vp)).body;
    expect(task?.elementId).toBe('UserTask_ReviewByVicePresident');
    const complete = (variables: Record<string, unknown>) => api().post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, TOKENS.vp, { variables });
    const sent = [{ approved: false }, { approved: false, comment: '' }, { approved: false, comment: ' \u200B\u00AD ' }];
    for (const variables of sent) {
      const refused = await complete(variables);
      expect(refused.status, refused.text).toBe(422);
      expect(problemOf(refused).errors).toEqual([expect.objectContaining({ field: '/variables/comment' })]);
      expect(problemOf(refused).detail).toMatch(/a rejection \(approved: false\) needs a comment saying why/);
    }
    const entries = await refusedEntries(orderNo, 'task.refused');
    expect(entries.map((entry) => [entry.actor, entry.via, entry.elementId, entry.data!.reason, entry.data!.variables])).toEqual(
      sent.map((variables) => ['vera', 'api', 'UserTask_ReviewByVicePresident', 'variable-refused', variables]));
    expect(await refusedEntries(orderNo, 'task.completed')).toEqual([]);

    // with a reason the rejection is taken, and an approval needs none
    const rejected = await complete({ approved: false, comment: 'Credit limit exceeded.' });
    expect(rejected.status, rejected.text).toBe(200);
    expect((await order(orderNo)).status).toBe('rejected');
    const approvedNo = await enterOrder(750_000);
    const [approval] = (await api().get<TaskView[]>(`/api/tasks?businessKey=${approvedNo}`, TOKENS.vp)).body;
    const approved = await api().post(`/api/tasks/${encodeURIComponent(approval.id)}/complete`, TOKENS.vp, { variables: { approved: true } });
    expect(approved.status, approved.text).toBe(200);
  });

  it('a department not acknowledging a special change without a comment: 422, kept as task.refused', async () => {
    const orderNo = await enterOrder(80_000, { description: 'paint in RAL 5015' });
    const task = (await api().get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.procurement)).body.find((open) => open.candidateGroups.includes('procurement'));
    expect(task?.elementId).toBe('UserTask_AcknowledgeProcurement');
    const refused = await api().post(`/api/tasks/${encodeURIComponent(task!.id)}/complete`, TOKENS.procurement, { variables: { acknowledged: false, comment: '' } });
    expect(refused.status, refused.text).toBe(422);
    expect(problemOf(refused).errors).toEqual([expect.objectContaining({ field: '/variables/comment' })]);
    const entries = await refusedEntries(orderNo, 'task.refused');
    expect(entries.map((entry) => [entry.actor, entry.via, entry.elementId, entry.data!.reason, entry.data!.variables])).toEqual([
      ['paul', 'api', 'UserTask_AcknowledgeProcurement', 'variable-refused', { acknowledged: false, comment: '' }],
    ]);
  });
});
