// The controls hold for the task and job kinds Camunda diagrams bring, through
// the real HTTP server: tasks assigned to a user or offered to candidate users,
// Camunda 7 code run as jobs (a Java class, a connector), and the shipped
// library's house rules against a foreign file deployed under its key.
//   1. A decision is made where it is asked for (declared completion variables).
//   2. Four eyes, also between tasks assigned by name.
//   3. Who may act: the assignee or a candidate user, never another user; jobs are the integration's.
//   4. The shipped library stays as strict as it was.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView, JobView, TaskView } from '../../../engine/api.js';
import { expectedRefusalStatus, problemOf, TEST_USERS, TOKENS, type ApiClient, type ApiResponse } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { objectWith } from '../../support/matchers.js';
import { fourEyesFacts, refusalMembers, taskFacts } from '../support/task-refusal.js';

const BO = 'test-bo-token';
const ASSIGNED = readFileSync(new URL('../../fixtures/engine/assigned-review.bpmn', import.meta.url), 'utf8');
const CODE = readFileSync(new URL('../../fixtures/engine/camunda7-code-jobs.bpmn', import.meta.url), 'utf8');
const APPROVAL = readFileSync(new URL('../../../diagrams/credit-order-approval.bpmn', import.meta.url), 'utf8');

let server: TestServer;
let api: ApiClient;
let count = 0;

beforeAll(async () => {
  const dataDir = makeDataDir();
  const users = [...TEST_USERS.users, { name: 'bo', token: BO, groups: ['task-users'] }];
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users }));
  server = await startTestServer({ dataDir });
  api = server.api;
  for (const [name, xml] of [['assigned-review.bpmn', ASSIGNED], ['camunda7-code-jobs.bpmn', CODE]] as const) {
    const deployed = await api.request('POST', `/api/deployments?name=${name}&note=controls`, {
      token: TOKENS.designer, body: xml, headers: { 'content-type': 'application/xml' },
    });
    expect(deployed.status, deployed.text).toBe(201);
  }
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

// helpers

async function startReview(owner: string): Promise<string> {
  const businessKey = `CLAIM-${++count}`;
  const response = await api.post('/api/processes/assigned-review/instances', TOKENS.erp, { businessKey, variables: { owner } });
  expect(response.status, response.text).toBe(201);
  return businessKey;
}

