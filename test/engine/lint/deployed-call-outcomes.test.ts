// call-outcome-kept for a deployed caller the deployment does not replace: only what the deployment makes wrong is
// its error. A conflict the caller already had is told by what it is about (the element, the variable, the deciding
// process), not by its wording, which the deployment may change.
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { newCallOutcomeFindings, type DeployedCaller } from '../../../engine/lint/deployed-call-outcomes.js';
import type { ProcessSupply } from '../../../engine/lint/variable-supply.js';

/** An order process calling a (handing back every variable), then b (handing back none), then setting approved in a service task. */
const CALLER = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="Defs" targetNamespace="http://example.com/other-tool">
  <bpmn:process id="caller" isExecutable="true">
    <bpmn:extensionElements><zeebe:properties><zeebe:property name="takesOrders" value="true" /></zeebe:properties></bpmn:extensionElements>
    <bpmn:startEvent id="Start" />
    <bpmn:callActivity id="Call_A" name="Run A"><bpmn:extensionElements><zeebe:calledElement processId="a" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:callActivity id="Call_B" name="Run B"><bpmn:extensionElements><zeebe:calledElement processId="b" propagateAllChildVariables="false" /></bpmn:extensionElements></bpmn:callActivity>
    <bpmn:serviceTask id="Settle" name="Settle"><bpmn:extensionElements><zeebe:taskDefinition type="settle" />
      <zeebe:ioMapping><zeebe:output source="=true" target="approved" /></zeebe:ioMapping></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:endEvent id="End" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Call_A" />
    <bpmn:sequenceFlow id="F2" sourceRef="Call_A" targetRef="Call_B" />
    <bpmn:sequenceFlow id="F3" sourceRef="Call_B" targetRef="Settle" />
    <bpmn:sequenceFlow id="F4" sourceRef="Settle" targetRef="End" />
  </bpmn:process>
</bpmn:definitions>`;

const supply = (key: string, calls: string[], supplies: string[] = []): ProcessSupply => ({ key, supplies, declaresStart: false, calls });
/** The deployed library: the caller's b calls x, which decides approved, so Settle already replaces x's decision. */
const BEFORE = [{ ...supply('caller', ['a', 'b']), takesOrders: true }, supply('a', []), supply('b', ['x']), supply('x', [], ['approved'])];

async function deployedCaller(): Promise<DeployedCaller> {
  return { key: 'caller', name: 'caller (version 1, deployed)', definitions: (await parseBpmn(CALLER)).definitions };
}

/** The library after a deployment replacing a. */
const withA = (a: ProcessSupply) => BEFORE.map((process) => (process.key === 'a' ? a : process));

describe('call-outcome-kept on a deployed caller', () => {
  it('has the conflict with x before the deployment, and reports none it already had', async () => {
    const caller = await deployedCaller();
    const [had] = newCallOutcomeFindings(caller, [], BEFORE);
    expect(had).toMatchObject({ file: 'caller (version 1, deployed)', elementId: 'Settle', rule: 'call-outcome-kept', severity: 'error' });
    expect(had.message).toContain('which "x" (called by call activity "Run B") decides');
    expect(newCallOutcomeFindings(caller, BEFORE, BEFORE)).toEqual([]);
  });

  it('recognises a conflict it already had when the deployment changes how it reads: x now reached through another call activity first', async () => {
    const caller = await deployedCaller();
    const after = withA(supply('a', ['x']));
    // the wording changed: the same decision of x, named through the call handing every variable back now
    const [now] = newCallOutcomeFindings(caller, [], after);
    expect(now).toMatchObject({ elementId: 'Settle' });
    expect(now.message).toContain('which "x" (called by call activity "Run A") decides');
    expect(newCallOutcomeFindings(caller, BEFORE, after)).toEqual([]);
  });

  it('still refuses a conflict the deployment creates: a now deciding approved itself', async () => {
    const caller = await deployedCaller();
    const findings = newCallOutcomeFindings(caller, BEFORE, withA(supply('a', [], ['approved'])));
    expect(findings.map((finding) => [finding.elementId, finding.severity])).toEqual([['Settle', 'error']]);
    expect(findings[0].message).toContain('which "a" (called by call activity "Run A") decides');
  });
});
