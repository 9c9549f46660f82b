// Four eyes: within one order a person decides at most one of the tasks a
// process declares as separated (credit-order-approval separates both of its
// approval tasks), none of them if they started the order or requested a
// change of it, and one iteration
// of a multi-instance separated task per activation. Who decided comes from
// the audit trail.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskView } from '../../../engine/api.js';
import { enter, director, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { textContaining } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

const runtime = () => fixture.stratum.runtime;
const fixtureXml = (name: string) => ({ name, xml: readFileSync(new URL(`../../fixtures/engine/${name}`, import.meta.url), 'utf8') });
const person = (name: string, ...groups: string[]) => ({ name, groups });
/** In both approval groups: may see both tasks, but must not decide both. */
const both = { name: 'bo', groups: ['sales-director', 'vice-president'] };
const admin = { name: 'root', groups: ['admin', 'designer', 'integration', 'sales-director', 'vice-president'] };

/** What a four-eyes refusal of `task` says about it and its order (TaskRefusal). */
async function orderOf(task: TaskView) {
  const roots = (await runtime().findInstances({ businessKey: task.businessKey! })).items.filter((instance) => instance.parentId === null);
  expect(roots, `one order ${task.businessKey}`).toHaveLength(1);
  return {
    task: { id: task.id, instanceId: task.instanceId, processKey: task.processKey, elementId: task.elementId, name: task.name },
    businessKey: task.businessKey,
    rootInstanceId: roots[0].id,
  };
}

async function openTask(businessKey: string, group: string) {
  const task = (await runtime().findTasks({ businessKey })).find((candidate) => candidate.candidateGroups.includes(group));
  expect(task, `an open task for ${group}`).toBeDefined();
  return task!;
}

describe('four eyes on credit approval', () => {
  it('refuses the vice-president review by the person who approved as sales director, naming the earlier task', async () => {
    await enter(runtime(), order('F-1', 3_000_000));
    const approval = await openTask('F-1', 'sales-director');
    await runtime().completeTask(approval.id, { approved: true }, both);
    const review = await openTask('F-1', 'vice-president');
    const error = await refusalOf(runtime().completeTask(review.id, { approved: true }, both));
    expect(error).toMatchObject({ code: 'forbidden', message: textContaining('already decided "Approve order (sales director)"') });
    expect(error.details).toEqual({
      reason: 'four-eyes-other-task', ...await orderOf(review),
      decidedTask: { id: approval.id, instanceId: approval.instanceId, processKey: 'credit-order-approval', elementId: 'UserTask_ApproveBySalesDirector', name: 'Approve order (sales director)' },
    });
    expect(await runtime().findTasks({ businessKey: 'F-1' })).toHaveLength(1);
  });

  it('lets another person in the same groups decide the second step', async () => {
    await enter(runtime(), order('F-2', 3_000_000));
    await runtime().completeTask((await openTask('F-2', 'sales-director')).id, { approved: true }, both);
    const after = await runtime().completeTask((await openTask('F-2', 'vice-president')).id, { approved: true }, vicePresident);
    expect(after.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType).sort()).toEqual(['procurement-planning', 'production-planning']);
  });

  it('makes no exception for an administrator', async () => {
    await enter(runtime(), order('F-3', 3_000_000));
    await runtime().completeTask((await openTask('F-3', 'sales-director')).id, { approved: true }, admin);
    await expect(runtime().completeTask((await openTask('F-3', 'vice-president')).id, { approved: true }, admin))
      .rejects.toMatchObject({ code: 'forbidden' });
  });

  it('cannot be walked around with a second approval instance of the same order: no route starts one', async () => {
    await enter(runtime(), order('F-4', 3_000_000));
    await runtime().completeTask((await openTask('F-4', 'sales-director')).id, { approved: true }, both);
    // The approval process is called, so it never starts directly; and the order number is taken.
    await expect(runtime().start('credit-order-approval', order('F-4', 800_000))).rejects.toMatchObject({ code: 'conflict' });
    const reviews = (await runtime().findTasks({ businessKey: 'F-4' })).filter((task) => task.candidateGroups.includes('vice-president'));
    expect(reviews).toHaveLength(1);
    await expect(runtime().completeTask(reviews[0].id, { approved: true }, both)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('does not count a refused completion as a decision', async () => {
    await enter(runtime(), order('F-5', 3_000_000));
    const approval = await openTask('F-5', 'sales-director');
    await expect(runtime().completeTask(approval.id, { approved: 'yes' }, both)).rejects.toMatchObject({ code: 'invalid' });
    await runtime().completeTask(approval.id, { approved: true }, director);
    await expect(runtime().completeTask((await openTask('F-5', 'vice-president')).id, { approved: true }, both)).resolves.toBeDefined();
  });

  it('keeps orders apart: the same person may decide a different order\'s other step', async () => {
    await enter(runtime(), order('F-6', 3_000_000));
    await enter(runtime(), order('F-7', 800_000));
    await runtime().completeTask((await openTask('F-6', 'sales-director')).id, { approved: true }, both);
    await expect(runtime().completeTask((await openTask('F-7', 'vice-president')).id, { approved: true }, both)).resolves.toBeDefined();
  });
});

/** Started by a message: two separated checks, one after the other. */
const MESSAGE_STARTED = {
  name: 'claim-review.bpmn',
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs_claim" targetNamespace="http://stratum.dev/test">
  <bpmn:message id="Msg_claim" name="claim-filed" />
  <bpmn:process id="claim-review" name="Claim review" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="separationOfDuties" value="Assess, Approve" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Filed" name="Claim filed"><bpmn:outgoing>F1</bpmn:outgoing><bpmn:messageEventDefinition messageRef="Msg_claim" /></bpmn:startEvent>
    <bpmn:sequenceFlow id="F1" sourceRef="Filed" targetRef="Assess" />
    <bpmn:userTask id="Assess" name="Assess the claim">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="claims" /></bpmn:extensionElements>
      <bpmn:incoming>F1</bpmn:incoming><bpmn:outgoing>F2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F2" sourceRef="Assess" targetRef="Approve" />
    <bpmn:userTask id="Approve" name="Approve the claim">
      <bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="claims" /></bpmn:extensionElements>
      <bpmn:incoming>F2</bpmn:incoming><bpmn:outgoing>F3</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:sequenceFlow id="F3" sourceRef="Approve" targetRef="Settled" />
    <bpmn:endEvent id="Settled" name="Settled"><bpmn:incoming>F3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`,
};

describe('four eyes: the requester is one pair of eyes', () => {
  it('refuses the person who entered the order as its approver, on every step, and lets others decide', async () => {
    await enter(runtime(), order('R-1', 3_000_000), admin.name);
    const approval = await openTask('R-1', 'sales-director');
    const error = await refusalOf(runtime().completeTask(approval.id, { approved: true }, admin));
    expect(error).toMatchObject({
      code: 'forbidden',
      message: 'four eyes: root started order R-1, so another person must decide "Approve order (sales director)"',
    });
    expect(error.details).toEqual({ reason: 'four-eyes-starter', ...await orderOf(approval) });
    await runtime().completeTask((await openTask('R-1', 'sales-director')).id, { approved: true }, director);
    await expect(runtime().completeTask((await openTask('R-1', 'vice-president')).id, { approved: true }, admin))
      .rejects.toMatchObject({ code: 'forbidden', message: textContaining('root started order R-1') });
    await expect(runtime().completeTask((await openTask('R-1', 'vice-president')).id, { approved: true }, vicePresident)).resolves.toBeDefined();
  });

  it('refuses the starter of a generic start in the instances its call activities started', async () => {
    await fixture.stratum.library.deploy([fixtureXml('parallel-separated-review.bpmn')], { user: 'test' });
    const { instance } = await runtime().start('parallel-review', { businessKey: 'REV-1', user: 'rita' });
    const [checkA] = (await runtime().findTasks({ businessKey: 'REV-1' })).filter((task) => task.elementId === 'CheckA');
    expect(checkA.instanceId).not.toBe(instance.id); // a called instance, started by no one but its caller
    await expect(runtime().completeTask(checkA.id, { ok: true }, person('rita', 'reviewers')))
      .rejects.toMatchObject({ code: 'forbidden', message: textContaining('rita started order REV-1') });
    await expect(runtime().completeTask(checkA.id, { ok: true }, person('rob', 'reviewers'))).resolves.toBeDefined();
  });

  it('refuses the sender of the message that started the instance', async () => {
    await fixture.stratum.library.deploy([MESSAGE_STARTED], { user: 'test' });
    await runtime().correlateMessage({ name: 'claim-filed', businessKey: 'CLAIM-1', actor: 'mia' });
    const [assess] = await runtime().findTasks({ businessKey: 'CLAIM-1' });
    await expect(runtime().completeTask(assess.id, {}, person('mia', 'claims')))
      .rejects.toMatchObject({ code: 'forbidden', message: textContaining('mia started order CLAIM-1') });
    await runtime().completeTask(assess.id, {}, person('max', 'claims'));
    const [approve] = await runtime().findTasks({ businessKey: 'CLAIM-1' });
    await expect(runtime().completeTask(approve.id, {}, person('mia', 'claims'))).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('four eyes: whoever requested a change of the order is a requester too', () => {
  const acknowledgeChange = async (businessKey: string) => {
    for (const group of ['procurement', 'production', 'inspection']) {
      await runtime().completeTask((await openTask(businessKey, group)).id, { acknowledged: true, comment: 'ok' }, person(group, group));
    }
  };

  it('refuses the person who raised the amount as the approver of the raise, naming the change, and lets another person approve it', async () => {
    await enter(runtime(), order('CH-1', 300_000)); // below every tier: no approval at entry
    const { change } = await runtime().changeOrder('CH-1', { description: 'more units', amount: 700_000, changeId: 'C-2' }, { user: admin.name });
    expect(change.changeId).toBe('C-2');
    await acknowledgeChange('CH-1');
    const reapproval = await openTask('CH-1', 'vice-president');
    const error = await refusalOf(runtime().completeTask(reapproval.id, { approved: true }, admin));
    expect(error).toMatchObject({
      code: 'forbidden',
      message: 'four eyes: root requested change C-2 of order CH-1, so another person must decide "Review order (vice-president)"',
    });
    expect(error.details).toEqual({ reason: 'four-eyes-change-requester', ...await orderOf(reapproval), changeId: 'C-2' });
    await runtime().completeTask(reapproval.id, { approved: true }, vicePresident);
    const view = await runtime().orderChanges('CH-1');
    expect(view?.changes.map((one) => one.status)).toEqual(['approved']);
  });

  it('holds for every separated task decided after the change, not only its re-approval; a decision made before it stands', async () => {
    await enter(runtime(), order('CH-2', 3_000_000));
    await runtime().completeTask((await openTask('CH-2', 'sales-director')).id, { approved: true }, director);
    // the director decided before requesting a change: that decision stays, the review waits for someone else
    await runtime().changeOrder('CH-2', { description: 'blue paint' }, { user: vicePresident.name });
    const review = await openTask('CH-2', 'vice-president');
    await expect(runtime().completeTask(review.id, { approved: true }, vicePresident))
      .rejects.toMatchObject({ code: 'forbidden', message: textContaining(`victor requested change `) });
    await runtime().changeOrder('CH-2', { description: 'red paint' }, { user: director.name });
    await runtime().completeTask(review.id, { approved: true }, person('vera', 'vice-president'));
    // the director's approval is not asked again: what is open is the changes' acknowledgement
    const open = await runtime().findTasks({ businessKey: 'CH-2' });
    expect(open.length).toBeGreaterThan(0);
    expect(open.filter((task) => task.processKey === 'credit-order-approval')).toEqual([]);
  });
});

describe('four eyes on multi-instance tasks: one iteration per person and activation', () => {
  const approver = (name: string) => person(name, 'approvers');
  const checker = person('cy', 'checkers');

  async function iterations(instanceId: string, elementId: string) {
    return (await runtime().findTasks({ instanceId })).filter((task) => task.elementId === elementId);
  }

  it('parallel: refuses a second iteration by the same person; two people move the order on; a rework round may be decided by them again', async () => {
    await fixture.stratum.library.deploy([fixtureXml('multi-instance-separated.bpmn')], { user: 'test' });
    const { instance } = await runtime().start('mi-separated-parallel', { businessKey: 'MI-1', user: 'sam' });
    const [first, second] = await iterations(instance.id, 'Approve');
    await runtime().completeTask(first.id, {}, approver('ann'));
    const error = await refusalOf(runtime().completeTask(second.id, {}, approver('ann')));
    expect(error).toMatchObject({
      code: 'forbidden',
      message: 'four eyes: ann already decided another iteration of "Approve" (mi-separated-parallel/Approve) of order MI-1, so another person must decide this one',
    });
    expect(error.details).toEqual({
      reason: 'four-eyes-other-iteration', ...await orderOf(second),
      decidedTask: { id: first.id, instanceId: instance.id, processKey: 'mi-separated-parallel', elementId: 'Approve', name: 'Approve' },
    });
    await runtime().completeTask(second.id, {}, approver('bob'));
    const [check] = await iterations(instance.id, 'Check');
    await expect(runtime().completeTask(check.id, { rework: true }, person('ann', 'checkers'))).rejects.toMatchObject({ code: 'forbidden' });
    await runtime().completeTask(check.id, { rework: true }, checker);

    // the rework loop activates the task again: the same two decide its iterations again
    const again = await iterations(instance.id, 'Approve');
    expect(again.map((task) => task.id)).not.toContain(first.id);
    await runtime().completeTask(again[0].id, {}, approver('bob'));
    await expect(runtime().completeTask(again[1].id, {}, approver('bob'))).rejects.toMatchObject({ code: 'forbidden' });
    await runtime().completeTask(again[1].id, {}, approver('ann'));
    const after = await runtime().completeTask((await iterations(instance.id, 'Check'))[0].id, { rework: false }, checker);
    expect(after.status).toBe('completed');
    const decided = after.history.filter((entry) => entry.event === 'task.completed' && entry.elementId === 'Approve');
    expect(new Set(decided.map((entry) => entry.data?.multiInstanceBody)).size).toBe(2); // two activations, recorded
  });

  it('gives back the claim an approver holds on the other iteration once they decide one: it would hold it for nobody', async () => {
    await fixture.stratum.library.deploy([fixtureXml('multi-instance-separated.bpmn')], { user: 'test' });
    const { instance } = await runtime().start('mi-separated-parallel', { businessKey: 'MI-3', user: 'sam' });
    const [first, second] = await iterations(instance.id, 'Approve');
    await runtime().claimTask(first.id, approver('ann'));
    await runtime().claimTask(second.id, approver('ann'));
    await runtime().completeTask(first.id, {}, approver('ann'));
    expect((await runtime().getTask(second.id))?.claimedBy).toBeNull();
    const released = (await runtime().getInstance(instance.id))!.history.filter((entry) => entry.event === 'task.unclaimed');
    expect(released.map(({ actor, data }) => ({ actor, claimedBy: data?.claimedBy, reason: data?.reason }))).toEqual([
      { actor: 'ann', claimedBy: 'ann', reason: 'four-eyes-other-iteration' },
    ]);
    await runtime().completeTask(second.id, {}, approver('bob'));
  });

  it('gives back a claim that an incident retry brings back with its task when its claimant decided another separated task meanwhile', async () => {
    // two processes under one business key: pack-and-inspect fails at its gateway, and its waits (Inspect with
    // rita's claim) are kept with the incident, out of reach of rita's decision of SignOff, until the retry
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D_failed_claim" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="pack-and-inspect" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="separationOfDuties" value="Inspect" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F0" sourceRef="Start" targetRef="Split" />
    <bpmn:parallelGateway id="Split" />
    <bpmn:sequenceFlow id="F1" sourceRef="Split" targetRef="Inspect" />
    <bpmn:sequenceFlow id="F2" sourceRef="Split" targetRef="Pack" />
    <bpmn:userTask id="Inspect"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="approvers" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="F3" sourceRef="Inspect" targetRef="InspectDone" />
    <bpmn:endEvent id="InspectDone" />
    <bpmn:serviceTask id="Pack"><bpmn:extensionElements><zeebe:taskDefinition type="pack" /></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:sequenceFlow id="F4" sourceRef="Pack" targetRef="Packed" />
    <bpmn:exclusiveGateway id="Packed" />
    <bpmn:sequenceFlow id="F5" sourceRef="Packed" targetRef="PackDone"><bpmn:conditionExpression>=ready = true</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="PackDone" />
  </bpmn:process>
  <bpmn:process id="sign-off" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="separationOfDuties" value="SignOff" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="SignStart" />
    <bpmn:sequenceFlow id="S1" sourceRef="SignStart" targetRef="SignOff" />
    <bpmn:userTask id="SignOff"><bpmn:extensionElements><zeebe:assignmentDefinition candidateGroups="approvers" /></bpmn:extensionElements></bpmn:userTask>
    <bpmn:sequenceFlow id="S2" sourceRef="SignOff" targetRef="SignDone" />
    <bpmn:endEvent id="SignDone" />
  </bpmn:process>
</bpmn:definitions>`;
    await fixture.stratum.library.deploy([{ name: 'failed-claim.bpmn', xml }], { user: 'test' });
    const packing = (await runtime().start('pack-and-inspect', { businessKey: 'FC-1', user: 'sam' })).instance;
    await runtime().start('sign-off', { businessKey: 'FC-1', user: 'sam' });
    const tasks = await runtime().findTasks({ businessKey: 'FC-1' });
    const inspect = tasks.find((task) => task.elementId === 'Inspect')!;
    const signOff = tasks.find((task) => task.elementId === 'SignOff')!;
    await runtime().claimTask(inspect.id, approver('rita'));
    const [job] = await runtime().fetchAndLockJobs({ type: 'pack', workerId: 'packer', businessKey: 'FC-1' });
    await runtime().completeJob(job.id, {}, { name: 'erp', groups: ['integration'] }, 'packer'); // ready is not set: the gateway fails
    expect((await runtime().getInstance(packing.id))!.status).toBe('failed');
    expect(await runtime().getTask(inspect.id)).toBeUndefined();

    await runtime().completeTask(signOff.id, {}, approver('rita'));
    const [incident] = (await runtime().findIncidents({ businessKey: 'FC-1' })).items;
    await runtime().retryIncident(incident.id, { variables: { ready: true } }, { name: 'otto', groups: ['operations'] });
    expect((await runtime().getTask(inspect.id))?.claimedBy).toBeNull();
    const released = (await runtime().getInstance(packing.id))!.history.filter((entry) => entry.event === 'task.unclaimed');
    expect(released.map(({ actor, data }) => ({ actor, claimedBy: data?.claimedBy, reason: data?.reason }))).toEqual([
      { actor: 'otto', claimedBy: 'rita', reason: 'four-eyes-other-task' },
    ]);
    await runtime().completeTask(inspect.id, {}, approver('rolf'));
  });

  it('sequential: the person who decided the first iteration does not decide the next', async () => {
    await fixture.stratum.library.deploy([fixtureXml('multi-instance-separated.bpmn')], { user: 'test' });
    const { instance } = await runtime().start('mi-separated-sequential', { businessKey: 'MI-2', user: 'sam' });
    await runtime().completeTask((await iterations(instance.id, 'ApproveInTurn'))[0].id, {}, approver('ann'));
    const [next] = await iterations(instance.id, 'ApproveInTurn');
    await expect(runtime().completeTask(next.id, {}, approver('ann')))
      .rejects.toMatchObject({ code: 'forbidden', message: textContaining('ann already decided another iteration of "Approve in turn"') });
    await runtime().completeTask(next.id, {}, approver('bob'));
    expect((await runtime().findTasks({ instanceId: instance.id })).map((task) => task.elementId)).toEqual(['Confirm']);
  });

  it('counts each iteration of a multi-instance sub-process around a separated task as one: refused to the same person, kept, marked in the list', async () => {
    await fixture.stratum.library.deploy([fixtureXml('multi-instance-scope-separated.bpmn')], { user: 'test' });
    const { instance } = await runtime().start('mi-board-subprocess', { businessKey: 'MS-1', user: 'sam' });
    const [first, second] = await iterations(instance.id, 'ApproveAsMember');
    await runtime().completeTask(first.id, {}, approver('ann'));
    const error = await refusalOf(runtime().completeTask(second.id, {}, approver('ann')));
    expect(error).toMatchObject({
      code: 'forbidden',
      message: 'four eyes: ann already decided another iteration of "Approve as board member" (mi-board-subprocess/ApproveAsMember) of order MS-1, so another person must decide this one',
    });
    expect(error.details).toEqual({
      reason: 'four-eyes-other-iteration', ...await orderOf(second),
      decidedTask: { id: first.id, instanceId: instance.id, processKey: 'mi-board-subprocess', elementId: 'ApproveAsMember', name: 'Approve as board member' },
    });
    await expect(runtime().claimTask(second.id, approver('ann'))).rejects.toMatchObject({ code: 'forbidden' });
    const marks = await runtime().fourEyesOnTasks(await iterations(instance.id, 'ApproveAsMember'), 'ann');
    expect(marks.get(second.id)).toMatchObject({ refused: true, reason: 'four-eyes-other-iteration' });
    const refused = (await runtime().getInstance(instance.id))!.history.filter((entry) => entry.event === 'task.refused');
    expect(refused.map(({ actor, data }) => [actor, data?.reason])).toEqual([['ann', 'four-eyes-other-iteration'], ['ann', 'four-eyes-other-iteration']]);
    const after = await runtime().completeTask(second.id, {}, approver('bob'));
    expect(after.status).toBe('completed');
  });

  it('counts each process a multi-instance call activity starts as an iteration: the same person decides its separated task in one, and may rework it there', async () => {
    await fixture.stratum.library.deploy([fixtureXml('multi-instance-scope-separated.bpmn')], { user: 'test' });
    await runtime().start('mi-board-call', { businessKey: 'MC-1', user: 'sam' });
    const [first, second] = (await runtime().findTasks({ businessKey: 'MC-1' })).filter((task) => task.elementId === 'Approve');
    expect(first.instanceId).not.toBe(second.instanceId);
    // a rework within one member's call is the same step again, by the same person
    await runtime().completeTask(first.id, { rework: true }, approver('ann'));
    const [reworked] = await iterations(first.instanceId, 'Approve');
    await runtime().completeTask(reworked.id, { rework: false }, approver('ann'));
    const error = await refusalOf(runtime().completeTask(second.id, {}, approver('ann')));
    expect(error).toMatchObject({ code: 'forbidden', message: textContaining('ann already decided another iteration of "Approve" (mi-board-member/Approve) of order MC-1') });
    expect(error.details).toMatchObject({ reason: 'four-eyes-other-iteration', decidedTask: { instanceId: first.instanceId, elementId: 'Approve' } });
    expect((await runtime().fourEyesOnTasks([second], 'ann')).get(second.id)).toMatchObject({ reason: 'four-eyes-other-iteration' });
    await runtime().completeTask(second.id, {}, approver('bob'));
    const roots = (await runtime().findInstances({ businessKey: 'MC-1' })).items.filter((member) => member.parentId === null);
    expect(roots.map((root) => root.status)).toEqual(['completed']);
  });

  it('counts every multi-instance scope around the task, not only the nearest: one decision per person in an outer activation', async () => {
    await fixture.stratum.library.deploy([fixtureXml('multi-instance-scope-separated.bpmn')], { user: 'test' });
    const { instance } = await runtime().start('mi-board-nested', { businessKey: 'MN-1', user: 'sam' });
    const [first, second] = await iterations(instance.id, 'ApproveInCommittee');
    await runtime().completeTask(first.id, {}, approver('ann'));
    await expect(runtime().completeTask(second.id, {}, approver('ann'))).rejects.toMatchObject({ details: { reason: 'four-eyes-other-iteration' } });
    await runtime().completeTask(second.id, {}, approver('bob'));
    // the second committee (the next iteration of the outer, sequential scope): its members' iterations are another inner activation
    const [secondCommittee] = await iterations(instance.id, 'ApproveInCommittee');
    await expect(runtime().completeTask(secondCommittee.id, {}, approver('ann'))).rejects.toMatchObject({ details: { reason: 'four-eyes-other-iteration' } });
    await expect(runtime().completeTask(secondCommittee.id, {}, approver('bob'))).rejects.toMatchObject({ details: { reason: 'four-eyes-other-iteration' } });
    await runtime().completeTask(secondCommittee.id, {}, approver('cy'));
    const [last] = await iterations(instance.id, 'ApproveInCommittee');
    const after = await runtime().completeTask(last.id, {}, approver('dan'));
    expect(after.status).toBe('completed');
  });

  it('gives back the claim on another iteration of a multi-instance sub-process once its claimant decides one', async () => {
    await fixture.stratum.library.deploy([fixtureXml('multi-instance-scope-separated.bpmn')], { user: 'test' });
    const { instance } = await runtime().start('mi-board-subprocess', { businessKey: 'MS-2', user: 'sam' });
    const [first, second] = await iterations(instance.id, 'ApproveAsMember');
    await runtime().claimTask(first.id, approver('ann'));
    await runtime().claimTask(second.id, approver('ann'));
    await runtime().completeTask(first.id, {}, approver('ann'));
    expect((await runtime().getTask(second.id))?.claimedBy).toBeNull();
  });
});

