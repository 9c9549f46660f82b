// A FEEL evaluation has a budget (engine/feel/feel-budget.ts): a deployed expression that would loop for
// minutes or build a list of a hundred million numbers is stopped, and the step fails with an incident as
// any FEEL error does, instead of holding the server's thread. No test here waits on the clock: the time
// budget is set to 1 ms beside an expression no machine finishes in it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConfigurationError, openStore, openStratum } from '../../../engine/index.js';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { textContaining } from '../../support/matchers.js';

const ops = { name: 'otto', groups: ['operations'] };

/** A gateway whose one condition is `condition`, else the default flow. */
function gatewayProcess(condition: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="looping" name="Looping" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Check" />
    <bpmn:exclusiveGateway id="Check" name="Check?" default="Other"><bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Loops</bpmn:outgoing><bpmn:outgoing>Other</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Loops" name="loops" sourceRef="Check" targetRef="EndLoops"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Other" name="other" sourceRef="Check" targetRef="EndOther" />
    <bpmn:endEvent id="EndLoops" name="Loops"><bpmn:incoming>Loops</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="EndOther" name="Other"><bpmn:incoming>Other</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
}

const DECISION_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D2" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="deciding" name="Deciding" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Decide" />
    <bpmn:businessRuleTask id="Decide" name="Decide size">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="size" resultVariable="size" /></bpmn:extensionElements>
      <bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Out</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="Out" sourceRef="Decide" targetRef="End" />
    <bpmn:endEvent id="End" name="End"><bpmn:incoming>Out</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

/** A table whose first rule's input entry goes through every pair of numbers up to the quantity. */
const SIZE_DMN = `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="size-definitions" name="Size" namespace="http://stratum.example/dmn">
  <decision id="size" name="Size">
    <decisionTable id="size-table" hitPolicy="FIRST">
      <input id="size-in" label="Quantity"><inputExpression id="size-ie" typeRef="number"><text>quantity</text></inputExpression></input>
      <output id="size-out" name="size" typeRef="string" />
      <rule id="pairs">
        <inputEntry id="size-e1"><text>count(for i in 1..?, j in 1..? return i) &gt; 100</text></inputEntry>
        <outputEntry id="size-o1"><text>"large"</text></outputEntry>
      </rule>
      <rule id="rest">
        <inputEntry id="size-e2"><text>-</text></inputEntry>
        <outputEntry id="size-o2"><text>"small"</text></outputEntry>
      </rule>
    </decisionTable>
  </decision>
</definitions>`;

/** A multi-instance service task over the collection `collection`. */
const COLLECTION_PROCESS = (collection: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D3" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="labelling" name="Labelling" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Label" />
    <bpmn:serviceTask id="Label" name="Label each parcel">
      <bpmn:extensionElements><zeebe:taskDefinition type="label" /></bpmn:extensionElements>
      <bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Out</bpmn:outgoing>
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:extensionElements><zeebe:loopCharacteristics inputCollection="${collection}" inputElement="parcel" /></bpmn:extensionElements>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:serviceTask>
    <bpmn:sequenceFlow id="Out" sourceRef="Label" targetRef="End" />
    <bpmn:endEvent id="End" name="End"><bpmn:incoming>Out</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => {
  vi.unstubAllEnvs();
  await fixture?.dispose();
});
const runtime = () => fixture.stratum.runtime;
const deploy = (files: { name: string; xml: string }[]) => fixture.stratum.library.deploy(files, { user: 'designer' });

