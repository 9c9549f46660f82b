// Controls that hold, through the real HTTP server: every row is an attempt to
// walk around a control — the reproduced bypasses of issue 9 and more of the
// same kind — with the refusal (or the record) it must get.
//   1. A decision is made where it is asked for (declared completion variables).
//   2. Four eyes: one person decides at most one separated task of an order.
//   3. Who did it is who was authenticated (workerId is only a label).
//   4. A task is never handed to a server role by the variables a caller supplied.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HistoryEntry, InstanceView, JobView, OrderChangesView, TaskView } from '../../../engine/api.js';
import { expectedRefusalStatus, problemOf, TEST_USERS, TOKENS, type ApiClient, type ApiResponse, type InstancePage } from '../support/client.js';
import { makeDataDir, removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';
import { textContaining } from '../../support/matchers.js';
import { fourEyesFacts, refusalMembers, taskFacts } from '../support/task-refusal.js';

const BOTH = 'test-both-approver-token';
const ADMIN = 'test-admin-token';
/** bo again, with one token per approval group (one person, two credentials) */
const BO_AS_DIRECTOR = 'test-bo-director-token';
const BO_AS_VP = 'test-bo-vp-token';
/** an approver of the multi-instance fixture */
const ANN = 'test-ann-approver-token';
const MULTI_INSTANCE = readFileSync(new URL('../../fixtures/engine/multi-instance-separated.bpmn', import.meta.url), 'utf8');
const DECLARED = readFileSync(new URL('../../fixtures/engine/declared-outputs.bpmn', import.meta.url), 'utf8');
/** Waits for InvoicePaid under the invoice number (a correlation key that is not the business key), then for the payout decision. */
const INVOICE_CLAIM = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D_claim" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_paid" name="InvoicePaid"><bpmn:extensionElements><zeebe:subscription correlationKey="=invoiceNo" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="invoice-claim" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Paid" />
    <bpmn:intermediateCatchEvent id="Paid" name="Invoice paid"><bpmn:messageEventDefinition messageRef="Msg_paid" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Paid" targetRef="Approve" />
    <bpmn:userTask id="Approve" name="Approve payout">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="vice-president" />
        <zeebe:ioMapping><zeebe:output source="=approved" target="payoutApproved" /></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F3" sourceRef="Approve" targetRef="Decided" />
    <bpmn:exclusiveGateway id="Decided" name="Payout approved?" default="F5" />
    <bpmn:sequenceFlow id="F4" sourceRef="Decided" targetRef="PaidOut"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=payoutApproved = true</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F5" sourceRef="Decided" targetRef="Refused" />
    <bpmn:endEvent id="PaidOut" name="Paid out" />
    <bpmn:endEvent id="Refused" name="Refused" />
  </bpmn:process>
</bpmn:definitions>`;

/** The approval tiers as a decision table: the tier for more than 1,000,000 is the sales director's. */
const APPROVAL_TIER_DMN = readFileSync(new URL('../../fixtures/dmn/approval-tier.dmn', import.meta.url), 'utf8');
/** A credit check whose tier a decision sets; the gateway that reads it comes after a message and a job. */
const DECIDED_TIER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D_tier" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_rating" name="RatingReceived" />
  <bpmn:process id="decided-tier" isExecutable="true">
    <bpmn:startEvent id="Start" name="Credit requested" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Tier" />
    <bpmn:businessRuleTask id="Tier" name="Decide the approval tier">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="approval-tier" resultVariable="tier" /></bpmn:extensionElements>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Tier" targetRef="Rated" />
    <bpmn:intermediateCatchEvent id="Rated" name="Rating received"><bpmn:messageEventDefinition messageRef="Msg_rating" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F3" sourceRef="Rated" targetRef="Check" />
    <bpmn:serviceTask id="Check" name="Check the credit line">
      <bpmn:extensionElements><zeebe:taskDefinition type="credit-line-check" /></bpmn:extensionElements>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="F4" sourceRef="Check" targetRef="Which" />
    <bpmn:exclusiveGateway id="Which" name="Tier?" default="F6" />
    <bpmn:sequenceFlow id="F5" name="automatic" sourceRef="Which" targetRef="Automatic"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=tier = "automatic"</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="F6" name="an approver" sourceRef="Which" targetRef="Approve" />
    <bpmn:endEvent id="Automatic" name="Approved automatically" />
    <bpmn:userTask id="Approve" name="Approve the credit">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F7" sourceRef="Approve" targetRef="Approved" />
    <bpmn:endEvent id="Approved" name="Approved" />
  </bpmn:process>
</bpmn:definitions>`;

/**
 * An approval whose decider a variable names (`assignment`: the attribute and its expression): whoever supplies
 * the variable chooses the decider.
 */
const picked = (key: string, assignment: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_${key}" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="${key}" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Approve" />
    <bpmn:userTask id="Approve" name="Approve the request">
      <bpmn:extensionElements><zeebe:assignmentDefinition ${assignment} /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Approve" targetRef="Done" />
    <bpmn:endEvent id="Done" name="Done" />
  </bpmn:process>
</bpmn:definitions>`;
/** Offered to the group a variable names. */
const PICKED_GROUP = picked('picked-approval', 'candidateGroups="=approverGroup"');
/** Assigned to the user a variable names. */
const PICKED_USER = picked('picked-user-approval', 'assignee="=approver"');

/** A request reviewed by one separated task, started by a plain start (generic and Camunda 8 routes) or a message. */
const REVIEWED_REQUEST = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_reviewed" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_review" name="ReviewRequested" />
  <bpmn:process id="reviewed-request" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="separationOfDuties" value="Review" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start" />
    <bpmn:startEvent id="Requested"><bpmn:messageEventDefinition messageRef="Msg_review" /></bpmn:startEvent>
    <bpmn:exclusiveGateway id="Merge" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Merge" />
    <bpmn:sequenceFlow id="F2" sourceRef="Requested" targetRef="Merge" />
    <bpmn:sequenceFlow id="F3" sourceRef="Merge" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review the request">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="sales-director" /></bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F4" sourceRef="Review" targetRef="Done" />
    <bpmn:endEvent id="Done" name="Done" />
  </bpmn:process>
</bpmn:definitions>`;

let server: TestServer;
let api: ApiClient;
let orderCount = 0;

beforeAll(async () => {
  const dataDir = makeDataDir();
  const users = [
    ...TEST_USERS.users,
    // may see both approval tasks, must not decide both
    { name: 'bo', token: BOTH, groups: ['sales-director', 'vice-president'] },
    { name: 'bo', token: BO_AS_DIRECTOR, groups: ['sales-director'] },
    { name: 'bo', token: BO_AS_VP, groups: ['vice-president'] },
    { name: 'root', token: ADMIN, groups: ['admin', 'designer', 'integration', 'sales-director', 'vice-president', 'procurement', 'production', 'inspection'] },
    { name: 'ann', token: ANN, groups: ['approvers', 'checkers'] },
  ];
  writeFileSync(join(dataDir, 'users.json'), JSON.stringify({ users }));
  server = await startTestServer({ dataDir });
  api = server.api;
  for (const [name, xml] of [['approval-tier.dmn', APPROVAL_TIER_DMN], ['decided-tier.bpmn', DECIDED_TIER], ['declared-outputs.bpmn', DECLARED], ['invoice-claim.bpmn', INVOICE_CLAIM], ['picked-approval.bpmn', PICKED_GROUP], ['picked-user-approval.bpmn', PICKED_USER], ['reviewed-request.bpmn', REVIEWED_REQUEST], ['multi-instance-separated.bpmn', MULTI_INSTANCE]]) {
    const deployed = await api.request('POST', `/api/deployments?name=${name}`, {
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

async function enterOrder(amount: number, extra: Record<string, unknown> = {}, token: string = TOKENS.erp): Promise<string> {
  const orderNo = `CTL-${++orderCount}`;
  const response = await api.post('/api/orders', token, {
    orderNo, customer: { name: 'Hoffmann Maschinenbau GmbH' }, amount, currency: 'CNY', paymentTerms: 'credit', ...extra,
  });
  expect(response.status, response.text).toBe(201);
  return orderNo;
}

async function startDeclared(): Promise<string> {
  const businessKey = `DCL-${++orderCount}`;
  const response = await api.post('/api/processes/declared-outputs/instances', TOKENS.erp, { businessKey });
  expect(response.status, response.text).toBe(201);
  return businessKey;
}

async function openTask(businessKey: string, group: string): Promise<string> {
  const tasks = (await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}&candidateGroup=${group}`, TOKENS.erp)).body;
  expect(tasks, `one open ${group} task of ${businessKey}`).toHaveLength(1);
  return tasks[0].id;
}

const completeTask = (taskId: string, token: string, variables: Record<string, unknown>) =>
  api.post<InstanceView>(`/api/tasks/${taskId}/complete`, token, { variables });

async function decide(businessKey: string, group: string, token: string, variables: Record<string, unknown>) {
  const response = await completeTask(await openTask(businessKey, group), token, variables);
  expect(response.status, response.text).toBe(200);
  return response;
}

/** The worker the tests fetch jobs as: only the lock's holder completes a job it holds. */
const WORKER = 'erp-worker-1';

async function lockJob(type: string, businessKey: string, workerId = WORKER): Promise<string> {
  const jobs = (await api.post<JobView[]>('/api/jobs/fetch-and-lock', TOKENS.erp, { type, workerId, max: 100 })).body;
  const job = jobs.find((candidate) => candidate.businessKey === businessKey);
  expect(job, `a ${type} job of ${businessKey}`).toBeDefined();
  return job!.id;
}

async function orderView(orderNo: string) {
  const [root] = (await api.get<InstancePage>(`/api/instances?businessKey=${orderNo}&processKey=order-to-cash`, TOKENS.erp)).body.items;
  return (await api.get<InstanceView>(`/api/instances/${root.id}`, TOKENS.erp)).body;
}

/** The order was not moved on: it still waits for `group`'s task and no planning job exists. */
async function expectStillWaitingFor(orderNo: string, group: string) {
  const view = await orderView(orderNo);
  expect(view.status).toBe('running');
  expect(view.waiting.filter((wait) => wait.type === 'job')).toEqual([]);
  expect(view.waiting.some((wait) => wait.candidateGroups?.includes(group))).toBe(true);
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

// 1. A decision is made where it is asked for.
const decisions: Row[] = [
  {
    attempt: 'the vice-president completes a 3,000,000 order with {} after the director approved (approved is still true)',
    run: async () => {
      const orderNo = await enterOrder(3_000_000);
      await decide(orderNo, 'sales-director', TOKENS.director, { approved: true });
      const response = await completeTask(await openTask(orderNo, 'vice-president'), TOKENS.vp, {});
      expectRefused(response, 422, '/variables/approved', /vicePresidentApproved/);
      await expectStillWaitingFor(orderNo, 'vice-president');
    },
  },
  {
    attempt: 'procurement acknowledges the special change of a 750,000 order with {"approved": true}',
    run: async () => {
      const orderNo = await enterOrder(750_000, { specialChange: { description: 'paint in RAL 5015' } });
      const response = await completeTask(await openTask(orderNo, 'procurement'), TOKENS.procurement, { approved: true });
      expectRefused(response, 422, '/variables/approved', /does not declare approved/);
      // Acknowledged as declared, the order still needs the vice-president.
      await decide(orderNo, 'procurement', TOKENS.procurement, { acknowledged: true });
      await decide(orderNo, 'production', TOKENS.production, { acknowledged: true });
      await decide(orderNo, 'inspection', TOKENS.inspection, { acknowledged: true });
      await expectStillWaitingFor(orderNo, 'vice-president');
    },
  },
  {
    attempt: 'procurement acknowledges with the vice-president\'s output {"vicePresidentApproved": true}',
    run: async () => {
      const orderNo = await enterOrder(750_000, { specialChange: { description: 'paint in RAL 5015' } });
      const response = await completeTask(await openTask(orderNo, 'procurement'), TOKENS.procurement, { vicePresidentApproved: true });
      expectRefused(response, 422, '/variables/vicePresidentApproved');
    },
  },
  {
    attempt: 'the director approves and sets the vice-president\'s decision in the same completion',
    run: async () => {
      const orderNo = await enterOrder(3_000_000);
      const response = await completeTask(await openTask(orderNo, 'sales-director'), TOKENS.director, { approved: true, vicePresidentApproved: true });
      expectRefused(response, 422, '/variables/vicePresidentApproved');
      await expectStillWaitingFor(orderNo, 'sales-director');
    },
  },
  {
    attempt: 'the vice-president sends "yes" instead of a boolean',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      expectRefused(await completeTask(await openTask(orderNo, 'vice-president'), TOKENS.vp, { approved: 'yes' }), 422);
      await expectStillWaitingFor(orderNo, 'vice-president');
    },
  },
  {
    attempt: 'an approver sets the riskClass a later condition reads (not declared by the approval task)',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const response = await completeTask(await openTask(orderNo, 'vice-president'), TOKENS.vp, { approved: true, riskClass: 'low' });
      expectRefused(response, 422, '/variables/riskClass');
    },
  },
  {
    attempt: 'someone completing an unrelated task without outputs sets riskClass',
    run: async () => {
      const key = await startDeclared();
      await api.post(`/api/jobs/${await lockJob('noting', key)}/complete`, TOKENS.erp, { workerId: WORKER });
      await api.post(`/api/jobs/${await lockJob('scoring', key)}/complete`, TOKENS.erp, { variables: { score: 700 }, workerId: WORKER });
      await decide(key, 'vice-president', TOKENS.vp, { riskClass: 'high' });
      const response = await completeTask(await openTask(key, 'sales-director'), TOKENS.director, { riskClass: 'low' });
      expectRefused(response, 422, '/variables/riskClass', /declares no variables/);
    },
  },
  {
    attempt: 'a worker without declared outputs sets riskClass, which the risk task decides',
    run: async () => {
      const key = await startDeclared();
      const response = await api.post(`/api/jobs/${await lockJob('noting', key)}/complete`, TOKENS.erp, { variables: { riskClass: 'low' }, workerId: WORKER });
      expectRefused(response, 422, '/variables/riskClass');
    },
  },
  {
    attempt: 'a worker with declared outputs sends a variable its outputs do not read',
    run: async () => {
      const key = await startDeclared();
      await api.post(`/api/jobs/${await lockJob('noting', key)}/complete`, TOKENS.erp, { workerId: WORKER });
      const response = await api.post(`/api/jobs/${await lockJob('scoring', key)}/complete`, TOKENS.erp, { variables: { score: 1, riskClass: 'low' }, workerId: WORKER });
      expectRefused(response, 422, '/variables/riskClass', /declares only score/);
    },
  },
  {
    attempt: 'a worker reports a BPMN error carrying riskClass',
    run: async () => {
      const key = await startDeclared();
      const response = await api.post(`/api/jobs/${await lockJob('noting', key)}/bpmn-error`, TOKENS.erp, { errorCode: 'BLOCKED', variables: { riskClass: 'low' }, workerId: WORKER });
      expectRefused(response, 422, '/variables/riskClass');
    },
  },
  {
    attempt: 'a message keyed by another variable than the business key sets the decision of the task after its catch',
    run: async () => {
      const businessKey = `CLM-${++orderCount}`;
      const started = await api.post<InstanceView>('/api/processes/invoice-claim/instances', TOKENS.erp, { businessKey, variables: { invoiceNo: `INV-${orderCount}` } });
      expect(started.status, started.text).toBe(201);
      for (const [route, send] of [
        () => api.post('/api/messages', TOKENS.erp, { name: 'InvoicePaid', businessKey: `INV-${orderCount}`, variables: { payoutApproved: true } }),
        () => api.post('/engine-rest/message', TOKENS.erp, { messageName: 'InvoicePaid', businessKey: `INV-${orderCount}`, processVariables: { payoutApproved: { value: true, type: 'Boolean' } } }),
        () => api.post('/v2/messages/publication', TOKENS.erp, { name: 'InvoicePaid', correlationKey: `INV-${orderCount}`, variables: { payoutApproved: true } }),
      ].entries()) {
        const response = await send();
        expect(response.status, `route ${route}: ${response.text}`).toBe(expectedRefusalStatus(response, 422));
        expect(problemOf(response).detail).toMatch(/payoutApproved/);
      }
      const view = (await api.get<InstanceView>(`/api/instances/${started.body.id}`, TOKENS.erp)).body;
      expect(view.waiting.map((wait) => wait.elementId)).toEqual(['Paid']);
      expect(view.variables).not.toHaveProperty('payoutApproved');
    },
  },
  {
    attempt: 'reproduced bypass: a worker, a message or a BPMN error sets the tier a decision table decided, so the gateway skips the sales director',
    run: async () => {
      const businessKey = `TIER-${++orderCount}`;
      const started = await api.post<InstanceView>('/api/processes/decided-tier/instances', TOKENS.erp, { businessKey, variables: { reportingAmount: 5_000_000 } });
      expect(started.status, started.text).toBe(201);
      expect(started.body.variables).toMatchObject({ tier: 'sales-director' });
      const forged = { tier: 'automatic' };
      for (const [route, send] of [
        () => api.post('/api/messages', TOKENS.erp, { name: 'RatingReceived', businessKey, variables: forged }),
        () => api.post('/engine-rest/message', TOKENS.erp, { messageName: 'RatingReceived', businessKey, processVariables: { tier: { value: 'automatic', type: 'String' } } }),
        () => api.post('/v2/messages/publication', TOKENS.erp, { name: 'RatingReceived', correlationKey: businessKey, variables: forged }),
      ].entries()) {
        expectRefused(await send(), 422, undefined, /may not set tier/);
        expect(route).toBeLessThan(3);
      }
      expect((await api.post('/api/messages', TOKENS.erp, { name: 'RatingReceived', businessKey })).status).toBe(200);
      const job = await lockJob('credit-line-check', businessKey);
      for (const send of [
        () => api.post(`/api/jobs/${job}/complete`, TOKENS.erp, { workerId: WORKER, variables: forged }),
        () => api.post(`/api/jobs/${job}/bpmn-error`, TOKENS.erp, { workerId: WORKER, errorCode: 'LIMIT', variables: forged }),
        () => api.post(`/engine-rest/external-task/${job}/complete`, TOKENS.erp, { workerId: WORKER, variables: { tier: { value: 'automatic', type: 'String' } } }),
        () => api.post(`/v2/jobs/${job}/completion`, TOKENS.erp, { variables: forged }),
      ]) expectRefused(await send(), 422, '/variables/tier', /may not set tier/);
      expect((await api.post(`/api/jobs/${job}/complete`, TOKENS.erp, { workerId: WORKER })).status).toBe(200);
      const view = (await api.get<InstanceView>(`/api/instances/${started.body.id}`, TOKENS.erp)).body;
      expect(view.status).toBe('running');
      expect(view.variables).toMatchObject({ tier: 'sales-director' });
      expect(view.waiting.map((wait) => wait.elementId)).toEqual(['Approve']);
    },
  },
  {
    attempt: 'a planning worker rewrites the order status the sales order sets',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const response = await api.post(`/api/jobs/${await lockJob('procurement-planning', orderNo)}/complete`, TOKENS.erp, { variables: { orderStatus: 'rejected' }, workerId: WORKER });
      expectRefused(response, 422, '/variables/orderStatus');
    },
  },
];

// 2. Four eyes.
const fourEyes: Row[] = [
  {
    attempt: 'a user in both groups approves a 3,000,000 order as director and then as vice-president',
    run: async () => {
      const orderNo = await enterOrder(3_000_000);
      const decidedTask = await taskFacts(api, await openTask(orderNo, 'sales-director'));
      await decide(orderNo, 'sales-director', BOTH, { approved: true });
      const review = await openTask(orderNo, 'vice-president');
      const response = await completeTask(review, BOTH, { approved: true });
      expectRefused(response, 403, undefined, /bo already decided "Approve order \(sales director\)"/);
      expect(refusalMembers(response)).toEqual({ reason: 'four-eyes-other-task', ...await fourEyesFacts(api, review), decidedTask });
      expect(decidedTask).toMatchObject({ processKey: 'credit-order-approval', elementId: 'UserTask_ApproveBySalesDirector', name: 'Approve order (sales director)' });
      await expectStillWaitingFor(orderNo, 'vice-president');
    },
  },
  {
    attempt: 'the same user rejects in the second step instead (a decision either way)',
    run: async () => {
      const orderNo = await enterOrder(3_000_000);
      await decide(orderNo, 'sales-director', BOTH, { approved: true });
      expectRefused(await completeTask(await openTask(orderNo, 'vice-president'), BOTH, { approved: false, comment: 'Credit limit exceeded.' }), 403);
    },
  },
  {
    attempt: 'the same person decides each step with another token, each in one group only',
    run: async () => {
      const orderNo = await enterOrder(3_000_000);
      await decide(orderNo, 'sales-director', BO_AS_DIRECTOR, { approved: true });
      expectRefused(await completeTask(await openTask(orderNo, 'vice-president'), BO_AS_VP, { approved: true }), 403, undefined, /bo already decided/);
      await expectStillWaitingFor(orderNo, 'vice-president');
    },
  },
  {
    attempt: 'the operator who retries the order\'s incidents decides an approval step',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      const review = await openTask(orderNo, 'vice-president');
      const response = await completeTask(review, TOKENS.operations, { approved: true });
      expectRefused(response, 403, undefined, /is for vice-president; otto is not among them/);
      expect(refusalMembers(response)).toEqual({
        reason: 'not-offered', task: await taskFacts(api, review), offeredTo: { assignee: null, candidateUsers: [], candidateGroups: ['vice-president'] },
      });
      await expectStillWaitingFor(orderNo, 'vice-president');
    },
  },
  {
    attempt: 'an administrator in every group decides both steps',
    run: async () => {
      const orderNo = await enterOrder(3_000_000);
      await decide(orderNo, 'sales-director', ADMIN, { approved: true });
      expectRefused(await completeTask(await openTask(orderNo, 'vice-president'), ADMIN, { approved: true }), 403, undefined, /four eyes/);
    },
  },
  {
    attempt: 'an administrator who entered the order approves it',
    run: async () => {
      const orderNo = await enterOrder(750_000, {}, ADMIN);
      const review = await openTask(orderNo, 'vice-president');
      const response = await completeTask(review, ADMIN, { approved: true });
      expectRefused(response, 403, undefined, new RegExp(`four eyes: root started order ${orderNo}, so another person must decide "Review order \\(vice-president\\)"`));
      expect(refusalMembers(response)).toEqual({ reason: 'four-eyes-starter', ...await fourEyesFacts(api, review) });
      await expectStillWaitingFor(orderNo, 'vice-president');
      await decide(orderNo, 'vice-president', TOKENS.vp, { approved: true });
    },
  },
  ...([
    ['the generic start', (businessKey: string) => api.post('/api/processes/reviewed-request/instances', ADMIN, { businessKey })],
    ['Camunda 8\'s start', (businessKey: string) => api.post('/v2/process-instances', ADMIN, { processDefinitionId: 'reviewed-request', businessId: businessKey })],
    ['a message start', (businessKey: string) => api.post('/api/messages', ADMIN, { name: 'ReviewRequested', businessKey })],
  ] as const).map(([route, start]): Row => ({
    attempt: `an administrator who started a request through ${route} reviews it`,
    run: async () => {
      const businessKey = `REV-${++orderCount}`;
      const started = await start(businessKey);
      expect(started.status, started.text).toBeLessThan(300);
      const review = await openTask(businessKey, 'sales-director');
      const response = await completeTask(review, ADMIN, {});
      expectRefused(response, 403, undefined, new RegExp(`four eyes: root started order ${businessKey}, so another person must decide "Review the request"`));
      expect(refusalMembers(response)).toEqual({ reason: 'four-eyes-starter', ...await fourEyesFacts(api, review) });
      await decide(businessKey, 'sales-director', TOKENS.director, {});
    },
  })),
  {
    attempt: 'an administrator raises the amount of an order the ERP entered, then approves the raise',
    run: async () => {
      const orderNo = await enterOrder(300_000); // below every tier: no approval at entry
      const changed = await api.post(`/api/orders/${orderNo}/changes`, ADMIN, { description: 'ten times the units', amount: 3_000_000, changeId: 'C-2' });
      expect(changed.status, changed.text).toBe(201);
      for (const group of ['procurement', 'production', 'inspection'] as const) await decide(orderNo, group, TOKENS[group], { acknowledged: true, comment: 'ok' });
      const approval = await openTask(orderNo, 'sales-director');
      const response = await completeTask(approval, ADMIN, { approved: true });
      expectRefused(response, 403, undefined, new RegExp(`four eyes: root requested change C-2 of order ${orderNo}, so another person must decide "Approve order \\(sales director\\)"`));
      expect(refusalMembers(response)).toEqual({ reason: 'four-eyes-change-requester', ...await fourEyesFacts(api, approval), changeId: 'C-2' });
      await decide(orderNo, 'sales-director', TOKENS.director, { approved: true });
      await decide(orderNo, 'vice-president', TOKENS.vp, { approved: true });
      const changes = (await api.get<OrderChangesView>(`/api/orders/${orderNo}/changes`, TOKENS.erp)).body;
      expect(changes.changes.map((change) => [change.changeId, change.requestedBy, change.status])).toEqual([['C-2', 'root', 'approved']]);
      expect(changes.amount).toBe('3000000.00');
      expect(await lockJob('procurement-planning', orderNo)).toBeDefined(); // the order proceeds
    },
  },
  {
    attempt: 'an approver decides both iterations of a multi-instance approval',
    run: async () => {
      const businessKey = `MI-${++orderCount}`;
      const started = await api.post('/api/processes/mi-separated-parallel/instances', TOKENS.erp, { businessKey });
      expect(started.status, started.text).toBe(201);
      const [first, second] = (await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}`, TOKENS.erp)).body.map((task) => task.id);
      const decidedTask = await taskFacts(api, first);
      expect((await completeTask(first, ANN, {})).status).toBe(200);
      const response = await completeTask(second, ANN, {});
      expectRefused(response, 403, undefined, /four eyes: ann already decided another iteration of "Approve" \(mi-separated-parallel\/Approve\)/);
      expect(refusalMembers(response)).toEqual({ reason: 'four-eyes-other-iteration', ...await fourEyesFacts(api, second), decidedTask });
    },
  },
  {
    attempt: 'one person in all three departments acknowledges a special change alone',
    run: async () => {
      const orderNo = await enterOrder(100_000, { specialChange: { description: 'paint in RAL 5015' } });
      const procurement = await openTask(orderNo, 'procurement');
      const decidedTask = await taskFacts(api, procurement);
      expect((await completeTask(procurement, ADMIN, { acknowledged: true })).status).toBe(200);
      const production = await openTask(orderNo, 'production');
      const response = await completeTask(production, ADMIN, { acknowledged: true });
      expectRefused(response, 403, undefined, new RegExp(`four eyes: root already decided "Acknowledge special change \\(procurement\\)" in this special-change-notification of order ${orderNo}, so another person must decide "Acknowledge special change \\(production\\)"`));
      expect(refusalMembers(response)).toEqual({ reason: 'four-eyes-distinct-deciders', ...await fourEyesFacts(api, production), decidedTask });
      await decide(orderNo, 'production', TOKENS.production, { acknowledged: true });
      await decide(orderNo, 'inspection', TOKENS.inspection, { acknowledged: true });
      expect(await lockJob('procurement-planning', orderNo)).toBeDefined(); // acknowledged by three people: the order goes on
    },
  },
  {
    attempt: 'an administrator in all three departments requests a change of an order, then acknowledges their own change for a department',
    run: async () => {
      const orderNo = await enterOrder(100_000);
      const changed = await api.post(`/api/orders/${orderNo}/changes`, ADMIN, { description: 'paint in RAL 5015', changeId: 'C-OWN' });
      expect(changed.status, changed.text).toBe(201);
      const production = await openTask(orderNo, 'production');
      const response = await completeTask(production, ADMIN, { acknowledged: true });
      expectRefused(response, 403, undefined, new RegExp(`four eyes: root requested change C-OWN of order ${orderNo}, so another person must decide "Acknowledge special change \\(production\\)"`));
      expect(refusalMembers(response)).toEqual({ reason: 'four-eyes-change-requester', ...await fourEyesFacts(api, production), changeId: 'C-OWN' });
      for (const group of ['procurement', 'production', 'inspection'] as const) await decide(orderNo, group, TOKENS[group], { acknowledged: true });
      const changes = (await api.get<OrderChangesView>(`/api/orders/${orderNo}/changes`, TOKENS.erp)).body;
      expect(changes.changes.map((change) => [change.changeId, change.requestedBy, change.status])).toEqual([['C-OWN', 'root', 'accepted']]);
    },
  },
  {
    attempt: 'an administrator in all three departments enters an order with a special change, then acknowledges it for a department',
    run: async () => {
      const orderNo = await enterOrder(100_000, { specialChange: { description: 'paint in RAL 5015' } }, ADMIN);
      const inspection = await openTask(orderNo, 'inspection');
      const response = await completeTask(inspection, ADMIN, { acknowledged: true });
      expectRefused(response, 403, undefined, new RegExp(`four eyes: root started order ${orderNo}, so another person must decide "Acknowledge special change \\(inspection\\)"`));
      expect(refusalMembers(response)).toEqual({ reason: 'four-eyes-starter', ...await fourEyesFacts(api, inspection) });
      for (const group of ['procurement', 'production', 'inspection'] as const) await decide(orderNo, group, TOKENS[group], { acknowledged: true });
      expect(await lockJob('procurement-planning', orderNo)).toBeDefined();
    },
  },
];

// 4. A task is never handed to a server role.
const roles: Row[] = [
  {
    attempt: 'the integration starts a process whose approval goes to the group it names, and names its own',
    run: async () => {
      const businessKey = `PCK-${++orderCount}`;
      const started = await api.post<InstanceView>('/api/processes/picked-approval/instances', TOKENS.erp, { businessKey, variables: { approverGroup: 'integration' } });
      expect(started.status, started.text).toBe(201);
      expect(started.body.status).toBe('failed');
      expect(started.body.incident).toMatchObject({
        elementId: 'Approve', message: textContaining('candidate groups =approverGroup gave "integration", a group that grants a server role'),
      });
      expect((await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}`, TOKENS.erp)).body).toEqual([]);
    },
  },
  {
    attempt: 'the integration starts a process whose approval goes to the user it names, and names its own account',
    run: async () => {
      const businessKey = `PCK-${++orderCount}`;
      const started = await api.post<InstanceView>('/api/processes/picked-user-approval/instances', TOKENS.erp, { businessKey, variables: { approver: 'erp' } });
      expect(started.status, started.text).toBe(201);
      expect(started.body.status).toBe('failed');
      expect(started.body.incident).toMatchObject({
        elementId: 'Approve', message: textContaining('task Approve: assignee =approver gave "erp", an account that only holds server roles'),
      });
      expect((await api.get<TaskView[]>(`/api/tasks?businessKey=${businessKey}`, TOKENS.erp)).body).toEqual([]);
    },
  },
];

// 3. Who did it is who was authenticated.
const actors: Row[] = [
  {
    attempt: 'the ERP\'s token completes a job with workerId "director"',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const response = await api.post<InstanceView>(`/api/jobs/${await lockJob('procurement-planning', orderNo, 'director')}/complete`, TOKENS.erp, { workerId: 'director' });
      expect(response.status, response.text).toBe(200);
      const entry = response.body.history.find((row) => row.event === 'job.completed');
      expect(entry).toMatchObject({ actor: 'erp', data: { workerId: 'director' } });
      expect(response.body.history.filter((row) => row.actor === 'director' || row.actor === 'dirk')).toEqual([]);
    },
  },
  {
    attempt: 'the ERP\'s token reports a job failure as workerId "vera"',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      const response = await api.post<InstanceView>(`/api/jobs/${await lockJob('procurement-planning', orderNo, 'vera')}/failure`, TOKENS.erp, { message: 'ERP down', retries: 2, workerId: 'vera' });
      expect(response.status, response.text).toBe(200);
      expect(response.body.history.find((row) => row.event === 'job.failed')).toMatchObject({ actor: 'erp', data: { workerId: 'vera' } });
    },
  },
  {
    attempt: 'a director\'s token completes a job (jobs are the integration\'s)',
    run: async () => {
      const orderNo = await enterOrder(1_000);
      expectRefused(await api.post(`/api/jobs/${await lockJob('procurement-planning', orderNo)}/complete`, TOKENS.director, {}), 403);
    },
  },
  {
    attempt: 'the history of an approval names the approver and the ERP, nobody the client named',
    run: async () => {
      const orderNo = await enterOrder(750_000);
      await decide(orderNo, 'vice-president', TOKENS.vp, { approved: true, comment: 'fine' });
      const history: HistoryEntry[] = (await orderView(orderNo)).history;
      expect(history.find((row) => row.event === 'task.completed')).toMatchObject({ actor: 'vera' });
      expect(history.filter((row) => row.event === 'instance.started').map((row) => row.actor)).toEqual(['erp', 'erp', 'erp']);
    },
  },
];

describe('bypass attempts through the HTTP API', () => {
  describe('1. a decision is made where it is asked for', () => {
    it.each(decisions)('$attempt', ({ run }) => run());
  });
  describe('2. four eyes', () => {
    it.each(fourEyes)('$attempt', ({ run }) => run());
  });
  describe('3. the actor is who was authenticated', () => {
    it.each(actors)('$attempt', ({ run }) => run());
  });
  describe('4. a task is never handed to a server role', () => {
    it.each(roles)('$attempt', ({ run }) => run());
  });
});
