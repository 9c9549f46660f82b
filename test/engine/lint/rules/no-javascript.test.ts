import { describe, expect, it } from 'vitest';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'no-javascript';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses script tasks (also FEEL zeebe:script tasks) and javascript conditions', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-zeebe-scripts.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['Script', 'FeelScript', 'Flow_Js']);
    expect(findings[0][1]).toMatch(/^Script task "Compute total" is a script task \(javascript\); Stratum never runs scripts/);
    expect(findings[2][1]).toContain('The condition of sequence flow "big" is written in javascript');
  });

  it('refuses Camunda 7 listeners, script parameters and JavaScript conditions, naming each; Java delegates are jobs, not refused', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-camunda-java.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['Start', 'Approve', 'Approve', 'Flow_Yes']);
    const messages = findings.map(([, message]) => message);
    expect(messages[0]).toContain('Start event "Start" has an execution listener (a javascript script)');
    expect(messages[1]).toContain('task listener (Java class com.example.Notify)');
    expect(messages[2]).toContain('parameter "limit" of user task "Approve" is a groovy script');
    expect(messages[3]).toContain('written in JavaScript');
  });

  it('does not ask a Java service task for a job type: it has one derived from its class or delegate expression', async () => {
    const findings = await lintFixture(RULE, 'invalid-camunda-java.bpmn');
    expect(ofRule(findings, 'service-task-job-type')).toEqual([]);
  });
});
