// Business rule: every attempt a control refuses at an order is kept in its history (`….refused`) and listed by
// GET /api/audit/refused. Two attempts were refused and left no trace (found red-teaming four eyes and the audit
// trail): a candidate taking a task from the colleague who claimed it (POST /api/tasks/{id}/unclaim, 403), and an
// operator's retry whose variables make a decision nobody made or rewrite the order (POST /api/incidents/{id}/retry
// with `vicePresidentApproved` or `amount`, 422). Both are kept now, as a refused claim and a worker's refused
// variables are: `task.refused` with `attempted: "unclaim"`, `incident.refused` with `reason: "variable-refused"`.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, InstanceView, JobView, OrderView, TaskView } from '../../../engine/api.js';
import { KEPT_PER_PERSON } from '../../../engine/runtime/refused-attempts.js';
import { problemOf, TEST_USERS, TOKENS, type ApiResponse } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { objectWith } from '../../support/matchers.js';

/** a second vice-president beside vera */
const VIKTOR = 'test-refused-unclaims-second-vp-token';

let server: TestServer;
const api = () => server.api;

beforeAll(async () => {
  const dataDir = makeDataDir();
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users: [...TEST_USERS.users, { name: 'viktor', token: VIKTOR, groups: ['vice-president'] }] }));
  server = await startTestServer({ dataDir });
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

describe('taking a task from the colleague who claimed it is refused and kept', () => {
  it('a second vice-president and the director unclaim vera\'s review: 403 as before, kept as task.refused (unclaim) and listed for the auditor', async () => {
    await enterOrder('RU-UNCLAIM', 750_000); // the vice-president's review alone
    const [review] = (await api().get<TaskView[]>('/api/tasks?businessKey=RU-UNCLAIM', TOKENS.erp)).body;
    expect(review.candidateGroups).toEqual(['vice-president']);
    const notClaimed = await unclaim(review, VIKTOR);
    expect(problemOf(notClaimed)).toMatchObject({ status: 409, type: 'https://stratum.dev/problems/task-not-claimed' });
    expect(await refusedOf('RU-UNCLAIM', 'task.refused')).toEqual([]); // a conflict, not a control: nothing kept

    expect((await api().post(`/api/tasks/${encodeURIComponent(review.id)}/claim`, TOKENS.vp, undefined)).status).toBe(200);
    const byViktor = await unclaim(review, VIKTOR);
    const byDirk = await unclaim(review, TOKENS.director);
    for (const refused of [byViktor, byDirk]) {
      expect(refused.status, refused.text).toBe(403);
      expect(problemOf(refused)).toMatchObject({ reason: 'not-offered', claimedBy: 'vera' });
    }
    expect((await api().get<TaskView>(`/api/tasks/${encodeURIComponent(review.id)}`, TOKENS.erp)).body.claimedBy).toBe('vera');

    expect(await refusedOf('RU-UNCLAIM', 'task.refused')).toEqual([
      objectWith({ actor: 'viktor', via: 'api', instanceId: review.instanceId, elementId: review.elementId, data: {
        attempted: 'unclaim', name: review.name, reason: 'not-offered', refusal: problemOf(byViktor).detail } }),
      objectWith({ actor: 'dirk', via: 'api', instanceId: review.instanceId, elementId: review.elementId, data: objectWith({
        attempted: 'unclaim', reason: 'not-offered', refusal: problemOf(byDirk).detail }) }),
    ]);
    const audit = await api().get<{ items: { actor: string; waitId: string; data: { attempted: string } }[] }>('/api/audit/refused?businessKey=RU-UNCLAIM', TOKENS.operations);
    expect(audit.status, audit.text).toBe(200);
    expect(audit.body.items.map((item) => [item.actor, item.waitId, item.data.attempted])).toEqual([['dirk', review.id, 'unclaim'], ['viktor', review.id, 'unclaim']]);

    // the claimant's own unclaim and an operator's freeing of a claim are no refusals: nothing more is kept
    expect((await unclaim(review, TOKENS.vp)).status).toBe(200);
    expect((await api().post(`/api/tasks/${encodeURIComponent(review.id)}/claim`, VIKTOR, undefined)).status).toBe(200);
    expect((await unclaim(review, TOKENS.operations)).status).toBe(200);
    expect(await refusedOf('RU-UNCLAIM', 'task.refused')).toHaveLength(2);
  });
});

