// FEEL compares values of one type only: `"10" > 5` is null (DMN 1.4, 10.3.2.9), where feelin compared as
// JavaScript does and a designer's `=quantity > 1000000` took its flow for the text "2000000" (and `=quantity < 5`
// for ""). Such a comparison fails strictly, as a missing variable does (engine/feel/mixed-type-ordering.ts):
// an incident naming the value, on every kind of gateway and in a decision table's input entry; so does the
// test of an `if` that is no boolean (engine/feel/boolean-tests.ts). And a condition that gives no boolean
// (text, a number, null) is an incident too, as in Camunda 8.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { textContaining } from '../../support/matchers.js';

const ops = { name: 'otto', groups: ['operations'] };

type Kind = 'exclusive' | 'inclusive' | 'task';

/** A `kind` of branch whose one condition is `condition` (to End_Big), else the default flow (to End_Other). */
function branchingProcess(kind: Kind, condition: string): string {
  const branch = kind === 'task'
    ? '<bpmn:task id="Check" name="Check" default="Other"><bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Big</bpmn:outgoing><bpmn:outgoing>Other</bpmn:outgoing></bpmn:task>'
    : `<bpmn:${kind}Gateway id="Check" name="Big?" default="Other"><bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Big</bpmn:outgoing><bpmn:outgoing>Other</bpmn:outgoing></bpmn:${kind}Gateway>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="sizing" name="Sizing" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Check" />
    ${branch}
    <bpmn:sequenceFlow id="Big" name="big" sourceRef="Check" targetRef="End_Big"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Other" name="other" sourceRef="Check" targetRef="End_Other" />
    <bpmn:endEvent id="End_Big" name="Big"><bpmn:incoming>Big</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="End_Other" name="Other"><bpmn:incoming>Other</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
}

const DECISION_PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D2" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="tiering" name="Tiering" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Decide" />
    <bpmn:businessRuleTask id="Decide" name="Decide tier">
      <bpmn:extensionElements><zeebe:calledDecision decisionId="tier" resultVariable="tier" /></bpmn:extensionElements>
      <bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Out</bpmn:outgoing>
    </bpmn:businessRuleTask>
    <bpmn:sequenceFlow id="Out" sourceRef="Decide" targetRef="End" />
    <bpmn:endEvent id="End" name="End"><bpmn:incoming>Out</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

/** `entry` decides the director's tier, else the approval is automatic; the input has no typeRef, which would refuse text itself. */
const tierDmn = (entry: string) => `<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="tier-definitions" name="Tier" namespace="http://stratum.example/dmn">
  <decision id="tier" name="Tier">
    <decisionTable id="tier-table" hitPolicy="FIRST">
      <input id="tier-in" label="Amount"><inputExpression id="tier-ie"><text>quantity</text></inputExpression></input>
      <output id="tier-out" name="tier" typeRef="string" />
      <rule id="director"><inputEntry id="tier-e1"><text>${entry}</text></inputEntry><outputEntry id="tier-o1"><text>"sales-director"</text></outputEntry></rule>
      <rule id="automatic"><inputEntry id="tier-e2"><text>-</text></inputEntry><outputEntry id="tier-o2"><text>"automatic"</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`;

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;
const deploy = (files: { name: string; xml: string }[]) => fixture.stratum.library.deploy(files, { user: 'designer' });
/** The end event an instance reached. */
const endOf = async (id: string) => (await runtime().getInstance(id))!.history.map((entry) => entry.elementId).find((element) => element?.startsWith('End_'));

describe.each(['exclusive', 'inclusive', 'task'] as const)('a condition on a flow out of %s', (kind) => {
  it.each([
    ['text "2000000"', '2000000', '"2000000" is text'],
    ['text "1e7"', '1e7', '"1e7" is text'],
    ['a boolean', true, 'true is a boolean'],
    ['a list [2000000]', [2_000_000], '[2000000] is a list'],
    ['a context', {}, '{} is a context'],
  ])('never compares %s with the number in =quantity > 1000000: an incident naming the value, and a retry with a number goes on', async (_name, quantity, problem) => {
    await deploy([{ name: 'sizing.bpmn', xml: branchingProcess(kind, '=quantity &gt; 1000000') }]);

    const started = await runtime().start('sizing', { variables: { quantity } });
    expect(started.instance.status).toBe('failed');
    expect(started.instance.incident).toMatchObject({
      elementId: 'Check',
      message: textContaining(`condition of sequence flow Big: cannot evaluate "quantity > 1000000": ${problem}, which cannot be ordered with a number`),
    });

    const { items: [incident] } = await runtime().findIncidents({ processKey: 'sizing' });
    const retried = await runtime().retryIncident(incident.id, { variables: { quantity: 2_000_000 } }, ops);
    expect(retried.status).toBe('completed');
  });

  it('takes the flow for a number, and the default flow for "" where =quantity < 5 took the flow', async () => {
    await deploy([{ name: 'sizing.bpmn', xml: branchingProcess(kind, '=quantity &lt; 5') }]);
    expect((await runtime().start('sizing', { variables: { quantity: 1 } })).instance.status).toBe('completed');
    const empty = await runtime().start('sizing', { variables: { quantity: '' } });
    expect(empty.instance).toMatchObject({ status: 'failed', incident: { elementId: 'Check', message: textContaining('"" is text, which cannot be ordered with a number') } });
  });

  it.each([
    ['the text "true"', 'true'],
    ['the text "false"', 'false'],
    ['the number 1', 1],
    ['null', null],
  ])('raises an incident for a condition that gives %s, never a flow', async (_name, decided) => {
    await deploy([{ name: 'sizing.bpmn', xml: branchingProcess(kind, '=decided') }]);
    const started = await runtime().start('sizing', { variables: { decided } });
    expect(started.instance).toMatchObject({
      status: 'failed',
      incident: { elementId: 'Check', message: textContaining(`condition "=decided" gave ${JSON.stringify(decided)}, not true or false`) },
    });
  });

  it('raises an incident for =if decided then true else false over the text "false", where feelin took the flow', async () => {
    await deploy([{ name: 'sizing.bpmn', xml: branchingProcess(kind, '=if decided then true else false') }]);
    const started = await runtime().start('sizing', { variables: { decided: 'false' } });
    expect(started.instance).toMatchObject({
      status: 'failed',
      incident: { elementId: 'Check', message: textContaining('the test after "if" or "satisfies" gave "false", not true or false') },
    });
  });

  it('takes the flow its condition gives for a boolean', async () => {
    await deploy([{ name: 'sizing.bpmn', xml: branchingProcess(kind, '=decided') }]);
    const yes = await runtime().start('sizing', { variables: { decided: true } });
    const no = await runtime().start('sizing', { variables: { decided: false } });
    expect([yes.instance.status, no.instance.status]).toEqual(['completed', 'completed']);
    expect([await endOf(yes.instance.id), await endOf(no.instance.id)]).toEqual(['End_Big', 'End_Other']);
  });
});

describe('a decision table input entry', () => {
  it.each([
    ['> 1000000', '"2000000" is text'],
    ['not(&lt;= 1000000)', '"2000000" is text'],
    ['[1000000..99999999]', '"2000000" is text'],
  ])('never orders the text "2000000" with %s: the business rule task fails naming the value, where it matched a rule or none', async (entry, problem) => {
    await deploy([{ name: 'tiering.bpmn', xml: DECISION_PROCESS }, { name: 'tier.dmn', xml: tierDmn(entry) }]);
    const started = await runtime().start('tiering', { variables: { quantity: '2000000' } });
    expect(started.instance).toMatchObject({
      status: 'failed',
      incident: { elementId: 'Decide', message: textContaining(`${problem}, which cannot be ordered with a number`) },
    });
    const numeric = await runtime().start('tiering', { variables: { quantity: 2_000_000 } });
    expect(numeric.instance.status).toBe('completed');
    expect((await runtime().getInstance(numeric.instance.id))!.variables.tier).toBe('sales-director');
  });
});
