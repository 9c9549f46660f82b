// "A decision is made where it is asked for": what a completer may hand into a
// process is what the element declares as its outputs, evaluated over the
// completion alone. Driven through the engine API with the shipped library and
// a small fixture (a worker without outputs, one with, a task deciding a route).
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { InstanceView } from '../../../engine/api.js';
import { enter, director, erp, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith, textContaining } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

const DECLARED = readFileSync(new URL('../../fixtures/engine/declared-outputs.bpmn', import.meta.url), 'utf8');
const MESSAGE_OUTPUTS = readFileSync(new URL('../../fixtures/engine/message-outputs.bpmn', import.meta.url), 'utf8');
const operator = { name: 'otto', groups: ['operations'] };
/** An order process whose catch is keyed by the customer's name: a message under that key reaches the order. */
const REMITTANCE_ORDER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_remit" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_remit" name="Remittance"><bpmn:extensionElements><zeebe:subscription correlationKey="=customer.name" /></bpmn:extensionElements></bpmn:message>
  <bpmn:process id="order-to-cash" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="takesOrders" value="true" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Remitted" />
    <bpmn:intermediateCatchEvent id="Remitted" name="Remitted"><bpmn:messageEventDefinition messageRef="Msg_remit" /></bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="F2" sourceRef="Remitted" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture();
  await fixture.stratum.library.deploy([
    { name: 'declared-outputs.bpmn', xml: DECLARED }, { name: 'message-outputs.bpmn', xml: MESSAGE_OUTPUTS },
  ], { user: 'test' });
});
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;

async function openTask(businessKey: string, group: string) {
  const task = (await runtime().findTasks({ businessKey })).find((candidate) => candidate.candidateGroups.includes(group));
  expect(task, `an open task for ${group}`).toBeDefined();
  return task!;
}

async function lockJob(type: string) {
  const [job] = await runtime().fetchAndLockJobs({ type, workerId: 'w1' });
  expect(job, `a ${type} job`).toBeDefined();
  return job;
}

const rootOf = async (businessKey: string, processKey = 'order-to-cash') =>
  (await runtime().findInstances({ businessKey, processKey })).items[0];

async function variablesOf(businessKey: string, processKey: string): Promise<Record<string, unknown>> {
  return (await runtime().getInstance((await rootOf(businessKey, processKey)).id))!.variables;
}

describe('user tasks accept only the variables their outputs declare', () => {
  it('writes the approver\'s decision to the task\'s own output target, and a missing comment as null', async () => {
    await enter(runtime(), order('D-1', 750_000));
    await runtime().completeTask((await openTask('D-1', 'vice-president')).id, { approved: true }, vicePresident);
    const variables = await variablesOf('D-1', 'credit-order-approval');
    expect(variables).toMatchObject({ vicePresidentApproved: true, vicePresidentComment: null, approved: true });
  });

  it('refuses a variable the task does not declare, naming it, and leaves the task open', async () => {
    await enter(runtime(), order('D-2', 750_000));
    const task = await openTask('D-2', 'vice-president');
    const error = await refusalOf(runtime().completeTask(task.id, { approved: true, riskClass: 'low' }, vicePresident));
    expect(error).toMatchObject({ code: 'invalid', message: textContaining('does not declare riskClass') });
    expect(error.details?.variables).toEqual([objectWith({ name: 'riskClass', problem: textContaining('is not declared') })]);
    expect(await runtime().findTasks({ businessKey: 'D-2' })).toHaveLength(1);
  });

  it('refuses the order fields on a task like any other undeclared variable', async () => {
    await enter(runtime(), order('D-3', 750_000));
    const task = await openTask('D-3', 'vice-president');
    await expect(runtime().completeTask(task.id, { approved: true, amount: 1 }, vicePresident)).rejects.toMatchObject({ code: 'invalid' });
  });

  it('never lets the director\'s earlier approval stand in for the vice-president\'s missing decision', async () => {
    await enter(runtime(), order('D-4', 3_000_000));
    await runtime().completeTask((await openTask('D-4', 'sales-director')).id, { approved: true }, director);
    const task = await openTask('D-4', 'vice-president');
    const error = await refusalOf(runtime().completeTask(task.id, {}, vicePresident));
    expect(error).toMatchObject({ code: 'invalid', message: textContaining('vicePresidentApproved') });
    expect(error.details?.variables).toEqual([{ name: 'approved', problem: 'is missing' }]);
    expect((await rootOf('D-4')).status).toBe('running');
  });

  it('refuses a decision that is not a boolean', async () => {
    await enter(runtime(), order('D-5', 750_000));
    const task = await openTask('D-5', 'vice-president');
    const error = await refusalOf(runtime().completeTask(task.id, { approved: 'yes' }, vicePresident));
    expect(error.details?.variables).toEqual([{ name: 'approved', problem: 'is "yes"' }]);
  });

  it('lets a rejection end the order as rejected', async () => {
    await enter(runtime(), order('D-6', 750_000));
    await runtime().completeTask((await openTask('D-6', 'vice-president')).id, { approved: false, comment: 'no' }, vicePresident);
    expect((await rootOf('D-6')).status).toBe('rejected');
  });

  it('accepts nothing on a task without outputs', async () => {
    await runtime().start('declared-outputs', { businessKey: 'D-7' });
    await runtime().completeJob((await lockJob('noting')).id, {}, erp, 'w1');
    await runtime().completeJob((await lockJob('scoring')).id, { score: 700 }, erp, 'w1');
    await runtime().completeTask((await openTask('D-7', 'vice-president')).id, { riskClass: 'high' }, vicePresident);
    const task = await openTask('D-7', 'sales-director');
    const error = await refusalOf(runtime().completeTask(task.id, { seen: true }, director));
    expect(error).toMatchObject({ code: 'invalid', message: textContaining('it declares no variables') });
    const done = await runtime().completeTask(task.id, {}, director);
    expect(done.status).toBe('completed');
    expect(done.variables).toMatchObject({ riskClass: 'high', riskComment: null, creditScore: 700 });
  });
});

