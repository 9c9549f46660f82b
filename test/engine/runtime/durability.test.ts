// Restarts, timers, versions and run-time failures.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { enter, openFixture, order, vicePresident, type Fixture } from '../../support/stratum-fixture.js';
import { refusalOf } from '../../support/refusal.js';

const fixtureFile = (name: string) => ({
  name,
  xml: readFileSync(new URL(`../../fixtures/engine/${name}`, import.meta.url), 'utf8'),
});
const ops = { name: 'otto', groups: ['ops'] };
const DAY = 24 * 60 * 60 * 1000;

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture(); });
afterEach(async () => { await fixture.dispose(); });

describe('restart', () => {
  it('completes in a new runtime an order that waited for approval in the old one', async () => {
    const { instance } = await enter(fixture.stratum.runtime, order('RESTART', 700_000));
    const runtime = (await fixture.reopen()).runtime;
    const [task] = await runtime.findTasks({ businessKey: 'RESTART' });
    expect(task).toMatchObject({ candidateGroups: ['vice-president'] });
    await runtime.completeTask(task.id, { approved: true }, vicePresident);
    const after = await runtime.getInstance(instance.id);
    expect(after!.waiting.filter((wait) => wait.type === 'job').map((wait) => wait.jobType).sort())
      .toEqual(['procurement-planning', 'production-planning']);
  });

  it('fires after restart a timer of 40 days (over 24.8) that fell due during the downtime', async () => {
    await fixture.stratum.library.deploy([fixtureFile('long-wait.bpmn')], { user: 'test' });
    const { instance } = await fixture.stratum.runtime.start('long-wait', { businessKey: 'LW-1' });
    const timer = instance.waiting.find((wait) => wait.type === 'timer');
    expect(timer?.dueAt).toBe(new Date(fixture.clock.now().getTime() + 40 * DAY).toISOString());

    fixture.clock.advance(39 * DAY);
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(0);
    const runtime = (await fixture.reopen()).runtime;
    fixture.clock.advance(2 * DAY);
    expect(await runtime.fireDueTimers()).toBe(1);
    const after = await runtime.getInstance(instance.id);
    expect(after!.status).toBe('completed');
    expect(after!.history.map((entry) => entry.elementId)).toContain('Escalated');
    expect(after!.history.map((entry) => entry.elementId)).not.toContain('Done');
  });

  it('lets the attached task complete normally before its timer is due, removing the timer', async () => {
    await fixture.stratum.library.deploy([fixtureFile('long-wait.bpmn')], { user: 'test' });
    const { instance } = await fixture.stratum.runtime.start('long-wait', { businessKey: 'LW-2' });
    const [task] = await fixture.stratum.runtime.findTasks({ instanceId: instance.id });
    const after = await fixture.stratum.runtime.completeTask(task.id, {}, ops);
    expect(after.status).toBe('completed');
    fixture.clock.advance(50 * DAY);
    expect(await fixture.stratum.runtime.fireDueTimers()).toBe(0);
  });
});

describe('timers', () => {
  it('repeats a non-interrupting R3/PT10M reminder three times by the runtime clock, then stops', async () => {
    await fixture.stratum.library.deploy([fixtureFile('reminder-cycle.bpmn')], { user: 'test' });
    const { instance } = await fixture.stratum.runtime.start('reminder-cycle', {});
    const reminders = async () => (await fixture.stratum.runtime.getInstance(instance.id))!.history
      .filter((entry) => entry.elementId === 'Reminded' && entry.event === 'element.completed').length;
    const fired: number[] = [];
    for (let step = 0; step < 8; step++) {
      fixture.clock.advance(5 * 60_000);
      fired.push(await fixture.stratum.runtime.fireDueTimers());
    }
    expect(fired).toEqual([0, 1, 0, 1, 0, 1, 0, 0]);
    expect(await reminders()).toBe(3);
    expect((await fixture.stratum.runtime.getInstance(instance.id))!.waiting.map((wait) => wait.type)).toEqual(['task']);
  });
});