describe('a FEEL evaluation over its budget', () => {
  it('fails a condition that loops longer than STRATUM_FEEL_BUDGET_MS with an incident naming the gateway and its flow, and the runtime goes on', async () => {
    vi.stubEnv('STRATUM_FEEL_BUDGET_MS', '1');
    // a million iterations: no machine finishes them in 1 ms (feelin goes through a few million a second)
    await deploy([{ name: 'looping.bpmn', xml: gatewayProcess('=count(for i in 1..size, j in 1..size return i) &gt; 0') }]);

    const stuck = await runtime().start('looping', { variables: { size: 1000 } });
    expect(stuck.instance.status).toBe('failed');
    expect(stuck.instance.incident).toMatchObject({
      elementId: 'Check',
      message: textContaining('condition of sequence flow Loops: cannot evaluate "count(for i in 1..size, j in 1..size return i) > 0": the expression exceeded its budget: it ran longer than 1 ms (STRATUM_FEEL_BUDGET_MS)'),
    });
    const { items: [incident] } = await runtime().findIncidents({ processKey: 'looping' });
    expect(incident).toMatchObject({ instanceId: stuck.instance.id, elementId: 'Check' });
    // the failed step stored nothing of its own: the instance keeps the variables it was started with
    expect((await runtime().getInstance(stuck.instance.id))!.variables).toEqual({ size: 1000 });

    // the runtime answers the next start, and a retry with a size the loop can go through completes
    vi.stubEnv('STRATUM_FEEL_BUDGET_MS', '');
    const small = await runtime().start('looping', { variables: { size: 3 } });
    expect(small.instance).toMatchObject({ status: 'completed' });
    const retried = await runtime().retryIncident(incident.id, { variables: { size: 2 } }, ops);
    expect(retried.status).toBe('completed');
  });

  it('refuses a range taken from order data that is longer than STRATUM_FEEL_RANGE_LIMIT, before building it', async () => {
    await deploy([{ name: 'looping.bpmn', xml: gatewayProcess('=count(for i in 1..size return i) &gt; 10') }]);

    const huge = await runtime().start('looping', { variables: { size: 2_000_000 } });
    expect(huge.instance.status).toBe('failed');
    expect(huge.instance.incident).toMatchObject({
      elementId: 'Check',
      message: textContaining('condition of sequence flow Loops: cannot evaluate "count(for i in 1..size return i) > 10": the expression exceeded its budget: the range 1..2000000 holds 2000000 numbers, more than the 1000000 an expression may go through (STRATUM_FEEL_RANGE_LIMIT)'),
    });

    vi.stubEnv('STRATUM_FEEL_RANGE_LIMIT', '5');
    const over = await runtime().start('looping', { variables: { size: 6 } });
    expect(over.instance.incident).toMatchObject({ elementId: 'Check', message: textContaining('holds 6 numbers, more than the 5') });
    const within = await runtime().start('looping', { variables: { size: 5 } });
    expect(within.instance).toMatchObject({ status: 'completed' });
  });

  it('fails a loop whose built-in functions give more text than STRATUM_FEEL_TEXT_LIMIT, counted over the whole evaluation', async () => {
    await deploy([{ name: 'looping.bpmn', xml: gatewayProcess('=string length(string join(for i in 1..size return upper case(note))) &gt; 0') }]);
    // 20,000 copies of a 1,000-character note: 20 million characters, twice the default
    const huge = await runtime().start('looping', { variables: { size: 20_000, note: 'n'.repeat(1000) } });
    expect(huge.instance.status).toBe('failed');
    expect(huge.instance.incident).toMatchObject({
      elementId: 'Check',
      message: textContaining('the expression exceeded its budget: its built-in functions gave more than the 10000000 characters of text an expression may build (STRATUM_FEEL_TEXT_LIMIT)'),
    });

    // every call counts: three upper-cased notes of 4 and their join of 12 are 24 characters
    vi.stubEnv('STRATUM_FEEL_TEXT_LIMIT', '23');
    expect((await runtime().start('looping', { variables: { size: 3, note: 'abcd' } })).instance.incident).toMatchObject({ message: textContaining('more than the 23 characters') });
    vi.stubEnv('STRATUM_FEEL_TEXT_LIMIT', '24');
    expect((await runtime().start('looping', { variables: { size: 3, note: 'abcd' } })).instance.status).toBe('completed');
  });

  it('fails a multi-instance activity whose input collection goes through a range over the limit', async () => {
    vi.stubEnv('STRATUM_FEEL_RANGE_LIMIT', '3');
    await deploy([{ name: 'labelling.bpmn', xml: COLLECTION_PROCESS('=for i in 1..quantity return i') }]);
    const over = await runtime().start('labelling', { variables: { quantity: 4 } });
    expect(over.instance.status).toBe('failed');
    expect(over.instance.incident).toMatchObject({ elementId: 'Label', message: textContaining('input collection of Label: cannot evaluate "for i in 1..quantity return i": the expression exceeded its budget: the range 1..4 holds 4 numbers, more than the 3') });
    const within = await runtime().start('labelling', { variables: { quantity: 3 } });
    expect(within.instance.status).toBe('running');
    expect(await runtime().fetchAndLockJobs({ type: 'label', workerId: 'worker', max: 5 })).toHaveLength(3);
  });

  it('fails a decision whose table cell loops longer than the budget with a decision incident', async () => {
    await deploy([{ name: 'deciding.bpmn', xml: DECISION_PROCESS }, { name: 'size.dmn', xml: SIZE_DMN }]);
    const large = await runtime().start('deciding', { variables: { quantity: 20 } });
    expect(large.instance).toMatchObject({ status: 'completed', variables: { quantity: 20, size: 'large' } });

    vi.stubEnv('STRATUM_FEEL_BUDGET_MS', '1');
    const stuck = await runtime().start('deciding', { variables: { quantity: 1000 } });
    expect(stuck.instance.status).toBe('failed');
    expect(stuck.instance.incident).toMatchObject({
      elementId: 'Decide',
      reason: { kind: 'decision-failed', decisionId: 'size' },
      message: textContaining('input entry "count(for i in 1..?, j in 1..? return i) > 100" of rule pairs cannot be evaluated: the expression exceeded its budget'),
    });
    expect((await runtime().getInstance(stuck.instance.id))!.variables).toEqual({ quantity: 1000 });
  });

  it('leaves ordinary conditions as they were, under a budget no loop could keep', async () => {
    vi.stubEnv('STRATUM_FEEL_BUDGET_MS', '1');
    await deploy([{ name: 'looping.bpmn', xml: gatewayProcess('=amount &gt; 1000000') }]);
    expect((await runtime().start('looping', { variables: { amount: 2_000_000 } })).instance.status).toBe('completed');
    expect((await runtime().start('looping', { variables: { amount: 5 } })).instance.status).toBe('completed');
  });

  it.each(['STRATUM_FEEL_BUDGET_MS', 'STRATUM_FEEL_RANGE_LIMIT', 'STRATUM_FEEL_TEXT_LIMIT'])('refuses to open the engine when %s is not a whole number ≥ 1, naming it', async (variable) => {
    for (const text of ['1e3', '0', '-5', '2.5']) {
      vi.stubEnv(variable, text);
      const dataDir = mkdtempSync(join(tmpdir(), 'stratum-feel-budget-'));
      const store = await openStore({ dataDir });
      try {
        const opening = openStratum({ store });
        await expect(opening).rejects.toBeInstanceOf(ConfigurationError);
        await expect(opening).rejects.toMatchObject({ variable, message: `${variable} must be a whole number of at least 1, not ${text}` });
      } finally {
        await store.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  });
});
