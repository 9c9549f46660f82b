// The newest controls attacked the way every-route.test.ts attacks the older ones, over HTTP against the real
// server and the shipped library: claims, candidate users, refused attempts kept for the auditor, `flow.taken`
// decisions, duplicate JSON keys and `data.lockedBy`. Each row is an attempt with what must (not) have happened.
//   1. Claims: nobody holds a task hostage that four eyes no longer lets them decide; an operator frees any claim.
//   2. A claim and the user's groups, candidate users beside groups, Camunda routes that would reassign a task.
//   3. Refused attempts: kept for the auditor, but never as a way to write an unbounded body into an order.
//   4. `flow.taken` names what the condition read and nothing else.
//   5. Duplicate keys on every route: refused before anything reads them, nothing recorded.
//   6. `data.lockedBy` and a worker label: who held the lock, whatever route completed the job.
//   7. Concurrent completions: the history never reads backwards.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, JobView, OrderView, TaskView } from '../../../engine/api.js';
import { DEFAULT_BODY_LIMIT } from '../../../server/app.js';
import { expectedRefusalStatus, problemOf, TEST_USERS, TOKENS, type ApiClient, type ApiResponse } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { anyNumber, objectWith } from '../../support/matchers.js';
import { refusalMembers } from '../support/task-refusal.js';

/** a second sales director beside dirk */
const DANA = 'test-newest-second-director-token';
/** a second vice-president beside vera */
const VIKTOR = 'test-newest-second-vp-token';
/** root: in every group (an administrator) */
const ADMIN = 'test-newest-admin-token';

/** Two separated sales-director checks in parallel: one person may decide one of them, never both. */
const PARALLEL_CHECKS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_parallel_checks" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="parallel-checks" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="separationOfDuties" value="CheckPrice, CheckTerms" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Split" />
    <bpmn:parallelGateway id="Split" />
    <bpmn:sequenceFlow id="F1" sourceRef="Split" targetRef="CheckPrice" />
    <bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="CheckTerms" />
    <bpmn:userTask id="CheckPrice" name="Check the price">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:userTask id="CheckTerms" name="Check the terms">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F3" sourceRef="CheckPrice" targetRef="Join" />
    <bpmn:sequenceFlow id="F4" sourceRef="CheckTerms" targetRef="Join" />
    <bpmn:parallelGateway id="Join" />
    <bpmn:sequenceFlow id="F5" sourceRef="Join" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`;

/** Offered to bo by name and to the vice-presidents by group. */
const NAMED_AND_GROUP = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_named_and_group" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="named-and-group" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateUsers="bo" candidateGroups="vice-president" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F1" sourceRef="Review" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`;

/** Assigned by the starter's variable to one person, offered to the vice-presidents too. */
const ASSIGNED_AND_GROUP = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_assigned_and_group" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="assigned-and-group" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review">
      <bpmn:extensionElements><zeebe:assignmentDefinition assignee="=owner" candidateGroups="vice-president" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F1" sourceRef="Review" targetRef="Done" />
    <bpmn:endEvent id="Done" />
  </bpmn:process>