describe('versions', () => {
  it('finishes an instance started on v1 on v1 after v2 is deployed; new instances use v2', async () => {
    const { library, runtime } = fixture.stratum;
    expect((await library.deploy([fixtureFile('versioned-v1.bpmn')], { user: 'ann' })).deployed).toEqual([{ key: 'versioned', version: 1, changed: true }]);
    const { instance: old } = await runtime.start('versioned', { businessKey: 'V1' });
    expect((await library.deploy([fixtureFile('versioned-v2.bpmn')], { user: 'ann' })).deployed).toEqual([{ key: 'versioned', version: 2, changed: true }]);

    const [oldTask] = await runtime.findTasks({ instanceId: old.id });
    expect((await runtime.completeTask(oldTask.id, {}, ops)).status).toBe('completed');

    const { instance: fresh } = await runtime.start('versioned', { businessKey: 'V2' });
    expect(fresh.version).toBe(2);
    const [first] = await runtime.findTasks({ instanceId: fresh.id });
    const after = await runtime.completeTask(first.id, {}, ops);
    expect(after.waiting.map((wait) => wait.elementId)).toEqual(['Second']);
  });

  it('treats a redeployment of identical XML as a no-op', async () => {
    const { library } = fixture.stratum;
    await library.deploy([fixtureFile('versioned-v1.bpmn')], { user: 'ann' });
    const again = await library.deploy([fixtureFile('versioned-v1.bpmn')], { user: 'ann' });
    expect(again.deployed).toEqual([{ key: 'versioned', version: 1, changed: false }]);
    expect((await library.get('versioned'))!.versions).toHaveLength(1);
  });

  it('serves the exact deployed bytes back', async () => {
    const file = fixtureFile('versioned-v1.bpmn');
    await fixture.stratum.library.deploy([file], { user: 'ann' });
    expect(await fixture.stratum.library.xml('versioned', 1)).toBe(file.xml);
  });
});

describe('the library', () => {
  it('derives levels and where-used from the call graph', async () => {
    const processes = await fixture.stratum.library.list();
    const byKey = Object.fromEntries(processes.map((process) => [process.key, process]));
    expect(byKey['order-to-cash']).toMatchObject({ level: 1, calledBy: [], calls: ['sales-order-management'] });
    expect(byKey['sales-order-management']).toMatchObject({ level: 2, calledBy: ['order-to-cash'] });
    for (const key of ['credit-order-approval', 'prepaid-entry-control', 'prepaid-shipment-control', 'special-change-notification']) {
      expect(byKey[key]).toMatchObject({ level: 3, calledBy: ['sales-order-management'] });
    }
    expect(byKey['order-to-cash'].documentation).toBeTruthy();
  });
});

describe('bad input at deploy', () => {
  const refused = async (name: string) => {
    const error = await refusalOf(fixture.stratum.library.deploy([fixtureFile(name)], { user: 'ann' }));
    expect(error).toMatchObject({ code: 'invalid' });
    return error.details?.findings ?? [];
  };

  it('refuses malformed XML', async () => {
    const findings = await refused('malformed.bpmn');
    expect(findings[0]).toMatchObject({ file: 'malformed.bpmn', rule: 'xml-parse' });
  });

  it('refuses a JavaScript condition, naming the flow', async () => {
    const findings = await refused('javascript-condition.bpmn');
    expect(findings.map((finding) => finding.elementId)).toContain('Big');
  });

  it('refuses a FEEL syntax error, naming the flow', async () => {
    const findings = await refused('feel-syntax-error.bpmn');
    expect(findings.find((finding) => finding.elementId === 'Big')).toMatchObject({ rule: 'feel-condition-syntax' });
  });

  it('refuses a call to a process that is not deployed, naming the call activity', async () => {
    const findings = await refused('calls-unknown.bpmn');
    expect(findings.find((finding) => finding.elementId === 'CallIt')).toMatchObject({ rule: 'called-process-exists' });
  });

  it('keeps the library unchanged when a deployment is refused', async () => {
    const before = await fixture.stratum.library.list();
    await refused('calls-unknown.bpmn');
    expect(await fixture.stratum.library.list()).toEqual(before);
  });
});

describe('failures at run time', () => {
  it('fails the instance with an incident naming the flow when a condition reads a missing variable', async () => {
    await fixture.stratum.library.deploy([fixtureFile('missing-variable.bpmn')], { user: 'ann' });
    const { instance } = await fixture.stratum.runtime.start('missing-variable', { variables: {} });
    expect(instance.status).toBe('failed');
    expect(instance.incident?.message).toMatch(/Big/);
    expect(instance.incident?.message).toMatch(/amount/);
    expect(instance.history.map((entry) => entry.elementId)).not.toContain('End');
  });

  it('takes the right path when the variable is there', async () => {
    await fixture.stratum.library.deploy([fixtureFile('missing-variable.bpmn')], { user: 'ann' });
    const { instance } = await fixture.stratum.runtime.start('missing-variable', { variables: { amount: 5000 } });
    expect(instance.status).toBe('completed');
  });
});
