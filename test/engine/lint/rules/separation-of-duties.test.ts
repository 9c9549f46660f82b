import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'separation-of-duties';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses a listed id that is no element, and one that is not a user task', async () => {
    expect(ofRule(await lintFixture(RULE, 'invalid-ids.bpmn'), RULE)).toEqual([
      ['mistyped', 'Process "Two approvals" separates "Secnod" (separationOfDuties), but it has no element with this id; list the ids of its user tasks'],
      ['mistyped', 'Process "Two approvals" separates start event "Start" (separationOfDuties), which is not a user task; only user tasks are decided by people'],
    ]);
  });

  it('checks the tasks an instance has decided by distinct people (distinctDeciders) the same way', async () => {
    expect(ofRule(await lintFixture(RULE, 'invalid-distinct-deciders.bpmn'), RULE)).toEqual([
      ['mistyped', 'Process "Two approvals" separates "Scond" (distinctDeciders), but it has no element with this id; list the ids of its user tasks'],
      ['mistyped', 'Process "Two approvals" separates end event "End" (distinctDeciders), which is not a user task; only user tasks are decided by people'],
    ]);
  });

  // the requester never decides it, and a multi-instance task's iterations go to different people
  it('accepts a list of one task', () => expectNoErrors(RULE, 'valid-one-task.bpmn'));
  // nor does the requester of what the instance handles (the change's, else the order's starter) decide a distinct-decider task
  it('accepts a distinctDeciders list of one task', () => expectNoErrors(RULE, 'valid-one-distinct-decider.bpmn'));
});
