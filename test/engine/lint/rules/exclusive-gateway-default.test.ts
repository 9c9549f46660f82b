import { describe, expect, it } from 'vitest';
import { lintXml } from '../../../../engine/lint/lint-bpmn.js';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'exclusive-gateway-default';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('accepts the credit approval tiers (≤ 500,000 / 500,000 < a ≤ 1,000,000 / > 1,000,000) without a default flow', async () => {
    expect(ofRule(await lintFixture(RULE, 'valid-amount-tiers.bpmn'), RULE)).toEqual([]);
  });

  it('refuses conditions that leave a case uncovered: a gap at 1000, two variables, unrelated booleans', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-not-exhaustive.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['Gw_Gap', 'Gw_Vars', 'Gw_Bools']);
    expect(findings[0][1]).toMatch(
      /^Exclusive gateway "Amount\?" has no default flow and its conditions do not recognisably cover every case, so an instance for which none is true would fail; mark one outgoing flow as the default flow/,
    );
  });

  it('refuses an outgoing flow without condition that is not the default, and a default flow with a condition', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-unconditioned-flow.bpmn'), RULE);
    expect(findings).toEqual([
      [
        'Flow_Always',
        'Sequence flow "always" leaves exclusive gateway "Large?" without a condition and is not its default flow, so it would be taken whatever the data; give it a condition or make it the default flow',
      ],
      [
        'Flow_Fallback',
        'Sequence flow "fallback" is the default flow of exclusive gateway "Large?" but also has a condition, which is never evaluated; remove the condition',
      ],
    ]);
  });
});

describe(`${RULE}: which condition sets count as exhaustive`, () => {
  const gatewayWith = (conditions: string[]) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="http://stratum.example/lint">
  <bpmn:process id="p" name="P" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Gw" />
    <bpmn:exclusiveGateway id="Gw" name="Which?"><bpmn:incoming>In</bpmn:incoming>${conditions.map((_, i) => `<bpmn:outgoing>F${i}</bpmn:outgoing>`).join('')}</bpmn:exclusiveGateway>
    ${conditions
      .map(
        (condition, i) => `<bpmn:sequenceFlow id="F${i}" name="f${i}" sourceRef="Gw" targetRef="End"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')}</bpmn:conditionExpression></bpmn:sequenceFlow>`,
      )
      .join('\n    ')}
    <bpmn:endEvent id="End" name="End">${conditions.map((_, i) => `<bpmn:incoming>F${i}</bpmn:incoming>`).join('')}</bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

  it('is a warning in a diagram from another tool (Camunda deploys it; an instance none of whose conditions hold gets an incident) and an error under the house rules', async () => {
    const severity = async (xml: string, options = {}) =>
      (await lintXml(xml, options)).find((finding) => finding.rule === RULE && finding.elementId === 'Gw')?.severity;
    const xml = gatewayWith(['=a > 1', '=b <= 1']);
    expect(await severity(xml)).toBe('warning');
    expect((await lintXml(xml)).find((finding) => finding.rule === RULE)?.message).toContain('an incident naming the gateway, as in Camunda');
    expect(await severity(xml.replace('targetNamespace="http://stratum.example/lint"', 'targetNamespace="http://stratum.example/bpmn/order-library"'))).toBe('error');
    expect(await severity(xml, { libraryProcessKeys: ['p'] })).toBe('error');
    expect(await severity(xml, { requireTaskGroups: true })).toBe('error');
  });

  const missingDefault = async (conditions: string[]) => {
    const findings = await lintXml(gatewayWith(conditions));
    return findings.some((finding) => finding.rule === RULE && finding.elementId === 'Gw');
  };

  it.each([
    [['=approved', '=not(approved)']],
    [['=not(order.prepaid)', '=order.prepaid']],
    [['=amount >= 1000', '=amount < 1000']],
    [['=1000 < amount', '=amount <= 1000']],
    [['=amount = 0', '=amount != 0']],
    [['=amount < 0', '=amount = 0', '=amount > 0']],
    [['=amount > 1', '=amount <= 2']],
    [['${amount > 100}', '${amount <= 100}']],
  ])('%j covers every case', async (conditions) => {
    expect(await missingDefault(conditions)).toBe(false);
  });

  it.each([
    [['=amount > 1000', '=amount <= 999']],
    [['=amount > 1000', '=amount < 1000']],
    [['=amount > 1000 or rush', '=amount <= 1000']],
    [['=a > 1', '=b <= 1']],
    [['=approved', '=rejected']],
    [['=amount > 500000 and amount <= 1000000', '=amount > 1000000']],
  ])('%j needs a default flow', async (conditions) => {
    expect(await missingDefault(conditions)).toBe(true);
  });
});
