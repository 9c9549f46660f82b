import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lintXml } from '../../../../engine/lint/lint-bpmn.js';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'supported-elements';

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s (fixed multi-instance, timer boundary, escalation)', (file) => expectNoErrors(RULE, file));

  it('refuses complex gateways, signal and conditional events, DMN, a collection that is not FEEL, and loops', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-unsupported.bpmn', { knownDecisionIds: ['dish'] }), RULE);
    expect(findings.map(([id]) => id)).toEqual(['Complex', 'Signal', 'Conditional', 'Decision', 'EachItem', 'Retry']);
    const message = (id: string) => findings.find(([elementId]) => elementId === id)![1];
    expect(message('Complex')).toBe('Complex gateway "Complex" cannot run: Stratum has no complex gateways. Use exclusive, inclusive or parallel gateways');
    expect(message('Signal')).toContain('is a signal event');
    expect(message('Conditional')).toContain('Intermediate catch event "Stock available" is a conditional event');
    expect(message('Decision')).toContain('calls the DMN decision "discount", which is neither deployed nor in this deployment');
    expect(message('EachItem')).toContain('is a multi-instance activity whose input collection "=items[" is neither FEEL nor translatable JUEL');
    expect(message('Retry')).toContain('Service task "Retry call" is a loop');
  });

  it('refuses Camunda 7 multi-instance over a collection a bean computes, and a decisionRef that is not deployed', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-camunda.bpmn', { knownDecisionIds: [] }), RULE);
    expect(findings.map(([id]) => id)).toEqual(['EachItem', 'Decision']);
    expect(findings[0][1]).toContain('whose input collection "${itemService.getItems(order)}" is neither FEEL nor translatable JUEL');
  });

  it('accepts a business rule task whose decision is known, and any decision where none are known (the modeler)', async () => {
    const known = ofRule(await lintFixture(RULE, 'invalid-unsupported.bpmn', { knownDecisionIds: ['discount'] }), RULE);
    expect(known.map(([id]) => id)).not.toContain('Decision');
    const unknown = ofRule(await lintFixture(RULE, 'invalid-unsupported.bpmn'), RULE);
    expect(unknown.map(([id]) => id)).not.toContain('Decision');
  });

  it('accepts a business rule task that pins its decision version, and refuses a pin it cannot honour', async () => {
    const read = (path: string) => readFileSync(new URL(`../../../fixtures/engine/${path}`, import.meta.url), 'utf8');
    const c8 = (binding: string) => lintXml(read('dish-camunda8.bpmn').replace('resultVariable="dish" />', `resultVariable="dish" ${binding} />`), { knownDecisionIds: ['dish'] });
    expect(ofRule(await c8('bindingType="versionTag" versionTag="v1"'), RULE)).toEqual([]);
    expect(ofRule(await c8('bindingType="latest"'), RULE)).toEqual([]);
    expect(ofRule(await c8('bindingType="versionTag"'), RULE)).toEqual([['Decide', expect.stringContaining('binds its decision "dish" by bindingType="versionTag", which pins no version Stratum can find')]]);
    const c7 = (binding: string) => lintXml(read('beverages-camunda7.bpmn').replace('camunda:decisionRef="beverages"', `camunda:decisionRef="beverages" ${binding}`), { knownDecisionIds: ['beverages'] });
    expect(ofRule(await c7('camunda:decisionRefBinding="version" camunda:decisionRefVersion="2"'), RULE)).toEqual([]);
    expect(ofRule(await c7('camunda:decisionRefBinding="version"'), RULE)).toEqual([['Decide', expect.stringContaining('camunda:decisionRefBinding="version"')]]);
  });

  it('refuses timer start events, of the process and of an event sub-process, saying how to start or remind instead', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-timer-starts.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['Nightly', 'AfterAnHour']);
    expect(findings[0][1]).toBe('Start event "Every night" is a timer start event, but Stratum does not start processes on a timer: deployed, it would never start an instance. ' +
      'Start it from a scheduler (cron, a Kubernetes CronJob) with POST /api/processes/nightly_stock_check/instances, or give it a plain or message start event');
    expect(findings[1][1]).toContain('Start event "An hour on" is a timer start event of an event sub-process, which Stratum never arms');
  });

  it('refuses message start events of event sub-processes, interrupting or not, saying which boundary event to model instead', async () => {
    const findings = ofRule(await lintFixture(RULE, 'invalid-message-event-sub-processes.bpmn'), RULE);
    expect(findings.map(([id]) => id)).toEqual(['CancelRequested', 'NoteAdded']);
    expect(findings[0][1]).toBe('Start event "Cancellation requested" is a message start event of an event sub-process, which Stratum never delivers a message to: ' +
      'it would never start, and its message would be kept as if nothing waited for it. ' +
      'Put an interrupting message boundary event on the task or sub-process it should cancel, and model the sub-process\'s path after it');
    expect(findings[1][1]).toContain('Put a non-interrupting message boundary event on the task or sub-process it should watch, so the task stays open');
  });

  it('refuses a non-interrupting error start event of an event sub-process, and accepts an interrupting one', async () => {
    const withStart = (attributes: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs_error_start" targetNamespace="http://stratum.dev/test">
  <bpmn:error id="Err_missing" name="Stock missing" errorCode="STOCK_MISSING" />
  <bpmn:process id="labels" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Done" />
    <bpmn:endEvent id="Done" />
    <bpmn:subProcess id="Handling" triggeredByEvent="true">
      <bpmn:startEvent id="Missing" name="Stock missing"${attributes}><bpmn:errorEventDefinition errorRef="Err_missing" /></bpmn:startEvent>
      <bpmn:sequenceFlow id="H1" sourceRef="Missing" targetRef="Handled" />
      <bpmn:endEvent id="Handled" />
    </bpmn:subProcess>
  </bpmn:process>
</bpmn:definitions>`;
    expect(ofRule(await lintXml(withStart(' isInterrupting="false"')), RULE)).toEqual([['Missing', 'Start event "Stock missing" is a non-interrupting error start event of an event sub-process, ' +
      'which BPMN does not allow: an error always interrupts its scope (Camunda 7 and 8 refuse it too), and run beside the scope it would leave the job that threw the error open. ' +
      'Remove isInterrupting="false"']]);
    expect(ofRule(await lintXml(withStart('')), RULE)).toEqual([]);
    expect(ofRule(await lintXml(withStart(' isInterrupting="true"')), RULE)).toEqual([]);
  });

  it('does not also ask a DMN business rule task for a job type', async () => {
    const findings = await lintFixture(RULE, 'invalid-unsupported.bpmn');
    expect(ofRule(findings, 'service-task-job-type')).toEqual([]);
  });
});
