import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'service-task-job-type';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses service and send tasks without a job type', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-zeebe.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['NoType', 'SendNoType']);
    expect(findings[0][1]).toMatch(/^Stratum runs service tasks as external jobs; give service task "Plan production" a job type/);
    expect(findings[1][1]).toContain('give send task "Send confirmation" a job type');
  });

  it('refuses a Camunda 7 external task without topic and a service task without implementation', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-camunda.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['NoTopic', 'Nothing']);
    expect(findings[0][1]).toContain('camunda:type="external" needs a camunda:topic');
  });
});
