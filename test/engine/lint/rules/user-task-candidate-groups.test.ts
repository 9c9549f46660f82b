import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'user-task-candidate-groups';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('warns about tasks with no assignment at all (offered to the default group) and accepts assignees and computed groups', async () => {
    const findings = (await lintFixture(RULE, 'invalid-zeebe.bpmn')).filter((finding) => finding.rule === RULE);
    expect(findings.map((finding) => [finding.elementId, finding.severity])).toEqual([['NoGroups', 'warning'], ['Manual', 'warning']]);
    expect(findings[0]!.message).toContain('until then it is offered to the default task group (STRATUM_DEFAULT_TASK_GROUP)');
    expect(ofRule(await lintFixture(RULE, 'invalid-camunda.bpmn'), RULE)).toEqual([]);
  });

  it('shipped library: refuses user tasks without groups, with an assignee only, or with computed groups, and manual tasks without groups', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-zeebe.bpmn', { requireTaskGroups: true }), RULE);
    expect(findings.map(([id]) => id)).toEqual(['NoGroups', 'AssigneeOnly', 'Computed', 'Manual']);
    expect(findings[0]![1]).toMatch(/^User task "Approve order" has no candidate groups; name the groups that may complete it/);
    expect(findings[1]![1]).toContain('an assignee or candidate users alone are not enough');
    expect(findings[2]![1]).toContain('computes its candidate groups ("=approverGroups")');
    expect(findings[3]![1]).toMatch(/^Manual task "Pack by hand" has no candidate groups \(Stratum offers manual tasks to groups like user tasks/);
  });

  it('shipped library: refuses a Camunda 7 user task with camunda:assignee only', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-camunda.bpmn', { requireTaskGroups: true }), RULE);
    expect(findings.map(([id]) => id)).toEqual(['AssigneeOnly']);
    expect(findings[0]![1]).toContain('User task "Review order" has no candidate groups (an assignee or candidate users alone are not enough');
  });
});
