import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintXml } from '../../../../engine/lint/lint-bpmn.js';
import { DIAGRAMS_DIR } from '../../../support/stratum-fixture.js';
import { expectNoErrors, FIXTURES, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'decision-reads-own-output';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  const houseRules = { requireTaskGroups: true };

  it('refuses a gateway after a user task that reads another step\'s decision, or a task without outputs, and a second writer of a decision', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-decisions.bpmn', houseRules), RULE);
    expect(findings.map(([id]) => id).sort()).toEqual(['CheckYes', 'Overwrite', 'ReviewYes']);
    const message = (id: string) => findings.find(([elementId]) => elementId === id)![1];
    expect(message('ReviewYes')).toBe(
      'Sequence flow "yes" decides on the outcome of user task "Review order (vice-president)" but reads none of its outputs, ' +
        'so a value set earlier could stand in for a decision not made; read "vicePresidentApproved", which the task declares',
    );
    expect(message('CheckYes')).toContain('declare the decision as the task\'s output');
    expect(message('Overwrite')).toBe(
      'Intermediate throw event "Approve anyway" writes "vicePresidentApproved", which user task "Review order (vice-president)" declares as its decision; ' +
        'a decision is written only by the task that makes it: give this output another name',
    );
  });

  describe('the result variable of a business rule task, which the runtime sets without any output mapping', () => {
    it('Camunda 8: refuses a resultVariable that a user task declares as its decision, and only that one', async () => {
      const findings = await lintFixture(RULE, 'invalid-decision-result.bpmn');
      expect(ofRule(findings, RULE)).toEqual([[
        'Suggest',
        'Business rule task "Suggest approval" writes its decision\'s result to "vicePresidentApproved" (resultVariable), ' +
          'which user task "Review order (vice-president)" declares as its decision; ' +
          'a decision is written only by the task that makes it: give the result variable another name',
      ]]);
      expect(findings.find((finding) => finding.rule === RULE)!.severity).toBe('error');
    });

    it('Camunda 7: refuses a camunda:resultVariable that is a user task\'s form field, whatever the diagram', async () => {
      for (const options of [{}, houseRules]) {
        const findings = (await lintFixture(RULE, 'invalid-decision-result-camunda.bpmn', options)).filter((finding) => finding.rule === RULE);
        expect(findings.map((finding) => [finding.elementId, finding.severity])).toEqual([['Recheck', 'error']]);
        expect(findings[0].message).toContain('writes its decision\'s result to "approved" (resultVariable), which user task "Review order" declares as its decision');
      }
    });

    it('accepts the same tasks once the result variable has a name of its own', async () => {
      const xml = readFileSync(`${FIXTURES}${RULE}/invalid-decision-result.bpmn`, 'utf8').replace('resultVariable="vicePresidentApproved"', 'resultVariable="suggestedApproval"');
      expect(ofRule(await lintXml(xml), RULE)).toEqual([]);
    });
  });

  it('is an error under the house rules, so such a diagram is not deployed to the shipped library', async () => {
    const findings = await lintFixture(RULE, 'invalid-decisions.bpmn', houseRules);
    expect(findings.filter((finding) => finding.rule === RULE).every((finding) => finding.severity === 'error')).toBe(true);
  });

  it('outside the house rules, takes what the gateway reads as the decision of a task that declares nothing: a warning naming task and variables', async () => {
    const findings = (await lintFixture(RULE, 'invalid-decisions.bpmn')).filter((finding) => finding.rule === RULE);
    expect(findings.map((finding) => [finding.elementId, finding.severity]).sort()).toEqual([
      ['Check', 'warning'], ['Overwrite', 'error'], ['ReviewYes', 'error'],
    ]); // a task that declares an output must read it, wherever the diagram comes from
    expect(findings.find((finding) => finding.elementId === 'Check')!.message).toBe(
      'User task "Check documents" declares no outputs, but the gateway after it decides on "approved"; Stratum takes "approved" as the task\'s decision, ' +
        'so completing it must send it (a completion without it is refused) and no value set earlier can stand in. ' +
        'Declare the decision to make this explicit (e.g. <camunda:formField id="approved" /> or a zeebe:output)',
    );
  });


  it('lets two tasks of a foreign diagram decide the same inferred variable: each completion sends its own', async () => {
    const review = (id: string, next: string) => `
      <bpmn:userTask id="${id}" name="${id}" />
      <bpmn:sequenceFlow id="${id}Out" sourceRef="${id}" targetRef="${id}Ok" />
      <bpmn:exclusiveGateway id="${id}Ok" name="ok?" default="${id}No" />
      <bpmn:sequenceFlow id="${id}Yes" sourceRef="${id}Ok" targetRef="${next}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${approved}</bpmn:conditionExpression></bpmn:sequenceFlow>
      <bpmn:sequenceFlow id="${id}No" sourceRef="${id}Ok" targetRef="Rejected" />`;
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
      <bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="http://example.com/camunda7">
        <bpmn:process id="two-reviews" isExecutable="true">
          <bpmn:startEvent id="Start" /><bpmn:sequenceFlow id="S" sourceRef="Start" targetRef="First" />
          ${review('First', 'Second')}${review('Second', 'Approved')}
          <bpmn:endEvent id="Approved" /><bpmn:endEvent id="Rejected" />
        </bpmn:process>
      </bpmn:definitions>`;
    const findings = (await lintXml(xml)).filter((finding) => finding.rule === RULE);
    expect(findings.map((finding) => [finding.elementId, finding.severity])).toEqual([['First', 'warning'], ['Second', 'warning']]);
  });

  it('finds the shipped approval and acknowledgement diagrams in order', async () => {
    for (const file of ['credit-order-approval.bpmn', 'special-change-notification.bpmn']) {
      const findings = await lintXml(readFileSync(`${DIAGRAMS_DIR}${file}`, 'utf8'));
      expect(ofRule(findings, RULE), file).toEqual([]);
    }
  });
});