async function openTask(businessKey: string, elementId: string): Promise<string> {
  const tasks = (await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}`, TOKENS.erp)).body.filter((task) => task.elementId === elementId);
  expect(tasks, `one open ${elementId} task of ${businessKey}`).toHaveLength(1);
  return tasks[0].id;
}

const completeTask = (taskId: string, token: string, variables: Record<string, unknown>) =>
  api.post<InstanceView>(`/api/tasks/${taskId}/complete`, token, { variables });

async function startCode(): Promise<string> {
  const businessKey = `CODE-${++count}`;
  const response = await api.post('/api/processes/camunda7-code/instances', TOKENS.erp, { businessKey, variables: { year: 2026, announcementId: 'A-1' } });
  expect(response.status, response.text).toBe(201);
  return businessKey;
}

async function lockJob(type: string, businessKey: string, workerId = 'java-worker'): Promise<JobView> {
  const jobs = (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId, max: 100 })).body;
  const job = jobs.find((candidate) => candidate.businessKey === businessKey);
  expect(job, `a ${type} job of ${businessKey}`).toBeDefined();
  return job!;
}

async function completeJob(type: string, businessKey: string, variables: Record<string, unknown> = {}) {
  return api.post<InstanceView>(`/api/jobs/${(await lockJob(type, businessKey)).id}/complete`, TOKENS.erp, { variables, workerId: 'java-worker' });
}

function expectRefused(response: ApiResponse, status: number, field?: string, detail?: RegExp) {
  // 422 is 400 on Camunda 7's routes, as Camunda 7 answers a refused input
  expect(response.status, response.text).toBe(expectedRefusalStatus(response, status));
  expect(response.contentType).toContain('application/problem+json');
  const problem = problemOf(response);
  if (field) expect(problem.errors?.map((error) => error.field), response.text).toContain(field);
  if (detail) expect(problem.detail).toMatch(detail);
}

interface Row {
  attempt: string;
  run: () => Promise<void>;
}

const rows: Record<string, Row[]> = {
  '1. a decision is made where it is asked for': [
    {
      attempt: 'the assignee completes her task with a variable it does not declare',
      run: async () => {
        const claim = await startReview('bo');
        expectRefused(await completeTask(await openTask(claim, 'Check'), BO, { checked: true, claimApproved: true }), 422, '/variables/claimApproved');
      },
    },
    {
      attempt: 'a connector\'s worker sends the output target itself instead of what the output reads',
      run: async () => {
        const code = await startCode();
        for (const type of ['archiveInvoiceService', 'notificationDelegate', 'ledgerBooking']) expect((await completeJob(type, code)).status).toBe(200);
        expect((await completeJob('camunda-7-adapter', code, { postId: 'P-1' })).status).toBe(200);
        expectRefused(await completeJob('http-connector', code, { isHoliday: true }), 422, '/variables/isHoliday');
      },
    },
    {
      attempt: 'a Java delegate\'s worker (no declared outputs) sets the connector\'s output target',
      run: async () => {
        const code = await startCode();
        expectRefused(await completeJob('archiveInvoiceService', code, { isHoliday: false }), 422, '/variables/isHoliday');
      },
    },
  ],
  '2. four eyes': [
    {
      attempt: 'bo, assignee of the check and a candidate user of the approval, decides both',
      run: async () => {
        const claim = await startReview('bo');
        const check = await openTask(claim, 'Check');
        const decidedTask = await taskFacts(api, check);
        expect((await completeTask(check, BO, { checked: true })).status).toBe(200);
        const approve = await openTask(claim, 'Approve');
        const response = await completeTask(approve, BO, { approved: true });
        expectRefused(response, 403, undefined, /four eyes: bo already decided "Check the claim"/);
        expect(refusalMembers(response)).toEqual({ reason: 'four-eyes-other-task', ...await fourEyesFacts(api, approve), decidedTask });
        expect((await completeTask(await openTask(claim, 'Approve'), TOKENS.vp, { approved: true })).status).toBe(200);
      },
    },
  ],
  '3. who may act': [
    {
      attempt: 'a user of the default task group completes a task assigned to bo',
      run: async () => {
        const claim = await startReview('bo');
        const check = await openTask(claim, 'Check');
        const response = await completeTask(check, TOKENS.director, { checked: true });
        expectRefused(response, 403, undefined, /assigned to bo/);
        expect(refusalMembers(response)).toEqual({ reason: 'not-offered', task: await taskFacts(api, check), offeredTo: { assignee: 'bo', candidateUsers: [], candidateGroups: [] } });
        expectRefused(await completeTask(await openTask(claim, 'Check'), TOKENS.nobody, { checked: true }), 403);
      },
    },
    {
      attempt: 'a user who is not a candidate user approves',
      run: async () => {
        const claim = await startReview('vera');
        expect((await completeTask(await openTask(claim, 'Check'), TOKENS.vp, { checked: true })).status).toBe(200);
        const approve = await openTask(claim, 'Approve');
        const response = await completeTask(approve, TOKENS.procurement, { approved: true });
        expectRefused(response, 403, undefined, /offered to bo, vera/);
        expect(refusalMembers(response)).toEqual({ reason: 'not-offered', task: await taskFacts(api, approve), offeredTo: { assignee: null, candidateUsers: ['bo', 'vera'], candidateGroups: [] } });
      },
    },
    {
      attempt: 'a director\'s token fetches and completes the job of a Java class',
      run: async () => {
        const code = await startCode();
        expectRefused(await api.post('/api/jobs/fetch-and-lock', TOKENS.director, { type: 'archiveInvoiceService', workerId: 'dirk' }), 403);
        const job = await lockJob('archiveInvoiceService', code);
        expect(job.customHeaders).toEqual({ class: 'org.example.invoice.ArchiveInvoiceService' });
        expectRefused(await api.post(`/api/jobs/${job.id}/complete`, TOKENS.director, {}), 403);
      },
    },
    {
      attempt: 'the worker of a Java delegate names itself "dirk": the history keeps the authenticated user',
      run: async () => {
        const code = await startCode();
        const job = await lockJob('archiveInvoiceService', code, 'dirk');
        const response = await api.post<InstanceView>(`/api/jobs/${job.id}/complete`, TOKENS.erp, { workerId: 'dirk' });
        expect(response.status, response.text).toBe(200);
        expect(response.body.history.find((row) => row.event === 'job.completed')).toMatchObject({ actor: 'erp', data: { workerId: 'dirk' } });
      },
    },
    {
      attempt: 'GET /api/tasks?assignee=me shows bo his task and nobody else\'s',
      run: async () => {
        const claim = await startReview('bo');
        const mine = (await api.get<TaskView[]>('/api/tasks?assignee=me', BO)).body;
        expect(mine.filter((task) => task.businessKey === claim)).toEqual([objectWith({ assignee: 'bo' })]);
        expect(mine.every((task) => task.assignee === 'bo')).toBe(true);
        expect((await api.get<TaskView[]>('/api/tasks?assignee=me', TOKENS.vp)).body.filter((task) => task.businessKey === claim)).toEqual([]);
      },
    },
  ],
  '4. the shipped library stays as strict as it was': [
    {
      attempt: 'a designer deploys credit-order-approval from another tool (another namespace) without the director\'s group',
      run: async () => {
        const foreign = APPROVAL.replace('targetNamespace="http://stratum.example/bpmn/order-library"', 'targetNamespace="http://example.com/camunda"')
          .replace('<zeebe:assignmentDefinition candidateGroups="sales-director" />', '<zeebe:assignmentDefinition assignee="dirk" />');
        const response = await api.request('POST', '/api/deployments?name=credit-order-approval.bpmn&note=laxer', {
          token: TOKENS.designer, body: foreign, headers: { 'content-type': 'application/xml' },
        });
        expect(response.status, response.text).toBe(422);
        expect(problemOf(response).findings).toContainEqual(objectWith({
          elementId: 'UserTask_ApproveBySalesDirector', rule: 'user-task-candidate-groups', severity: 'error',
        }));
      },
    },
  ],
};

describe('bypass attempts with Camunda task and job kinds', () => {
  for (const [control, attempts] of Object.entries(rows)) {
    describe(control, () => {
      it.each(attempts)('$attempt', ({ run }) => run());
    });
  }
});