describe('four eyes on a special change: each department acknowledges as another person', () => {
  /** In all three departments: sees all three acknowledgements, but may give only one of them per change. */
  const allDepartments = person('ada', 'procurement', 'production', 'inspection');

  it('refuses the second acknowledgement by the person who gave the first, naming it, keeps the refusal and lets another person give it', async () => {
    await enter(runtime(), order('SC-1', 100_000, 'credit', { description: 'blue paint' }));
    const procurement = await openTask('SC-1', 'procurement');
    await runtime().completeTask(procurement.id, { acknowledged: true }, allDepartments);
    const production = await openTask('SC-1', 'production');
    const error = await refusalOf(runtime().completeTask(production.id, { acknowledged: true, comment: 'fine' }, allDepartments));
    expect(error).toMatchObject({
      code: 'forbidden',
      message: 'four eyes: ada already decided "Acknowledge special change (procurement)" in this special-change-notification of order SC-1, so another person must decide "Acknowledge special change (production)"',
    });
    expect(error.details).toEqual({
      reason: 'four-eyes-distinct-deciders', ...await orderOf(production),
      decidedTask: { id: procurement.id, instanceId: procurement.instanceId, processKey: 'special-change-notification', elementId: 'UserTask_AcknowledgeProcurement', name: 'Acknowledge special change (procurement)' },
    });
    // a claim is refused the same, and both attempts are kept for the auditor
    await expect(runtime().claimTask(production.id, allDepartments)).rejects.toMatchObject({ code: 'forbidden', details: { reason: 'four-eyes-distinct-deciders' } });
    const view = await runtime().getInstance(production.instanceId);
    const refused = view!.history.filter((entry) => entry.event === 'task.refused');
    expect(refused.map((entry) => [entry.actor, entry.data?.reason, entry.data?.attempted ?? 'complete'])).toEqual([
      ['ada', 'four-eyes-distinct-deciders', 'complete'],
      ['ada', 'four-eyes-distinct-deciders', 'claim'],
    ]);
    await runtime().completeTask(production.id, { acknowledged: true }, person('pia', 'production'));
    await runtime().completeTask((await openTask('SC-1', 'inspection')).id, { acknowledged: true }, person('ivo', 'inspection'));
    expect((await runtime().findTasks({ businessKey: 'SC-1' })).filter((task) => task.processKey === 'special-change-notification')).toEqual([]);
  });

  it('lets a department\'s person acknowledge again after not acknowledging, and the next change afresh', async () => {
    await enter(runtime(), order('SC-2', 100_000));
    await runtime().changeOrder('SC-2', { description: 'blue paint' }, { user: 'sam' });
    await runtime().completeTask((await openTask('SC-2', 'procurement')).id, { acknowledged: false, comment: 'supplier unknown' }, allDepartments);
    // the same task again: one department's acknowledgement, still one pair of eyes
    await runtime().completeTask((await openTask('SC-2', 'procurement')).id, { acknowledged: true }, allDepartments);
    await runtime().completeTask((await openTask('SC-2', 'production')).id, { acknowledged: true }, person('pia', 'production'));
    await runtime().completeTask((await openTask('SC-2', 'inspection')).id, { acknowledged: true }, person('ivo', 'inspection'));
    // the next change is another instance of the acknowledgements: ada may give another department's this time
    await runtime().changeOrder('SC-2', { description: 'red paint' }, { user: 'sam' });
    await runtime().completeTask((await openTask('SC-2', 'production')).id, { acknowledged: true }, allDepartments);
    await expect(runtime().completeTask((await openTask('SC-2', 'inspection')).id, { acknowledged: true }, allDepartments))
      .rejects.toMatchObject({ code: 'forbidden', details: { reason: 'four-eyes-distinct-deciders' } });
  });

  it('refuses the requester of a change as its acknowledger in every department, naming the change; keeps the refusals; another person\'s change they acknowledge', async () => {
    await enter(runtime(), order('SC-4', 100_000));
    await runtime().changeOrder('SC-4', { description: 'blue paint', changeId: 'C-7' }, { user: allDepartments.name });
    for (const group of ['procurement', 'production', 'inspection']) {
      const acknowledgement = await openTask('SC-4', group);
      const error = await refusalOf(runtime().completeTask(acknowledgement.id, { acknowledged: true }, allDepartments));
      expect(error).toMatchObject({
        code: 'forbidden',
        message: `four eyes: ada requested change C-7 of order SC-4, so another person must decide "${acknowledgement.name}"`,
      });
      expect(error.details).toEqual({ reason: 'four-eyes-change-requester', ...await orderOf(acknowledgement), changeId: 'C-7' });
      // not claimed either: a claim would hold it for someone who may not give it
      await expect(runtime().claimTask(acknowledgement.id, allDepartments))
        .rejects.toMatchObject({ code: 'forbidden', details: { reason: 'four-eyes-change-requester', changeId: 'C-7' } });
      expect((await runtime().getTask(acknowledgement.id))?.claimedBy).toBeNull();
    }
    const production = await openTask('SC-4', 'production');
    const refused = (await runtime().getInstance(production.instanceId))!.history.filter((entry) => entry.event === 'task.refused');
    expect(refused.map((entry) => [entry.actor, entry.data?.reason, entry.data?.attempted ?? 'complete'])).toEqual(
      ['procurement', 'production', 'inspection'].flatMap(() => [['ada', 'four-eyes-change-requester', 'complete'], ['ada', 'four-eyes-change-requester', 'claim']]),
    );
    // the task list tells it in advance, as the completion would
    const marks = await runtime().fourEyesOnTasks(await runtime().findTasks({ businessKey: 'SC-4' }), allDepartments.name);
    expect([...marks.values()].map((mark) => [mark.reason, mark.changeId])).toEqual([0, 1, 2].map(() => ['four-eyes-change-requester', 'C-7']));
    for (const [group, name] of [['procurement', 'pete'], ['production', 'pia'], ['inspection', 'ivo']]) {
      await runtime().completeTask((await openTask('SC-4', group)).id, { acknowledged: true }, person(name, group));
    }
    expect((await runtime().orderChanges('SC-4'))?.changes.map((one) => one.status)).toEqual(['accepted']);
    // someone else's change: ada acknowledges it for one department, as before
    await runtime().changeOrder('SC-4', { description: 'red paint', changeId: 'C-8' }, { user: 'sam' });
    await runtime().completeTask((await openTask('SC-4', 'inspection')).id, { acknowledged: true }, allDepartments);
    expect(await runtime().fourEyesOnTasks(await runtime().findTasks({ businessKey: 'SC-4' }), 'sam')).toEqual(new Map(
      (await runtime().findTasks({ businessKey: 'SC-4' })).map((task) => [task.id, expect.objectContaining({ reason: 'four-eyes-change-requester', changeId: 'C-8' })]),
    ));
  });

  it('refuses the person who entered the order, and with it its special change, as an acknowledger of it; a later change someone else requested they acknowledge', async () => {
    await enter(runtime(), order('SC-5', 100_000, 'credit', { description: 'blue paint' }), allDepartments.name);
    const procurement = await openTask('SC-5', 'procurement');
    const error = await refusalOf(runtime().completeTask(procurement.id, { acknowledged: true }, allDepartments));
    expect(error).toMatchObject({
      code: 'forbidden', message: 'four eyes: ada started order SC-5, so another person must decide "Acknowledge special change (procurement)"',
    });
    expect(error.details).toEqual({ reason: 'four-eyes-starter', ...await orderOf(procurement) });
    await expect(runtime().claimTask(procurement.id, allDepartments)).rejects.toMatchObject({ code: 'forbidden', details: { reason: 'four-eyes-starter' } });
    expect((await runtime().fourEyesOnTasks([procurement], allDepartments.name)).get(procurement.id)).toMatchObject({ reason: 'four-eyes-starter' });
    for (const [group, name] of [['procurement', 'pete'], ['production', 'pia'], ['inspection', 'ivo']]) {
      await runtime().completeTask((await openTask('SC-5', group)).id, { acknowledged: true }, person(name, group));
    }
    // sam's change is not ada's: she acknowledges it for a department, as anyone in it may
    await runtime().changeOrder('SC-5', { description: 'red paint' }, { user: 'sam' });
    const production = await openTask('SC-5', 'production');
    expect(await runtime().fourEyesOnTasks([production], allDepartments.name)).toEqual(new Map());
    await runtime().completeTask(production.id, { acknowledged: true }, allDepartments);
  });

  it('gives back the claims a person holds on the other acknowledgements once they give one: they would hold them for nobody', async () => {
    await enter(runtime(), order('SC-3', 100_000, 'credit', { description: 'blue paint' }));
    const production = await openTask('SC-3', 'production');
    await runtime().claimTask(production.id, allDepartments);
    await runtime().completeTask((await openTask('SC-3', 'procurement')).id, { acknowledged: true }, allDepartments);
    const after = (await runtime().findTasks({ businessKey: 'SC-3' })).find((task) => task.id === production.id);
    expect(after?.claimedBy).toBeNull();
    const view = await runtime().getInstance(production.instanceId);
    expect(view!.history.filter((entry) => entry.event === 'task.unclaimed').map((entry) => entry.data?.reason)).toEqual(['four-eyes-distinct-deciders']);
  });
});
