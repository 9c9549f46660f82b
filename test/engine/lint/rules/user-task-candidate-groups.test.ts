import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LIBRARY_NAMESPACE } from '../../../../engine/lint/house-rules.js';
import { lintXml } from '../../../../engine/lint/lint-bpmn.js';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'user-task-candidate-groups';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('warns about tasks with no assignment at all (offered to the default group) and accepts assignees and computed groups', async () => {
    const findings = (await lintFixture(RULE, 'invalid-zeebe.bpmn')).filter((finding) => finding.rule === RULE);
    expect(findings.map((finding) => [finding.elementId, finding.severity])).toEqual([['NoGroups', 'warning'], ['Manual', 'warning']]);
    expect(findings[0].message).toContain('until then it is offered to the default task group (STRATUM_DEFAULT_TASK_GROUP)');
    expect(ofRule(await lintFixture(RULE, 'invalid-camunda.bpmn'), RULE)).toEqual([]);
  });

  it('shipped library: refuses user tasks without groups, with an assignee only, or with computed groups, and manual tasks without groups', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-zeebe.bpmn', { requireTaskGroups: true }), RULE);
    expect(findings.map(([id]) => id)).toEqual(['NoGroups', 'AssigneeOnly', 'Computed', 'Manual']);
    expect(findings[0][1]).toMatch(/^User task "Approve order" has no candidate groups; name the groups that may complete it/);
    expect(findings[1][1]).toContain('an assignee or candidate users alone are not enough');
    expect(findings[2][1]).toContain('computes its candidate groups ("=approverGroups")');
    expect(findings[3][1]).toMatch(/^Manual task "Pack by hand" has no candidate groups \(Stratum offers manual tasks to groups like user tasks/);
  });

  it('shipped library: refuses a Camunda 7 user task with camunda:assignee only', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-camunda.bpmn', { requireTaskGroups: true }), RULE);
    expect(findings.map(([id]) => id)).toEqual(['AssigneeOnly']);
    expect(findings[0][1]).toContain('User task "Review order" has no candidate groups (an assignee or candidate users alone are not enough');
  });
});

describe(`${RULE}: Stratum's house rules hold for the shipped library, not for diagrams from other tools`, () => {
  const SHIPPED = readFileSync(new URL('../../../../diagrams/credit-order-approval.bpmn', import.meta.url), 'utf8');
  // the sales director's task with its groups removed (the assignment is its only one)
  const withoutGroups = (xml: string) => xml.replace('<zeebe:assignmentDefinition candidateGroups="sales-director" />', '');
  const groupFindings = async (xml: string, options = {}) =>
    (await lintXml(xml, options)).filter((finding) => finding.rule === RULE).map((finding) => [finding.elementId, finding.severity]);

  it('refuses a shipped approval task without groups (the library namespace), whoever lints it', async () => {
    expect(await groupFindings(withoutGroups(SHIPPED))).toEqual([['UserTask_ApproveBySalesDirector', 'error']]);
  });

  it('warns for the same task in a diagram of another namespace: it is offered to the default task group', async () => {
    const foreign = withoutGroups(SHIPPED).replace(`targetNamespace="${LIBRARY_NAMESPACE}"`, 'targetNamespace="http://example.com/camunda"');
    expect(await groupFindings(foreign)).toEqual([['UserTask_ApproveBySalesDirector', 'warning']]);
  });

  it('refuses it again when the foreign file replaces a deployed library process (its key)', async () => {
    const foreign = withoutGroups(SHIPPED).replace(`targetNamespace="${LIBRARY_NAMESPACE}"`, 'targetNamespace="http://example.com/camunda"');
    expect(await groupFindings(foreign, { libraryProcessKeys: ['credit-order-approval'] })).toEqual([['UserTask_ApproveBySalesDirector', 'error']]);
    expect(await groupFindings(foreign, { libraryProcessKeys: ['some-other-process'] })).toEqual([['UserTask_ApproveBySalesDirector', 'warning']]);
  });

  it('holds for a process that takes orders, in any namespace', async () => {
    const entry = withoutGroups(SHIPPED)
      .replace(`targetNamespace="${LIBRARY_NAMESPACE}"`, 'targetNamespace="http://example.com/camunda"')
      .replace('<zeebe:property name="separationOfDuties"', '<zeebe:property name="takesOrders" value="true" /><zeebe:property name="separationOfDuties"');
    expect(await groupFindings(entry)).toEqual([['UserTask_ApproveBySalesDirector', 'error']]);
  });

  it('the library deploys clean: no finding of this rule on any shipped diagram', async () => {
    for (const file of ['credit-order-approval', 'special-change-notification', 'sales-order-management', 'order-to-cash']) {
      const xml = readFileSync(new URL(`../../../../diagrams/${file}.bpmn`, import.meta.url), 'utf8');
      expect(await groupFindings(xml), file).toEqual([]);
    }
  });
});
