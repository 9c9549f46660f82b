import { describe, expect, it } from 'vitest';
import { lintFixture, ofRule } from '../lint-fixture.js';
import { textContaining } from '../../../support/matchers.js';

const RULE = 'candidate-group-members';
const USERS_GROUPS = ['designer', 'vice-president', 'production'];

describe(RULE, () => {
  it('refuses a candidate group no user is in, naming the task and the group', async () => {
    const findings = await lintFixture(RULE, 'invalid-groups.bpmn', { taskGroups: { known: USERS_GROUPS, severity: 'error' } });
    expect(ofRule(findings, RULE)).toEqual([
      ['Task_Typo', textContaining('User task "Check stock" is offered to candidate group "procurment", which no user is in, so nobody could complete it')],
      ['Task_Mixed', textContaining('candidate group "night-shift", which no user is in, so only members of "production" can complete it')],
    ]);
    expect(findings.filter((finding) => finding.rule === RULE).map((finding) => finding.severity)).toEqual(['error', 'error']);
  });

  it('is a warning where the users are only an example (demo mode)', async () => {
    const findings = await lintFixture(RULE, 'invalid-groups.bpmn', { taskGroups: { known: USERS_GROUPS, severity: 'warn' } });
    expect(findings.filter((finding) => finding.rule === RULE).map((finding) => [finding.elementId, finding.severity])).toEqual([
      ['Task_Typo', 'warning'],
      ['Task_Mixed', 'warning'],
    ]);
  });

  it('accepts tasks whose groups all have members', async () => {
    const findings = await lintFixture(RULE, 'invalid-groups.bpmn', { taskGroups: { known: [...USERS_GROUPS, 'procurment', 'night-shift'], severity: 'error' } });
    expect(ofRule(findings, RULE)).toEqual([]);
  });

  it('checks nothing without the users', async () => {
    expect(ofRule(await lintFixture(RULE, 'invalid-groups.bpmn'), RULE)).toEqual([]);
  });
});