/** A designer's own approval: its task declares the decision but no comment to give a reason in. */
const APPROVAL_WITHOUT_COMMENT = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_plain" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="plain-approval" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Approve" />
    <bpmn:userTask id="Approve" name="Approve the request">
      <bpmn:extensionElements>
        <zeebe:assignmentDefinition candidateGroups="vice-president" />
        <zeebe:ioMapping><zeebe:output source="=approved" target="requestApproved" /></zeebe:ioMapping>
      </bpmn:extensionElements>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Approve" targetRef="Approved" />
    <bpmn:exclusiveGateway id="Approved" name="Approved?" default="No" />
    <bpmn:sequenceFlow id="Yes" sourceRef="Approved" targetRef="Done">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=requestApproved</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="No" sourceRef="Approved" targetRef="Rejected" />
    <bpmn:endEvent id="Done" name="Done" />
    <bpmn:endEvent id="Rejected" name="Rejected" />
  </bpmn:process>
</bpmn:definitions>`;

describe('a rejection says why (the approval convention)', () => {
  it('refuses a rejection without a comment, naming it, and leaves the task open', async () => {
    await enter(runtime(), order('R-1', 750_000));
    const task = await openTask('R-1', 'vice-president');
    const error = await refusalOf(runtime().completeTask(task.id, { approved: false }, vicePresident));
    expect(error).toMatchObject({ code: 'invalid', message: 'task "Review order (vice-president)": a rejection (approved: false) needs a comment saying why, with at least one visible character' });
    expect(error.details?.variables).toEqual([{ name: 'comment', problem: 'is missing', why: 'a rejection (approved: false) must say why in it' }]);
    for (const [comment, problem] of [[null, 'is null, not a text'], [42, 'is 42, not a text'], ['  ', 'has no visible character'], ['\u200B\u2060', 'has no visible character']] as const) {
      const blank = await refusalOf(runtime().completeTask(task.id, { approved: false, comment }, vicePresident));
      expect(blank.details?.variables, JSON.stringify(comment)).toEqual([objectWith({ name: 'comment', problem })]);
    }
    expect(await runtime().findTasks({ businessKey: 'R-1' })).toEqual([objectWith({ id: task.id })]);
    expect((await rootOf('R-1')).status).toBe('running');
    await runtime().completeTask(task.id, { approved: false, comment: 'Credit limit exceeded.' }, vicePresident);
    expect(await variablesOf('R-1', 'credit-order-approval')).toMatchObject({ vicePresidentApproved: false, vicePresidentComment: 'Credit limit exceeded.' });
  });

  it('refuses not acknowledging a special change without a comment', async () => {
    await enter(runtime(), order('R-2', 100_000, 'credit', { description: 'blue paint' }));
    const procurement = { name: 'pia', groups: ['procurement'] };
    const task = await openTask('R-2', 'procurement');
    const error = await refusalOf(runtime().completeTask(task.id, { acknowledged: false, comment: '\u3164' }, procurement));
    expect(error.message).toBe('task "Acknowledge special change (procurement)": not acknowledging (acknowledged: false) needs a comment saying why, with at least one visible character');
    expect(error.details?.variables).toEqual([objectWith({ name: 'comment', problem: 'has no visible character' })]);
    await runtime().completeTask(task.id, { acknowledged: false, comment: 'Supplier not asked yet.' }, procurement);
    // not acknowledged: the task comes back to the department
    expect((await runtime().findTasks({ businessKey: 'R-2' })).filter((open) => open.candidateGroups.includes('procurement'))).toHaveLength(1);
  });

  it('asks nothing of an approval, nor of a task that declares no comment', async () => {
    await enter(runtime(), order('R-3', 750_000));
    await runtime().completeTask((await openTask('R-3', 'vice-president')).id, { approved: true, comment: '' }, vicePresident);
    await fixture.stratum.library.deploy([{ name: 'plain-approval.bpmn', xml: APPROVAL_WITHOUT_COMMENT }], { user: 'test' });
    await runtime().start('plain-approval', { businessKey: 'R-4' });
    const done = await runtime().completeTask((await openTask('R-4', 'vice-president')).id, { approved: false }, vicePresident);
    expect(done).toMatchObject({ status: 'completed', variables: objectWith({ requestApproved: false }) });
  });
});

describe('jobs', () => {
  it('lets a worker without declared outputs set its own variables', async () => {
    await runtime().start('declared-outputs', { businessKey: 'J-1' });
    const after: InstanceView = await runtime().completeJob((await lockJob('noting')).id, { noteId: 'N-1' }, erp, 'w1');
    expect(after.variables).toMatchObject({ noteId: 'N-1' });
  });

  it.each([
    ['a decision another element declares (riskClass)', { riskClass: 'low' }, 'riskClass'],
    ['another job\'s declared output (creditScore)', { creditScore: 999 }, 'creditScore'],
    ['an order field (amount)', { amount: 1 }, 'amount'],
  ])('refuses a worker without declared outputs that sets %s', async (_what, variables, name) => {
    await runtime().start('declared-outputs', { businessKey: 'J-2' });
    const job = await lockJob('noting');
    const error = await refusalOf(runtime().completeJob(job.id, variables, erp, 'w1'));
    expect(error).toMatchObject({ code: 'invalid' });
    expect(error.details?.variables).toEqual([objectWith({ name })]);
    expect((await runtime().findInstances({ businessKey: 'J-2' })).items[0].status).toBe('running');
  });

  it('lets a worker with declared outputs send only what its outputs read', async () => {
    await runtime().start('declared-outputs', { businessKey: 'J-3' });
    await runtime().completeJob((await lockJob('noting')).id, {}, erp, 'w1');
    const job = await lockJob('scoring');
    const error = await refusalOf(runtime().completeJob(job.id, { score: 1, riskClass: 'low' }, erp, 'w1'));
    expect(error).toMatchObject({ code: 'invalid', message: textContaining('it declares only score') });
    const after = await runtime().completeJob(job.id, { score: 640 }, erp, 'w1');
    expect(after.variables).toMatchObject({ creditScore: 640 });
    expect(after.variables).not.toHaveProperty('score');
  });

  it('refuses the shipped planning workers setting the order or the approval', async () => {
    await enter(runtime(), order('J-4', 1_000));
    const job = await lockJob('procurement-planning');
    await expect(runtime().completeJob(job.id, { paymentTerms: 'prepaid-at-entry' }, erp, 'w1')).rejects.toMatchObject({ code: 'invalid' });
    // decided in credit-order-approval, which sales-order-management calls: its outputs flow back to the order
    for (const decision of ['approved', 'directorApproved']) {
      const error = await refusalOf(runtime().completeJob(job.id, { [decision]: true }, erp, 'w1'));
      expect(error.details?.variables).toEqual([objectWith({ name: decision, problem: 'is the declared output of an element' })]);
    }
    await expect(runtime().completeJob(job.id, { plannedWeek: 48 }, erp, 'w1')).resolves.toMatchObject({ status: 'running' });
  });

  it('refuses a BPMN error that carries a protected variable', async () => {
    await runtime().start('declared-outputs', { businessKey: 'J-5' });
    const job = await lockJob('noting');
    const thrown = { errorCode: 'BLOCKED', variables: { riskClass: 'low' } };
    await expect(runtime().throwJobError(job.id, thrown, erp)).rejects.toMatchObject({ code: 'invalid' });
  });
});

describe('messages', () => {
  it('lets a message set what the element catching it names as its own output', async () => {
    await runtime().start('message-outputs', { businessKey: 'M-1' });
    const result = await runtime().correlateMessage({ name: 'DocumentsReceived', businessKey: 'M-1', variables: { receivedAt: '2026-12-04' }, actor: 'erp' });
    expect(result.outcome).toBe('delivered');
    expect(await variablesOf('M-1', 'message-outputs')).toMatchObject({ receivedAt: '2026-12-04' });
  });

  it('refuses a message that sets what another element decides, and delivers nothing', async () => {
    await runtime().start('message-outputs', { businessKey: 'M-2' });
    const error = await refusalOf(runtime().correlateMessage({ name: 'DocumentsReceived', businessKey: 'M-2', variables: { riskClass: 'low' }, actor: 'erp' }));
    expect(error).toMatchObject({ code: 'invalid', message: textContaining('what other elements decide') });
    expect(error.details?.variables).toEqual([objectWith({ name: 'riskClass', problem: 'is the declared output of another element' })]);
    const [instance] = (await runtime().findInstances({ businessKey: 'M-2' })).items;
    expect((await runtime().getInstance(instance.id))!.waiting.map((wait) => wait.elementId).sort()).toEqual(['Catch_Documents', 'UserTask_Classify']);
  });

  it('refuses a payment that sets the approval of a process the order may still call (a prepaid order never runs it)', async () => {
    await enter(runtime(), order('M-3', 2_000_000, 'prepaid-at-entry'));
    const error = await refusalOf(runtime().correlateMessage({ name: 'PaymentReceived', businessKey: 'M-3', variables: { directorApproved: true }, actor: 'erp' }));
    expect(error.details?.variables).toEqual([objectWith({ name: 'directorApproved' })]);
    await expect(runtime().correlateMessage({ name: 'PaymentReceived', businessKey: 'M-3', variables: { paidAt: '2026-12-04' }, actor: 'erp' }))
      .resolves.toMatchObject({ outcome: 'delivered' });
  });

  it('refuses a message that rewrites an order field through a catch keyed by another order variable than the order number', async () => {
    // an order process whose remittance is correlated by the customer's name, not by the order number
    await fixture.stratum.library.deploy([{ name: 'order-to-cash.bpmn', xml: REMITTANCE_ORDER }], { user: 'test' });
    await enter(runtime(), order('M-4', 2_000_000));
    const error = await refusalOf(runtime().correlateMessage({ name: 'Remittance', businessKey: 'ACME', variables: { reportingAmount: 1 }, actor: 'erp' }));
    expect(error.details?.variables).toEqual([objectWith({ name: 'reportingAmount', problem: 'is an order field' })]);
    expect(await variablesOf('M-4', 'order-to-cash')).toMatchObject({ reportingAmount: 2_000_000 });
  });
});

describe('incident retries', () => {
  async function jobIncident(businessKey: string) {
    await enter(runtime(), order(businessKey, 1_000));
    const job = await lockJob('procurement-planning');
    await runtime().failJob(job.id, { message: 'ERP down', retries: 0, workerId: 'w1' }, erp);
    const { items } = await runtime().findIncidents({ businessKey });
    return items.find((incident) => incident.kind === 'job')!;
  }

  it.each([
    ['the approval (approved)', 'approved'],
    ['a decision of a process the order called (directorApproved)', 'directorApproved'],
    ['an order field (reportingAmount)', 'reportingAmount'],
  ])('refuses an operator\'s retry that sets %s, and changes nothing', async (_what, name) => {
    const incident = await jobIncident(`R-${name}`);
    const error = await refusalOf(runtime().retryIncident(incident.id, { variables: { [name]: 1 } }, operator));
    expect(error).toMatchObject({ code: 'invalid', message: textContaining('not an operator\'s to set') });
    expect(error.details?.variables).toEqual([objectWith({ name })]);
    expect((await runtime().findIncidents({ businessKey: `R-${name}` })).items.map((open) => open.id)).toContain(incident.id);
  });

  it('sets what the failed step lacked', async () => {
    const incident = await jobIncident('R-FIX');
    const retried = await runtime().retryIncident(incident.id, { variables: { plannedWeek: 48 } }, operator);
    expect(retried.status).toBe('running');
    expect((await runtime().findIncidents({ businessKey: 'R-FIX' })).items).toEqual([]);
  });
});