describe('an operator\'s retry that would make a decision or rewrite the order is refused and kept', () => {
  it('sets vicePresidentApproved, then the amount: 422 as before, kept as incident.refused (variable-refused) with what was sent; ten per operator, the order still failed', async () => {
    const order = await enterOrder('RU-RETRY', 1_000); // approved automatically: no vice-president decided anything
    const [job] = (await api().post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type: 'procurement-planning', workerId: 'ru-worker', businessKey: 'RU-RETRY' })).body;
    expect((await api().post(`/api/jobs/${encodeURIComponent(job.id)}/failure`, TOKENS.erp, { message: 'MRP down', retries: 0, workerId: 'ru-worker' })).status).toBe(200);
    const [incident] = (await api().get<{ items: { id: string; instanceId: string }[] }>('/api/incidents?businessKey=RU-RETRY', TOKENS.erp)).body.items;

    const decides = await retry(incident.id, { variables: { vicePresidentApproved: true, plannedWeek: 48 } });
    const rewrites = await retry(incident.id, { variables: { amount: 1 }, retries: 2 });
    for (const refused of [decides, rewrites]) expect(refused.status, refused.text).toBe(422);
    expect(problemOf(decides).errors).toEqual([objectWith({ field: '/variables/vicePresidentApproved' })]);

    expect(await refusedOf('RU-RETRY', 'incident.refused')).toEqual([
      objectWith({ instanceId: incident.instanceId, actor: 'otto', via: 'api', elementId: null, data: {
        attempted: 'retry', incidentId: incident.id, variables: { vicePresidentApproved: true, plannedWeek: 48 }, reason: 'variable-refused', refusal: problemOf(decides).detail } }),
      // an order field is refused by the body's schema before the runtime sees it: kept all the same, under the operation's id
      objectWith({ instanceId: incident.instanceId, actor: 'otto', via: 'api', data: {
        attempted: 'retryIncident', incidentId: incident.id, variables: { amount: 1 }, reason: 'variable-refused', refusal: problemOf(rewrites).detail } }),
    ]);
    const audit = await api().get<{ items: { event: string; data: { reason: string } }[] }>('/api/audit/refused?reason=variable-refused&businessKey=RU-RETRY', TOKENS.operations);
    expect(audit.body.items.map((item) => item.event)).toEqual(['incident.refused', 'incident.refused']);

    // one operator's attempts are kept up to the bound, the last saying so; every one is answered the same
    for (let attempt = 2; attempt <= KEPT_PER_PERSON; attempt++) expect((await retry(incident.id, { variables: { vicePresidentApproved: false } })).status).toBe(422);
    const kept = await refusedOf('RU-RETRY', 'incident.refused');
    expect(kept).toHaveLength(KEPT_PER_PERSON);
    expect(kept.map((entry) => entry.data?.lastKept ?? false)).toEqual([...Array<boolean>(KEPT_PER_PERSON - 1).fill(false), true]);

    // the incident stays open and the order failed; a retry that decides nothing puts it back on its way and keeps nothing
    expect((await api().get<InstanceView>(`/api/instances/${order.id}`, TOKENS.erp)).body.status).toBe('failed');
    const retried = await retry(incident.id, { variables: { plannedWeek: 48 } });
    expect(retried.status, retried.text).toBe(200);
    expect(await refusedOf('RU-RETRY', 'incident.refused')).toHaveLength(KEPT_PER_PERSON);
  });
});

// helpers

async function enterOrder(orderNo: string, amount: number): Promise<InstanceView> {
  const response = await api().post<InstanceView>('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Druckerei Weiss' }, amount, currency: 'CNY', paymentTerms: 'credit' });
  expect(response.status, response.text).toBe(201);
  return response.body;
}

function unclaim(task: TaskView, token: string): Promise<ApiResponse<TaskView>> {
  return api().post<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}/unclaim`, token, undefined);
}

function retry(incidentId: string, body: Record<string, unknown>): Promise<ApiResponse> {
  return api().post(`/api/incidents/${encodeURIComponent(incidentId)}/retry`, TOKENS.operations, body);
}

/** The order's history (its whole call tree) as GET /api/orders/{orderNo} lists it, of one event. */
async function refusedOf(orderNo: string, event: string): Promise<HistoryEntry[]> {
  return (await api().get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body.history.filter((entry) => entry.event === event);
}
