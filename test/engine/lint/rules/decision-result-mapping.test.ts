import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'decision-result-mapping';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s without a finding', async (file) => {
    await expectNoErrors(RULE, file);
    expect(ofRule(await lintFixture(RULE, file), RULE)).toEqual([]);
  });

  it('refuses a mapDecisionResult Camunda 7 does not know, in the wrong case, or empty, naming the task', async () => {
    const findings = (await lintFixture(RULE, 'invalid-mappings.bpmn')).filter((finding) => finding.rule === RULE);
    expect(findings.map((finding) => [finding.elementId, finding.severity])).toEqual([
      ['FirstEntry', 'error'], ['WrongCase', 'error'], ['Empty', 'error'],
    ]);
    expect(findings[0].message).toBe(
      'Business rule task "First entry" maps its decision\'s result as camunda:mapDecisionResult="firstEntry", which Camunda 7 does not know: ' +
        'Camunda 7 refuses to deploy it, and Stratum would fail the task. ' +
        'Use singleEntry, singleResult, collectEntries or resultList (the default, also when the attribute is left out)',
    );
    expect(findings[2].message).toContain('camunda:mapDecisionResult="", which Camunda 7 does not know');
  });
});