</bpmn:definitions>`;

let server: TestServer;
let api: ApiClient;
let dataDir: string;
let count = 0;

function writeUsers(viktorGroups: string[]) {
  const users = [
    ...TEST_USERS.users,
    { name: 'dana', token: DANA, groups: ['sales-director'] },
    { name: 'viktor', token: VIKTOR, groups: viktorGroups },
    { name: 'bo', token: 'test-newest-bo-token', groups: [] },
    { name: 'root', token: ADMIN, groups: ['designer', 'integration', 'operations', 'sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
  ];
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users }));
}
const BO = 'test-newest-bo-token';

beforeAll(async () => {
  dataDir = makeDataDir();
  writeUsers(['vice-president']);
  server = await startTestServer({ dataDir, bodyBytes: DEFAULT_BODY_LIMIT });
  api = server.api;
  for (const [name, xml] of [['parallel-checks.bpmn', PARALLEL_CHECKS], ['named-and-group.bpmn', NAMED_AND_GROUP], ['assigned-and-group.bpmn', ASSIGNED_AND_GROUP]]) {
    const deployed = await api.request('POST', `/api/deployments?name=${name}`, { token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' } });
    expect(deployed.status, deployed.text).toBe(201);
  }
});
afterAll(async () => {
  await server.close();
  removeDataDir(dataDir);
});

// helpers

async function enterOrder(amount: number, paymentTerms = 'credit', extra: Record<string, unknown> = {}): Promise<string> {
  const orderNo = `NEW-${++count}`;
  const response = await api.post('/api/orders', TOKENS.erp, { orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount, currency: 'CNY', paymentTerms, ...extra });
  expect(response.status, response.text).toBe(201);
  return orderNo;
}

async function start(processKey: string, variables?: Record<string, unknown>): Promise<string> {
  const businessKey = `GEN-${++count}`;
  const started = await api.post(`/api/processes/${processKey}/instances`, TOKENS.erp, { businessKey, ...(variables && { variables }) });
  expect(started.status, started.text).toBe(201);
  return businessKey;
}

async function order(orderNo: string): Promise<OrderView> {
  return (await api.get<OrderView>(`/api/orders/${orderNo}`, TOKENS.erp)).body;
}

/** The whole call tree's history under a business key (an order's or a generic start's). */
async function history(businessKey: string): Promise<HistoryEntry[]> {
  const { items } = (await api.get<{ items: { id: string; parentId: string | null }[] }>(`/api/instances?businessKey=${businessKey}`, TOKENS.erp)).body;
  const root = items.find((instance) => instance.parentId === null)!;
  return (await api.get<{ history: HistoryEntry[] }>(`/api/instances/${root.id}`, TOKENS.erp)).body.history;
}

async function events(businessKey: string, event: string): Promise<HistoryEntry[]> {
  return (await history(businessKey)).filter((entry) => entry.event === event);
}

async function tasksOf(businessKey: string): Promise<TaskView[]> {
  return (await api.get<TaskView[]>(`/api/tasks?businessKey=${encodeURIComponent(businessKey)}`, TOKENS.erp)).body;
}

const taskPath = (task: TaskView, verb: string) => `/api/tasks/${encodeURIComponent(task.id)}/${verb}`;
const claim = (task: TaskView, token: string) => api.post<TaskView>(taskPath(task, 'claim'), token, undefined);
const unclaim = (task: TaskView, token: string) => api.post<TaskView>(taskPath(task, 'unclaim'), token, undefined);
const complete = (task: TaskView, token: string, variables: Record<string, unknown> = {}) => api.post(taskPath(task, 'complete'), token, { variables });
const claimedBy = async (task: TaskView) => (await api.get<TaskView>(`/api/tasks/${encodeURIComponent(task.id)}`, TOKENS.erp)).body.claimedBy;
const mine = async (token: string) => (await api.get<TaskView[]>('/api/tasks?mine=true&limit=1000', token)).body.map((task) => task.id);

function expectRefused(response: ApiResponse, status: number, detail?: RegExp, what = '') {
  // 422 is 400 on Camunda 7's routes, as Camunda 7 answers a refused input
  expect(response.status, `${what} ${response.text}`).toBe(expectedRefusalStatus(response, status));
  expect(response.contentType).toMatch(/^application\/problem\+json/);
  if (detail) expect(problemOf(response).detail, what).toMatch(detail);
}

async function fetchJobs(type: string, businessKey: string, workerId = 'newest'): Promise<JobView[]> {
  return (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId, max: 100, businessKey })).body;
}

interface Row {
  attempt: string;
  run: () => Promise<void>;
}

// 1. Claims and four eyes.
const claimsAndFourEyes: Row[] = [
  {
    attempt: 'reproduced hostage: a director claims both parallel separated checks, decides one; the other is no longer held by a claim four eyes would refuse',
    run: async () => {
      const key = await start('parallel-checks');
      const [price, terms] = (await tasksOf(key)).sort((a, b) => a.elementId.localeCompare(b.elementId));
      expect((await claim(price, TOKENS.director)).status).toBe(200);
      expect((await claim(terms, TOKENS.director)).status).toBe(200);
      expect((await complete(price, TOKENS.director)).status).toBe(200);
      // dirk may not decide the terms any more (four eyes), so his claim on them would hold them for nobody
      expectRefused(await complete(terms, TOKENS.director), 403, /four eyes/);
      expect(await claimedBy(terms)).toBeNull();
      expect(await mine(DANA)).toContain(terms.id);
      expect(await events(key, 'task.unclaimed')).toEqual([objectWith({ actor: 'dirk', elementId: 'CheckTerms', data: objectWith({ claimedBy: 'dirk', reason: 'four-eyes-other-task' }) })]);
      expect((await complete(terms, DANA)).status).toBe(200);
    },
  },
  {
    attempt: 'a director who claimed one check and decided the other keeps no claim: the order\'s history says which claim the decision ended',
    run: async () => {
      const key = await start('parallel-checks');
      const [price, terms] = (await tasksOf(key)).sort((a, b) => a.elementId.localeCompare(b.elementId));
      expect((await claim(terms, TOKENS.director)).status).toBe(200);
      expect((await complete(price, TOKENS.director)).status).toBe(200); // not claimed by anyone: dirk may decide it
      expect(await claimedBy(terms)).toBeNull();
      expect((await claim(terms, DANA)).status).toBe(200);
      expect((await complete(terms, DANA)).status).toBe(200);
    },
  },
  {
    attempt: 'an operator frees a claim held by a vice-president who is away; other roles cannot, and the operator cannot decide',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      expect((await claim(review, TOKENS.vp)).status).toBe(200);
      for (const token of [TOKENS.erp, TOKENS.designer, TOKENS.director, TOKENS.nobody, VIKTOR]) {
        expectRefused(await unclaim(review, token), 403, /claimed by vera/, token);
      }
      expect(await claimedBy(review)).toBe('vera');
      const freed = await unclaim(review, TOKENS.operations);
      expect(freed.status, freed.text).toBe(200);
      expect(await claimedBy(review)).toBeNull();
      expect(refusalMembers(await complete(review, TOKENS.operations, { approved: true }))).toMatchObject({ reason: 'not-offered' });
      expect(refusalMembers(await claim(review, TOKENS.operations))).toMatchObject({ reason: 'not-offered' });
      expect(await events(orderNo, 'task.unclaimed')).toEqual([objectWith({ actor: 'otto', data: objectWith({ claimedBy: 'vera' }) })]);
      // nothing keeps vera from claiming it again at once (reported): only leaving the group ends her hold
      expect((await claim(review, TOKENS.vp)).status).toBe(200);
      expect((await unclaim(review, TOKENS.operations)).status).toBe(200);
      expect((await complete(review, VIKTOR, { approved: true })).status).toBe(200);
    },
  },
  {
    attempt: 'a claim cannot be taken over by claiming it again, unclaiming it for someone else, or by the administrator who is in every group',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      expect((await claim(review, TOKENS.vp)).status).toBe(200);
      expectRefused(await claim(review, VIKTOR), 409);
      expect(problemOf(await claim(review, ADMIN))).toMatchObject({ type: 'https://stratum.dev/problems/task-claimed', assignee: 'vera' });
      expect(refusalMembers(await complete(review, ADMIN, { approved: true }))).toMatchObject({ reason: 'not-offered', claimedBy: 'vera' });
      expect(await events(orderNo, 'task.completed')).toEqual([]);
      // each attempt to take it is kept: the two claims (task-claimed) and the completion (not-offered)
      expect((await events(orderNo, 'task.refused')).map((entry) => [entry.actor, entry.data?.attempted, entry.data?.reason])).toEqual([
        ['viktor', 'claim', 'task-claimed'], ['root', 'claim', 'task-claimed'], ['root', undefined, 'not-offered'],
      ]);
    },
  },
  {
    attempt: 'no Camunda route claims, unclaims or reassigns a task around Stratum\'s claim',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      expect((await claim(review, TOKENS.vp)).status).toBe(200);
      const id = encodeURIComponent(review.id);
      // Camunda 7's delegation is not served
      const delegated = await api.request('POST', `/engine-rest/task/${id}/delegate`, { token: ADMIN, json: { userId: 'viktor' } });
      expect([404, 405], delegated.text).toContain(delegated.status);
      // Camunda 7's and 8's task routes are the runtime's claim, unclaim and completion: each refuses what /api refuses
      for (const [method, path, token, body, status] of [
        ['POST', `/engine-rest/task/${id}/claim`, ADMIN, { userId: 'viktor' }, 403],
        ['POST', `/engine-rest/task/${id}/claim`, VIKTOR, { userId: 'viktor' }, 409],
        ['POST', `/engine-rest/task/${id}/assignee`, VIKTOR, { userId: 'viktor' }, 409],
        ['POST', `/engine-rest/task/${id}/unclaim`, VIKTOR, undefined, 403],
        ['POST', `/engine-rest/task/${id}/complete`, ADMIN, { variables: { approved: { value: true, type: 'Boolean' } } }, 403],
        ['POST', `/v2/user-tasks/${id}/assignment`, ADMIN, { assignee: 'viktor', allowOverride: true }, 403],
        ['POST', `/v2/user-tasks/${id}/assignment`, VIKTOR, { assignee: 'viktor', allowOverride: true }, 409],
        ['DELETE', `/v2/user-tasks/${id}/assignee`, VIKTOR, undefined, 403],
        ['POST', `/v2/user-tasks/${id}/completion`, ADMIN, { variables: { approved: true } }, 403],
      ] as const) {
        const response = await api.request(method, path, { token, ...(body !== undefined && { json: body }) });
        expect(response.status, `${method} ${path}: ${response.text}`).toBe(status);
      }
      expect(await claimedBy(review)).toBe('vera');
      expect(await events(orderNo, 'task.completed')).toEqual([]);
    },
  },
  {
    attempt: 'reproduced hostage: whoever requests a change of the order after claiming its approval no longer holds it: four eyes refuses them, so the claim is let go',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      expect((await claim(review, ADMIN)).status).toBe(200);
      const changed = await api.post(`/api/orders/${orderNo}/changes`, ADMIN, { description: 'my own change' });
      expect(changed.status, changed.text).toBe(201);
      expectRefused(await complete(review, ADMIN, { approved: true }), 403, /four eyes/);
      expect(await claimedBy(review)).toBeNull();
      expect(await events(orderNo, 'task.unclaimed')).toEqual([objectWith({ actor: 'root', data: objectWith({ claimedBy: 'root', reason: 'four-eyes-change-requester' }) })]);
      expect(await mine(VIKTOR)).toContain(review.id);
      expect((await complete(review, VIKTOR, { approved: true })).status).toBe(200);
    },
  },
];

// 2. Groups, candidate users, restarts.
const offers: Row[] = [
  {
    attempt: 'a task offered to bo by name and to the vice-presidents: bo claims it, no vice-president decides or takes it',
    run: async () => {
      const key = await start('named-and-group');
      const [review] = await tasksOf(key);
      expect(review).toMatchObject({ candidateUsers: ['bo'], candidateGroups: ['vice-president'] });
      expect(await mine(BO)).toContain(review.id);
      expect(await mine(TOKENS.vp)).toContain(review.id);
      expect(await mine(TOKENS.director)).not.toContain(review.id);
      expect((await claim(review, BO)).status).toBe(200);
      expect(await mine(TOKENS.vp)).not.toContain(review.id);
      expect(refusalMembers(await complete(review, TOKENS.vp))).toMatchObject({ reason: 'not-offered', claimedBy: 'bo' });
      expectRefused(await claim(review, TOKENS.vp), 409);
      expect(refusalMembers(await claim(review, TOKENS.director))).toMatchObject({ reason: 'not-offered' });
      expect((await unclaim(review, BO)).status).toBe(200);
      expect((await claim(review, TOKENS.vp)).status).toBe(200);
      expect(refusalMembers(await complete(review, BO))).toMatchObject({ claimedBy: 'vera' });
      expect((await complete(review, TOKENS.vp)).status).toBe(200);
      expect(await events(key, 'task.completed')).toEqual([objectWith({ actor: 'vera' })]);
    },
  },
  {
    attempt: 'a task the diagram assigns to bo and offers to the vice-presidents: no vice-president claims it, yet one may complete it (reported)',
    run: async () => {
      const key = await start('assigned-and-group', { owner: 'bo' });
      const [review] = await tasksOf(key);
      expect(review).toMatchObject({ assignee: 'bo', candidateGroups: ['vice-president'], claimedBy: null });
      expect(problemOf(await claim(review, TOKENS.vp))).toMatchObject({ type: 'https://stratum.dev/problems/task-claimed', assignee: 'bo' });
      expect(await mine(TOKENS.vp)).toContain(review.id);
      // as documented (a candidate group may complete): the diagram's assignee holds the task against claims only
      expect((await complete(review, TOKENS.vp)).status).toBe(200);
      expect(await events(key, 'task.completed')).toEqual([objectWith({ actor: 'vera' })]);
    },
  },
  {
    attempt: 'the administrator enters an order and finds its approval in mine=true: the list does not read four eyes, the claim and the completion do',
    run: async () => {
      const orderNo = `NEW-${++count}`;
      expect((await api.post('/api/orders', ADMIN, { orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount: 750_000, currency: 'CNY', paymentTerms: 'credit' })).status).toBe(201);
      const [review] = await tasksOf(orderNo);
      expect(await mine(ADMIN)).toContain(review.id);
      expect(refusalMembers(await claim(review, ADMIN))).toMatchObject({ reason: 'four-eyes-starter' });
      expect(refusalMembers(await complete(review, ADMIN, { approved: true }))).toMatchObject({ reason: 'four-eyes-starter' });
      expect(await claimedBy(review)).toBeNull();
      expect((await complete(review, TOKENS.vp, { approved: true })).status).toBe(200);
    },
  },
];

// 3. Refused attempts.
const refused: Row[] = [
  {
    attempt: 'a user in no group sends a megabyte of variables to an approval they are not offered: refused, and the history keeps no megabyte',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      const before = (await api.get(`/api/orders/${orderNo}`, TOKENS.erp)).text.length;
      // a comment is held to 2,000 characters by the schema; a variable the task does not declare is not, before the refusal
      const padding = 'x'.repeat(1024 * 1024);
      expect(refusalMembers(await complete(review, TOKENS.nobody, { approved: true, notes: padding }))).toMatchObject({ reason: 'not-offered' });
      const [kept] = await events(orderNo, 'task.refused');
      expect(kept).toMatchObject({ actor: 'nobody', data: objectWith({ reason: 'not-offered' }) });
      const after = (await api.get(`/api/orders/${orderNo}`, TOKENS.erp)).text.length;
      expect(after - before, 'bytes the refused attempt added to the order').toBeLessThan(8 * 1024);
      expect(kept.data).toMatchObject({ variables: { approved: true }, omittedVariables: { notes: padding.length + 2 } });
    },
  },
  {
    attempt: 'a refused attempt keeps a full comment, but a 64 KB variable only by its name and size',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      const variables = { approved: false, comment: 'n'.repeat(2000), forged: { approved: true, deep: 'y'.repeat(64 * 1024) } };
      expect(refusalMembers(await complete(review, TOKENS.director, variables))).toMatchObject({ reason: 'not-offered' });
      const [kept] = await events(orderNo, 'task.refused');
      expect(kept.data).toMatchObject({ variables: { approved: false, comment: variables.comment }, omittedVariables: { forged: anyNumber() } });
    },
  },
  {
    attempt: 'a worker completes, or throws a BPMN error for, a held job with large variables on every job route: refused, each kept small',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      const changed = await api.post(`/api/orders/${orderNo}/changes`, TOKENS.erp, { description: 'matt finish' });
      expect(changed.status, changed.text).toBe(201);
      const before = (await api.get(`/api/orders/${orderNo}`, TOKENS.erp)).text.length;
      const big = 'z'.repeat(512 * 1024);
      const id = encodeURIComponent(job.id);
      for (const [path, body] of [
        [`/api/jobs/${id}/complete`, { workerId: 'newest', variables: { plan: big } }],
        [`/engine-rest/external-task/${id}/complete`, { workerId: 'newest', variables: { plan: { value: big, type: 'String' } } }],
        [`/v2/jobs/${id}/completion`, { variables: { plan: big } }],
        [`/api/jobs/${id}/bpmn-error`, { workerId: 'newest', errorCode: 'BLOCKED', variables: { plan: big } }],
        [`/engine-rest/external-task/${id}/bpmnError`, { workerId: 'newest', errorCode: 'BLOCKED', variables: { plan: { value: big, type: 'String' } } }],
        [`/v2/jobs/${id}/error`, { errorCode: 'BLOCKED', variables: { plan: big } }],
      ] as const) {
        expectRefused(await api.post(path, TOKENS.erp, body), 409, undefined, path);
      }
      const kept = await events(orderNo, 'job.refused');
      expect(kept.map((entry) => entry.data?.attempted)).toEqual(['complete', 'complete', 'complete', 'bpmn-error', 'bpmn-error', 'bpmn-error']);
      const after = (await api.get(`/api/orders/${orderNo}`, TOKENS.erp)).text.length;
      expect(after - before).toBeLessThan(48 * 1024);
      for (const entry of kept) expect(entry.data).toMatchObject({ omittedVariables: { plan: anyNumber() } });
    },
  },
  {
    attempt: 'a refused attempt moves nothing: four eyes does not count it, the order\'s status stays, the next person decides',
    run: async () => {
      const orderNo = await enterOrder(1_500_000);
      const [approval] = await tasksOf(orderNo);
      expect(refusalMembers(await complete(approval, TOKENS.vp, { approved: true }))).toMatchObject({ reason: 'not-offered' });
      expect((await complete(approval, TOKENS.director, { approved: true })).status).toBe(200);
      const [review] = await tasksOf(orderNo);
      // vera's refused try at the director's task is no decision of hers
      expect((await complete(review, TOKENS.vp, { approved: true })).status).toBe(200);
      expect((await order(orderNo)).status).toBe('in-planning');
    },
  },
];

// 4. flow.taken.
const flowTaken: Row[] = [
  {
    attempt: 'a vice-president\'s comment is no input of the decision: flow.taken names only what the conditions read',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      expect((await complete(review, TOKENS.vp, { approved: false, comment: 'secret margin 3%' })).status).toBe(200);
      const taken = await events(orderNo, 'flow.taken');
      expect(taken.length).toBeGreaterThan(0);
      for (const entry of taken) {
        expect(JSON.stringify(entry.data)).not.toContain('secret margin');
        const inputs = Object.keys(entry.data?.inputs ?? {});
        expect(inputs, entry.elementId ?? '').not.toContain('vicePresidentComment');
        expect(inputs.length, entry.elementId ?? '').toBeLessThanOrEqual(3); // what a condition reads, not the instance's variables
      }
      expect(taken).toContainEqual(objectWith({ data: objectWith({ inputs: { vicePresidentApproved: false } }) }));
    },
  },
];

// 5. Duplicate keys.
const duplicates: Row[] = [
  {
    attempt: 'a completion with "approved" written twice (false first, true last; also escaped) on Stratum\'s route',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      for (const body of [
        '{"variables": {"approved": false, "approved": true}}',
        '{"variables": {"approved": false, "appr\\u006fved": true}}',
        '{"variables": {"approved": true}, "variables": {"approved": false}}',
      ]) {
        const response = await api.request('POST', taskPath(review, 'complete'), { token: TOKENS.vp, body, headers: { 'content-type': 'application/json' } });
        expectRefused(response, 400, undefined, body);
      }
      expect(await events(orderNo, 'task.completed')).toEqual([]);
      expect(await events(orderNo, 'task.refused')).toEqual([]);
    },
  },
  {
    attempt: 'a payment with its business key written twice on Stratum\'s, Camunda 7\'s and Camunda 8\'s message routes, and a key written twice inside a Camunda 7 Json value',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'prepaid-at-entry');
      for (const [path, body] of [
        ['/engine-rest/message', `{"messageName": "PaymentReceived", "businessKey": "NOPE", "businessKey": "${orderNo}"}`],
        ['/v2/messages/publication', `{"name": "PaymentReceived", "correlationKey": "NOPE", "correlationKey": "${orderNo}"}`],
        ['/api/messages', `{"name": "PaymentReceived", "businessKey": "NOPE", "businessKey": "${orderNo}"}`],
        ['/engine-rest/message', `{"messageName": "PaymentReceived", "businessKey": "${orderNo}", "processVariables": {"note": {"type": "Json", "value": "{\\"a\\": 1, \\"a\\": 2}"}}}`],
      ] as const) {
        const response = await api.request('POST', path, { token: TOKENS.erp, body, headers: { 'content-type': 'application/json' } });
        expect([400, 422], `${path}: ${response.text}`).toContain(response.status);
      }
      expect(await events(orderNo, 'message.correlated')).toEqual([]);
      expect((await order(orderNo)).status).toBe('waiting-for-payment');
    },
  },
];

// 6. data.lockedBy.
const lockedBy: Row[] = [
  {
    attempt: 'worker B completes a job worker A locked: refused on Stratum\'s and Camunda 7\'s routes; Camunda 8\'s route names no worker and lockedBy says A',
    run: async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo, 'worker-a');
      const id = encodeURIComponent(job.id);
      expectRefused(await api.post(`/api/jobs/${id}/complete`, TOKENS.erp, { workerId: 'worker-b' }), 409);
      expect([400, 404, 409]).toContain((await api.post(`/engine-rest/external-task/${id}/complete`, TOKENS.erp, { workerId: 'worker-b' })).status);
      expect(await events(orderNo, 'job.completed')).toEqual([]);
      const done = await api.post(`/v2/jobs/${id}/completion`, TOKENS.erp, {});
      expect(done.status, done.text).toBe(204);
      expect(await events(orderNo, 'job.completed')).toEqual([objectWith({ actor: 'erp', data: objectWith({ lockedBy: 'worker-a' }) })]);
    },
  },
];

// 7. Concurrent completions.
const concurrent: Row[] = [
  {
    attempt: 'three departments acknowledge a special change at the same moment: three completions, the history in order',
    run: async () => {
      const orderNo = await enterOrder(80_000, 'credit', { specialChange: { description: 'paint in RAL 5015' } });
      const tasks = await tasksOf(orderNo);
      const token: Record<string, string> = { procurement: TOKENS.procurement, production: TOKENS.production, inspection: TOKENS.inspection };
      const answers = await Promise.all(tasks.map((task) => complete(task, token[task.candidateGroups[0]], { acknowledged: true })));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200]);
      const all = await history(orderNo);
      const stamps = all.map((entry) => entry.at);
      expect(stamps).toEqual([...stamps].sort());
      expect(all.filter((entry) => entry.event === 'task.completed')).toHaveLength(3);
    },
  },
  {
    attempt: 'two vice-presidents, one claiming and one completing the same review at once: never both',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      const [claimed, completed] = await Promise.all([claim(review, TOKENS.vp), complete(review, VIKTOR, { approved: true })]);
      const claimWon = claimed.status === 200;
      const done = await events(orderNo, 'task.completed');
      if (claimWon) {
        expect(completed.status).toBe(403);
        expect(done).toEqual([]);
      } else {
        expect(completed.status).toBe(200);
        expect(claimed.status).toBe(409);
        expect(done).toEqual([objectWith({ actor: 'viktor' })]);
      }
    },
  },
  {
    attempt: 'a vice-president\'s review and a change\'s acknowledgement, in two instances of one order, completed at once ten times: the history never reads backwards',
    run: async () => {
      for (let round = 0; round < 10; round++) {
        const orderNo = await enterOrder(750_000);
        const changed = await api.post(`/api/orders/${orderNo}/changes`, TOKENS.erp, { description: 'matt finish' });
        expect(changed.status, changed.text).toBe(201);
        const tasks = await tasksOf(orderNo);
        const review = tasks.find((task) => task.candidateGroups.includes('vice-president'))!;
        const acknowledgement = tasks.find((task) => task.candidateGroups.includes('procurement'))!;
        expect(review.instanceId).not.toBe(acknowledgement.instanceId);
        const answers = await Promise.all([complete(review, TOKENS.vp, { approved: true }), complete(acknowledgement, TOKENS.procurement, { acknowledged: true })]);
        expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
        const stamps = (await order(orderNo)).history.map((entry) => entry.at);
        expect(stamps, orderNo).toEqual([...stamps].sort());
        expect((await order(orderNo)).history.filter((entry) => entry.event === 'task.completed').map((entry) => entry.actor).sort()).toEqual(['paul', 'vera']);
      }
    },
  },
];

describe('the newest controls on every route', () => {
  describe('1. claims: nobody holds a task hostage, an operator frees any claim', () => {
    it.each(claimsAndFourEyes)('$attempt', ({ run }) => run());
  });
  describe('2. candidate users beside groups', () => {
    it.each(offers)('$attempt', ({ run }) => run());
  });
  describe('3. refused attempts are kept, never as an unbounded body', () => {
    it.each(refused)('$attempt', ({ run }) => run());
  });
  describe('4. flow.taken names what the conditions read', () => {
    it.each(flowTaken)('$attempt', ({ run }) => run());
  });
  describe('5. duplicate keys on every route', () => {
    it.each(duplicates)('$attempt', ({ run }) => run());
  });
  describe('6. data.lockedBy', () => {
    it.each(lockedBy)('$attempt', ({ run }) => run());
  });
  describe('7. concurrent completions', () => {
    it.each(concurrent)('$attempt', ({ run }) => run());
  });
  // A user in no group sent 200 refused completions in 3 s in a measurement, 1.2 MB of history that
  // GET /api/orders/{orderNo} returns whole: one person's refused attempts at one task are kept up to a bound.
  describe('repeated refused attempts', () => {
    it('keeps the first ten refused attempts of one person at one task, the tenth saying so; every attempt is still refused, and another person\'s are kept', async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      for (let attempt = 0; attempt < 30; attempt++) expect((await complete(review, TOKENS.nobody, { approved: true, comment: `try ${attempt}` })).status).toBe(403);
      const kept = await events(orderNo, 'task.refused');
      expect(kept).toHaveLength(10);
      expect(kept.map((entry) => (entry.data?.variables as { comment: string }).comment)).toEqual(Array.from({ length: 10 }, (_, attempt) => `try ${attempt}`));
      expect(kept.map((entry) => entry.data?.lastKept ?? false)).toEqual([...Array.from({ length: 9 }, () => false), true]);
      // another person's attempts at the same task are their own
      expect((await complete(review, TOKENS.director, { approved: true })).status).toBe(403);
      expect(await events(orderNo, 'task.refused')).toHaveLength(11);
      expect((await complete(review, TOKENS.vp, { approved: true, comment: 'ok' })).status).toBe(200);
    });

    it('counts one person\'s refused attempts at one task per reason: ten refused for what they set leave room for a later refusal of another kind', async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      for (let attempt = 0; attempt < 10; attempt++) expect((await complete(review, TOKENS.vp, { approved: true, amount: attempt })).status).toBe(422);
      const reasonsKept = async () => (await events(orderNo, 'task.refused')).map((entry) => entry.data?.reason);
      const [variableReason] = await reasonsKept();
      expect(await reasonsKept()).toEqual(Array.from({ length: 10 }, () => variableReason));
      expect((await complete(review, TOKENS.vp, { approved: true, amount: 10 })).status).toBe(422);
      expect(await reasonsKept()).toHaveLength(10);
      // the same person, refused at the same task for another reason (another vice-president claimed it), is kept
      expect((await claim(review, VIKTOR)).status).toBe(200);
      const claimed = await complete(review, TOKENS.vp, { approved: true });
      expect(claimed.status).toBeGreaterThanOrEqual(400);
      const reasons = await reasonsKept();
      expect(reasons).toHaveLength(11);
      expect(reasons.at(-1)).not.toBe(variableReason);
      expect((await complete(review, VIKTOR, { approved: true })).status).toBe(200);
    });

    it('counts one person\'s role-refused attempts at one job together on every route: ten kept, whichever route came next', async () => {
      const orderNo = await enterOrder(80_000);
      const [job] = await fetchJobs('procurement-planning', orderNo);
      const id = encodeURIComponent(job.id);
      const routes = [
        [`/api/jobs/${id}/complete`, { workerId: 'newest' }],
        [`/engine-rest/external-task/${id}/complete`, { workerId: 'newest' }],
        [`/v2/jobs/${id}/completion`, {}],
      ] as const;
      // the director is in no integration group: every attempt is a 403 of the role check
      for (let round = 0; round < 4; round++) {
        for (const [path, body] of routes) expectRefused(await api.post(path, TOKENS.director, body), 403, undefined, path);
      }
      const kept = await events(orderNo, 'job.refused');
      expect(kept.map((entry) => entry.via)).toEqual([...Array.from({ length: 3 }, () => ['api', 'camunda7', 'camunda8']).flat(), 'api']);
      expect(kept.map((entry) => entry.data?.lastKept ?? false)).toEqual([...Array.from({ length: 9 }, () => false), true]);
      expect(kept.every((entry) => entry.actor === 'dirk' && entry.data?.reason === 'role')).toBe(true);
      // another person's attempt is their own, and the worker holding the lock still completes the job
      expectRefused(await api.post(routes[1][0], TOKENS.vp, routes[1][1]), 403);
      expect((await events(orderNo, 'job.refused')).map((entry) => entry.actor)).toEqual([...Array.from({ length: 10 }, () => 'dirk'), 'vera']);
      expect((await api.post(`/api/jobs/${id}/complete`, TOKENS.erp, { workerId: 'newest' })).status).toBe(200);
    });
  });
  describe('a claim and a change of groups', () => {
    it('viktor\'s claim outlives his leaving the vice-presidents: he no longer decides, vera waits for an operator to free it', async () => {
      const orderNo = await enterOrder(750_000);
      const [review] = await tasksOf(orderNo);
      expect((await claim(review, VIKTOR)).status).toBe(200);
      await server.close();
      writeUsers(['sales-director']);
      server = await startTestServer({ dataDir, bodyBytes: DEFAULT_BODY_LIMIT });
      api = server.api;
      expect(await claimedBy(review)).toBe('viktor');
      expect(refusalMembers(await complete(review, VIKTOR, { approved: true }))).toMatchObject({ reason: 'not-offered' });
      expect(refusalMembers(await complete(review, TOKENS.vp, { approved: true }))).toMatchObject({ reason: 'not-offered', claimedBy: 'viktor' });
      expect(await mine(TOKENS.vp)).not.toContain(review.id);
      expect((await unclaim(review, VIKTOR)).status).toBe(200); // he may still give it back
      expect((await complete(review, TOKENS.vp, { approved: true })).status).toBe(200);
    });
  });
});
