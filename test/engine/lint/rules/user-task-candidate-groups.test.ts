import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'user-task-candidate-groups';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses user tasks without groups, with an assignee only, or with computed groups, and manual tasks without groups', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-zeebe.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['NoGroups', 'AssigneeOnly', 'Computed', 'Manual']);
    expect(findings[0][1]).toMatch(/^User task "Approve order" has no candidate groups; name the groups that may complete it/);
    expect(findings[1][1]).toContain('an assignee alone is not enough');
    expect(findings[2][1]).toContain('computes its candidate groups ("=approverGroups")');
    expect(findings[3][1]).toMatch(/^Manual task "Pack by hand" has no candidate groups \(Stratum offers manual tasks to groups like user tasks/);
  });

  it('refuses a Camunda 7 user task with camunda:assignee only', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-camunda.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['AssigneeOnly']);
    expect(findings[0][1]).toContain('User task "Review order" has no candidate groups (an assignee alone is not enough');
  });
});
