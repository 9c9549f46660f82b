// User tasks assigned as Camunda assigns them: assignee, candidate users and
// candidate groups (names, FEEL or JUEL evaluated when the task is created);
// who may complete them; a task with no assignment goes to the default group;
// an expression never hands a task to a server role: a group that grants one,
// or an account that holds nothing else.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, openStore, openStratum } from '../../../engine/index.js';
import { openFixture, SERVER_ROLES, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith, textContaining } from '../../support/matchers.js';
import { refusalOf } from '../../support/refusal.js';

const process = (id: string, flavour: 'zeebe' | 'camunda', task: string) => ({
  name: `${id}.bpmn`,
  xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" ${flavour === 'zeebe' ? 'xmlns:zeebe="http://camunda.org/schema/zeebe/1.0"' : 'xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'} id="Defs_${id}" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="${id}" name="${id}" isExecutable="true">
    <bpmn:startEvent id="Start" name="Started" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
    ${task}
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="End" />
    <bpmn:endEvent id="End" name="Done" />
  </bpmn:process>
</bpmn:definitions>`,
});

const ZEEBE = process('review-c8', 'zeebe', `<bpmn:userTask id="Review" name="Review"><bpmn:extensionElements>
      <zeebe:assignmentDefinition assignee="=owner" candidateUsers="bob, carla" candidateGroups="=reviewers" /></bpmn:extensionElements></bpmn:userTask>`);
const CAMUNDA = process('review-c7', 'camunda', `<bpmn:userTask id="Review" name="Review" camunda:assignee="\${owner}" camunda:candidateGroups="\${approverGroups}" />`);
const ROLE_BY_NAME = process('review-ops', 'zeebe', `<bpmn:userTask id="Review" name="Review"><bpmn:extensionElements>
      <zeebe:assignmentDefinition candidateGroups="operations" /></bpmn:extensionElements></bpmn:userTask>`);
const PICKED_USERS = process('review-picked', 'zeebe', `<bpmn:userTask id="Review" name="Review"><bpmn:extensionElements>
      <zeebe:assignmentDefinition assignee="=approver" candidateUsers="=deputies" candidateGroups="legal" /></bpmn:extensionElements></bpmn:userTask>`);
const PICKED_USERS_JUEL = process('review-picked-c7', 'camunda',
  '<bpmn:userTask id="Review" name="Review" camunda:assignee="${approver}" camunda:candidateUsers="${deputies}" camunda:candidateGroups="legal" />');
const ACCOUNT_BY_NAME = process('review-erp', 'zeebe', `<bpmn:userTask id="Review" name="Review"><bpmn:extensionElements>
      <zeebe:assignmentDefinition assignee="erp" candidateUsers="ops" /></bpmn:extensionElements></bpmn:userTask>`);
const UNASSIGNED = process('review-open', 'zeebe', '<bpmn:userTask id="Review" name="Review" />');

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false, serverRoles: SERVER_ROLES }); });
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;

describe('tasks assigned as Camunda assigns them', () => {
  it('Camunda 8: assignee and groups by FEEL, candidate users by name; each of them may complete, nobody else', async () => {
    await fixture.stratum.library.deploy([ZEEBE], { user: 'designer' });
    const { instance } = await runtime().start('review-c8', { variables: { owner: 'anna', reviewers: ['legal', 'audit'] } });
    const [task] = await runtime().findTasks({ instanceId: instance.id });
    expect(task).toMatchObject({ assignee: 'anna', candidateUsers: ['bob', 'carla'], candidateGroups: ['legal', 'audit'] });
    expect((await runtime().findTasks({ assignee: 'anna' })).map((open) => open.id)).toEqual([task.id]);
    expect(await runtime().findTasks({ assignee: 'bob' })).toEqual([]);

    const error = await refusalOf(runtime().completeTask(task.id, {}, { name: 'eve', groups: ['sales'] }));
    expect(error).toMatchObject({ code: 'forbidden', message: textContaining('assigned to anna, offered to bob, carla, for legal, audit; eve is not among them') });
    expect(error.details).toEqual({
      reason: 'not-offered',
      task: { id: task.id, instanceId: instance.id, processKey: 'review-c8', elementId: 'Review', name: 'Review' },
      offeredTo: { assignee: 'anna', candidateUsers: ['bob', 'carla'], candidateGroups: ['legal', 'audit'] },
    });
    for (const user of [{ name: 'anna', groups: [] }, { name: 'carla', groups: [] }, { name: 'dan', groups: ['audit'] }]) {
      const { instance: next } = await runtime().start('review-c8', { variables: { owner: 'anna', reviewers: ['legal', 'audit'] } });
      const [open] = await runtime().findTasks({ instanceId: next.id });
      expect((await runtime().completeTask(open.id, {}, user)).status, user.name).toBe('completed');
    }
  });

  it('Camunda 7: JUEL assignee and a JUEL list of candidate groups, evaluated when the task is created', async () => {
    await fixture.stratum.library.deploy([CAMUNDA], { user: 'designer' });
    const { instance } = await runtime().start('review-c7', { variables: { owner: 'anna', approverGroups: 'accounting, sales' } });
    const [task] = await runtime().findTasks({ instanceId: instance.id });
    expect(task).toMatchObject({ assignee: 'anna', candidateUsers: [], candidateGroups: ['accounting', 'sales'] });
    expect((await runtime().completeTask(task.id, {}, { name: 'sam', groups: ['sales'] })).status).toBe('completed');
  });

  it('offers a task with no assignment to the default task group, with a deploy warning', async () => {
    const { warnings } = await fixture.stratum.library.deploy([UNASSIGNED], { user: 'designer' });
    expect(warnings).toContainEqual(objectWith({ elementId: 'Review', rule: 'user-task-candidate-groups', severity: 'warning' }));
    const { instance } = await runtime().start('review-open');
    const [task] = await runtime().findTasks({ instanceId: instance.id });
    expect(task).toMatchObject({ assignee: null, candidateUsers: [], candidateGroups: ['task-users'] });
    expect((await runtime().completeTask(task.id, {}, { name: 'tom', groups: ['task-users'] })).status).toBe('completed');
  });

  describe('STRATUM_DEFAULT_TASK_GROUP', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
    });

    it('offers a task with no assignment to the group it names', async () => {
      vi.stubEnv('STRATUM_DEFAULT_TASK_GROUP', ' order-desk ');
      await fixture.stratum.library.deploy([UNASSIGNED], { user: 'designer' });
      const { instance } = await runtime().start('review-open');
      const [task] = await runtime().findTasks({ instanceId: instance.id });
      expect(task.candidateGroups).toEqual(['order-desk']);
    });

    it('refuses to open the engine when it is set but blank, naming it, instead of offering such tasks to task-users', async () => {
      vi.stubEnv('STRATUM_DEFAULT_TASK_GROUP', '  ');
      const dataDir = mkdtempSync(join(tmpdir(), 'stratum-blank-group-'));
      const store = await openStore({ dataDir });
      try {
        const opening = openStratum({ store });
        await expect(opening).rejects.toBeInstanceOf(ConfigurationError);
        await expect(opening).rejects.toMatchObject({
          variable: 'STRATUM_DEFAULT_TASK_GROUP',
          message: 'STRATUM_DEFAULT_TASK_GROUP is set but blank: name the group unassigned tasks are offered to, or leave it unset for task-users',
        });
      } finally {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    });
  });

  it('fails the instance with an incident naming the task when an assignment expression cannot be evaluated', async () => {
    await fixture.stratum.library.deploy([ZEEBE], { user: 'designer' });
    const { instance } = await runtime().start('review-c8', { variables: { reviewers: ['legal'] } });
    expect(instance.status).toBe('failed');
    expect(instance.incident).toMatchObject({ elementId: 'Review', message: textContaining('assignee =owner') });
  });

  describe('a group that grants a server role', () => {
    it.each([
      ['Camunda 8, FEEL', 'review-c8', ZEEBE, { owner: 'anna', reviewers: ['legal', 'integration'] }, 'candidate groups =reviewers gave "integration"'],
      ['Camunda 7, JUEL', 'review-c7', CAMUNDA, { owner: 'anna', approverGroups: 'accounting, designer' }, 'candidate groups ${approverGroups} gave "designer"'],
    ])('%s: an expression giving one raises an incident naming the task and the attribute; no task is created', async (_flavour, key, file, variables, said) => {
      await fixture.stratum.library.deploy([file], { user: 'designer' });
      const { instance } = await runtime().start(key, { variables, user: 'erp' });
      expect(instance.status).toBe('failed');
      expect(instance.incident).toMatchObject({ elementId: 'Review', message: textContaining(`${said}, a group that grants a server role`) });
      expect(await runtime().findTasks({ instanceId: instance.id })).toEqual([]);
    });

    it('an operator\'s retry with a task group in the variable creates the task', async () => {
      await fixture.stratum.library.deploy([ZEEBE], { user: 'designer' });
      const { instance } = await runtime().start('review-c8', { variables: { owner: 'anna', reviewers: 'integration' }, user: 'erp' });
      const { items: [incident] } = await runtime().findIncidents({ processKey: 'review-c8' });
      const retried = await runtime().retryIncident(incident.id, { variables: { reviewers: 'legal' } }, { name: 'otto', groups: ['operations'] });
      expect(retried.status).toBe('running');
      expect(await runtime().findTasks({ instanceId: instance.id })).toEqual([objectWith({ candidateGroups: ['legal'] })]);
    });

    it('stays the designer\'s choice when the diagram names it', async () => {
      await fixture.stratum.library.deploy([ROLE_BY_NAME], { user: 'designer' });
      const { instance } = await runtime().start('review-ops', { user: 'erp' });
      const [task] = await runtime().findTasks({ instanceId: instance.id });
      expect(task).toMatchObject({ candidateGroups: ['operations'] });
    });
  });

  describe('an account that only holds server roles', () => {
    const said = (text: string) => textContaining(`${text}, an account that only holds server roles`);
    it.each([
      ['Camunda 8, FEEL: the assignee', 'review-picked', PICKED_USERS, { approver: 'erp', deputies: ['bob'] }, 'assignee =approver gave "erp"'],
      ['Camunda 8, FEEL: a candidate user', 'review-picked', PICKED_USERS, { approver: 'anna', deputies: ['bob', 'ops'] }, 'candidate users =deputies gave "ops"'],
      ['Camunda 7, JUEL: the assignee', 'review-picked-c7', PICKED_USERS_JUEL, { approver: 'designer', deputies: 'bob' }, 'assignee ${approver} gave "designer"'],
      ['Camunda 7, JUEL: a candidate user', 'review-picked-c7', PICKED_USERS_JUEL, { approver: 'anna', deputies: 'bob, erp' }, 'candidate users ${deputies} gave "erp"'],
    ])('%s named by an expression raises an incident naming the task and the attribute; no task is created', async (_case, key, file, variables, attribute) => {
      await fixture.stratum.library.deploy([file], { user: 'designer' });
      const { instance } = await runtime().start(key, { variables, user: 'erp' });
      expect(instance.status).toBe('failed');
      expect(instance.incident).toMatchObject({ elementId: 'Review', message: said(`task Review: ${attribute}`) });
      expect(await runtime().findTasks({ instanceId: instance.id })).toEqual([]);
    });

    it('a person\'s name, an administrator\'s too (who is in task groups as well), creates the task', async () => {
      await fixture.stratum.library.deploy([PICKED_USERS], { user: 'designer' });
      const { instance } = await runtime().start('review-picked', { variables: { approver: 'admin', deputies: ['anna', 'director'] }, user: 'erp' });
      expect(instance.status).toBe('running');
      expect(await runtime().findTasks({ instanceId: instance.id })).toEqual([objectWith({ assignee: 'admin', candidateUsers: ['anna', 'director'] })]);
    });

    it('an operator\'s retry with a person\'s name in the variable creates the task', async () => {
      await fixture.stratum.library.deploy([PICKED_USERS], { user: 'designer' });
      const { instance } = await runtime().start('review-picked', { variables: { approver: 'erp', deputies: [] }, user: 'erp' });
      const { items: [incident] } = await runtime().findIncidents({ processKey: 'review-picked' });
      expect(incident.message).toEqual(said('assignee =approver gave "erp"'));
      const retried = await runtime().retryIncident(incident.id, { variables: { approver: 'anna' } }, { name: 'otto', groups: ['operations'] });
      expect(retried.status).toBe('running');
      expect(await runtime().findTasks({ instanceId: instance.id })).toEqual([objectWith({ assignee: 'anna' })]);
    });

    it('stays the designer\'s choice when the diagram names it', async () => {
      await fixture.stratum.library.deploy([ACCOUNT_BY_NAME], { user: 'designer' });
      const { instance } = await runtime().start('review-erp', { user: 'erp' });
      expect(await runtime().findTasks({ instanceId: instance.id })).toEqual([objectWith({ assignee: 'erp', candidateUsers: ['ops'] })]);
    });
  });
});
