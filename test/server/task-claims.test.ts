// Claiming a task, as Camunda's Tasklist assigns one to me: several sales directors share one group, and a claim
// keeps them from working one approval twice. A claim gives no right to decide: only someone who may decide the
// task now may claim it, and while it is claimed only the claimant decides it. Both moves are in the order's
// history and survive a restart.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, InstanceView, TaskView } from '../../engine/api.js';
import { problemOf, TEST_USERS, TOKENS, type ApiClient } from './support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from './support/real-server.js';
import { refusalMembers, taskFacts } from './support/task-refusal.js';

/** a second sales director beside dirk */
const DANA = 'test-claims-second-director-token';
/** in both approval groups: decides the director's step, then four eyes keeps them from the vice-president's */
const SAM = 'test-claims-both-groups-token';

let server: TestServer;
let api: ApiClient;
let orderCount = 0;

beforeAll(async () => {
  const dataDir = makeDataDir();
  const users = [
    ...TEST_USERS.users,
    { name: 'dana', token: DANA, groups: ['sales-director'] },
    { name: 'sam', token: SAM, groups: ['sales-director', 'vice-president'] },
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
  const orderNo = `CLAIM-${++orderCount}`;
  const entered = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Lager AG' }, amount: 1_500_000, currency: 'CNY', paymentTerms: 'credit' });
  expect(entered.status, entered.text).toBe(201);
  const [task] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${orderNo}`, TOKENS.erp)).body;
  expect(task.candidateGroups).toEqual(['sales-director']);
  return task;
}

const claim = (task: TaskView, token: string) => api.post<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}/claim`, token, undefined);
const unclaim = (task: TaskView, token: string) => api.post<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}/unclaim`, token, undefined);
const complete = (task: TaskView, token: string) => api.post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, token, { variables: { approved: true } });
const mine = async (token: string) => (await api.get<TaskView[]>('/api/tasks?mine=true&limit=1000', token)).body.map((task) => task.id);

async function claimHistory(task: TaskView, client = api): Promise<Pick<HistoryEntry, 'event' | 'actor'>[]> {
  const instance = (await client.get<InstanceView>(`/api/instances/${encodeURIComponent(task.instanceId)}`, TOKENS.erp)).body;
  return instance.history.filter((entry) => entry.event.startsWith('task.') && entry.elementId === task.elementId)
    .map(({ event, actor }) => ({ event, actor }));
}

describe('POST /api/tasks/{id}/claim', () => {
  it('makes the caller the assignee: the others of the group no longer list it, the claimant finds it under assignee=me', async () => {
    const task = await directorTask();
    expect([await mine(TOKENS.director), await mine(DANA)].map((ids) => ids.includes(task.id))).toEqual([true, true]);
    const claimed = await claim(task, TOKENS.director);
    expect(claimed.status, claimed.text).toBe(200);
    expect(claimed.body).toMatchObject({ id: task.id, claimedBy: 'dirk', assignee: null, candidateGroups: ['sales-director'] });
    expect(claimed.body.claimedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await mine(TOKENS.director)).toContain(task.id);
    expect(await mine(DANA)).not.toContain(task.id);
    expect((await api.get<TaskView[]>('/api/tasks?assignee=me', TOKENS.director)).body.map((one) => one.id)).toContain(task.id);
    expect((await api.get<TaskView[]>('/api/tasks?assignee=me', DANA)).body.map((one) => one.id)).not.toContain(task.id);
    // the group's own list still shows it, with who holds it
    const group = (await api.get<TaskView[]>('/api/tasks?candidateGroup=sales-director&limit=1000', DANA)).body;
    expect(group.find((one) => one.id === task.id)?.claimedBy).toBe('dirk');
  });

  it('leaves the claimant\'s task out of their own list filtered by another assignee (mine=true&assignee=dana)', async () => {
    const task = await directorTask();
    expect((await claim(task, TOKENS.director)).status).toBe(200);
    const held = async (token: string, assignee: string) =>
      (await api.get<TaskView[]>(`/api/tasks?mine=true&assignee=${assignee}&businessKey=${task.businessKey}`, token)).body.map((one) => one.id);
    expect(await held(TOKENS.director, 'dirk')).toEqual([task.id]);
    expect(await held(TOKENS.director, 'me')).toEqual([task.id]);
    expect(await held(TOKENS.director, 'dana')).toEqual([]);
    expect(await held(DANA, 'dirk')).toEqual([]);
  });

  it('is a no-op for the one who holds it already', async () => {
    const task = await directorTask();
    const first = await claim(task, TOKENS.director);
    const again = await claim(task, TOKENS.director);
    expect(again.status, again.text).toBe(200);
    expect(again.body.claimedAt).toBe(first.body.claimedAt);
    expect(await claimHistory(task)).toEqual([{ event: 'task.claimed', actor: 'dirk' }]);
  });

  it('refuses someone else\'s claim with 409 task-claimed naming who holds it', async () => {
    const task = await directorTask();
    expect((await claim(task, TOKENS.director)).status).toBe(200);
    const refused = await claim(task, DANA);
    expect(refused.status, refused.text).toBe(409);
    expect(problemOf(refused)).toMatchObject({ type: 'https://stratum.dev/problems/task-claimed', assignee: 'dirk' });
    expect((await api.get<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}`, DANA)).body.claimedBy).toBe('dirk');
    // an attempt to take the task from its claimant is kept, as a refused unclaim is, and listed for the auditor
    const audit = (await api.get<{ items: HistoryEntry[] }>(`/api/audit/refused?businessKey=${encodeURIComponent(task.businessKey!)}`, TOKENS.operations)).body;
    expect(audit.items.map((entry) => [entry.event, entry.actor, entry.data?.attempted, entry.data?.reason])).toEqual([['task.refused', 'dana', 'claim', 'task-claimed']]);
  });

  it('lets exactly one of two directors claiming at once win', async () => {
    const task = await directorTask();
    const answers = await Promise.all([claim(task, TOKENS.director), claim(task, DANA)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409]);
    const winner = answers.find((answer) => answer.status === 200)!.body.claimedBy;
    expect((await api.get<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}`, TOKENS.erp)).body.claimedBy).toBe(winner);
    const loser = winner === 'dirk' ? 'dana' : 'dirk';
    expect(await claimHistory(task)).toEqual([{ event: 'task.claimed', actor: winner }, { event: 'task.refused', actor: loser }]);
  });

  it('refuses a caller the task is not offered to with 403 not-offered, and claims nothing', async () => {
    const task = await directorTask();
    const members = refusalMembers(await claim(task, TOKENS.vp));
    expect(members).toEqual({ reason: 'not-offered', task: await taskFacts(api, task.id), offeredTo: { assignee: null, candidateUsers: [], candidateGroups: ['sales-director'] } });
    expect((await claim(task, TOKENS.operations)).status).toBe(403);
    expect((await api.get<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}`, TOKENS.erp)).body.claimedBy).toBeNull();
  });

  it('refuses with four eyes whoever could not decide it: the decider of the director\'s step may not claim the review', async () => {
    const task = await directorTask();
    expect((await complete(task, SAM)).status).toBe(200);
    const [review] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${task.businessKey}`, TOKENS.erp)).body;
    expect(review.candidateGroups).toEqual(['vice-president']);
    const refused = await claim(review, SAM);
    expect(refusalMembers(refused)).toMatchObject({ reason: 'four-eyes-other-task' });
    expect((await api.get<TaskView>(`/api/tasks/${encodeURIComponent(review.id)}`, TOKENS.erp)).body.claimedBy).toBeNull();
  });

  it('answers 404 for an unknown task and 409 for one no longer open', async () => {
    expect((await api.post('/api/tasks/no-such-task/claim', TOKENS.director, undefined)).status).toBe(404);
    const task = await directorTask();
    expect((await complete(task, TOKENS.director)).status).toBe(200);
    expect((await claim(task, TOKENS.director)).status).toBe(409);
    expect((await unclaim(task, TOKENS.director)).status).toBe(409);
  });
});

describe('completing a claimed task', () => {
  it('is the claimant\'s alone: another director gets 403 not-offered naming the claimant', async () => {
    const task = await directorTask();
    expect((await claim(task, TOKENS.director)).status).toBe(200);
    const members = refusalMembers(await complete(task, DANA));
    expect(members).toEqual({
      reason: 'not-offered', task: await taskFacts(api, task.id), claimedBy: 'dirk', offeredTo: { assignee: 'dirk', candidateUsers: [], candidateGroups: [] },
    });
    expect((await complete(task, TOKENS.director)).status).toBe(200);
    // the refused attempt is in the history too (refused-attempts.ts)
    expect(await claimHistory(task)).toEqual([{ event: 'task.claimed', actor: 'dirk' }, { event: 'task.refused', actor: 'dana' }, { event: 'task.completed', actor: 'dirk' }]);
  });
});

describe('POST /api/tasks/{id}/unclaim', () => {
  it('gives the task back to its group, in the history with who and when', async () => {
    const task = await directorTask();
    expect((await claim(task, TOKENS.director)).status).toBe(200);
    const released = await unclaim(task, TOKENS.director);
    expect(released.status, released.text).toBe(200);
    expect(released.body).toMatchObject({ claimedBy: null, claimedAt: null });
    expect(await mine(DANA)).toContain(task.id);
    expect((await complete(task, DANA)).status).toBe(200);
    const instance = (await api.get<InstanceView>(`/api/instances/${encodeURIComponent(task.instanceId)}`, TOKENS.erp)).body;
    const unclaimed = instance.history.find((entry) => entry.event === 'task.unclaimed')!;
    expect(unclaimed).toMatchObject({ actor: 'dirk', elementId: task.elementId, data: { claimedBy: 'dirk' } });
    expect(unclaimed.at).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('is refused to another director (403) and to a task nobody claimed (409 task-not-claimed); operations may free it', async () => {
    const task = await directorTask();
    const notClaimed = await unclaim(task, TOKENS.director);
    expect(notClaimed.status).toBe(409);
    expect(problemOf(notClaimed)).toMatchObject({ type: 'https://stratum.dev/problems/task-not-claimed' });
    expect((await claim(task, TOKENS.director)).status).toBe(200);
    expect(refusalMembers(await unclaim(task, DANA))).toMatchObject({ reason: 'not-offered', claimedBy: 'dirk' });
    const freed = await unclaim(task, TOKENS.operations);
    expect(freed.status, freed.text).toBe(200);
    expect(freed.body.claimedBy).toBeNull();
    // dana's refused unclaim is kept, as a refused claim is (refused-unclaims-and-retries.test.ts)
    expect(await claimHistory(task)).toEqual([{ event: 'task.claimed', actor: 'dirk' }, { event: 'task.refused', actor: 'dana' }, { event: 'task.unclaimed', actor: 'otto' }]);
  });
});

describe('a claim and a restart', () => {
  it('survives the server stopping and starting on the same data', async () => {
    const task = await directorTask();
    expect((await claim(task, DANA)).status).toBe(200);
    const { dataDir } = server;
    await server.close();
    server = await startTestServer({ dataDir });
    api = server.api;
    expect((await api.get<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}`, TOKENS.director)).body.claimedBy).toBe('dana');
    expect(refusalMembers(await complete(task, TOKENS.director))).toMatchObject({ claimedBy: 'dana' });
    expect(await claimHistory(task)).toEqual([{ event: 'task.claimed', actor: 'dana' }, { event: 'task.refused', actor: 'dirk' }]);
  });
});
