import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';
import { textContaining } from '../../../support/matchers.js';

const RULE = 'separation-of-duties';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses a listed id that is no element, and one that is not a user task', async () => {
    expect(ofRule(await lintFixture(RULE, 'invalid-ids.bpmn'), RULE)).toEqual([
      ['mistyped', 'Process "Two approvals" separates "Secnod" (separationOfDuties), but it has no element with this id; list the ids of its user tasks'],
      ['mistyped', 'Process "Two approvals" separates start event "Start" (separationOfDuties), which is not a user task; only user tasks are decided by people'],
    ]);
  });

  it('refuses a list of one task', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-one-task.bpmn'), RULE);
    expect(findings).toEqual([['alone', textContaining('separates only one task')]]);
  });
});
