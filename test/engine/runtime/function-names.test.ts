// A worker's variable named like a FEEL built-in (`today`, `count`) does not
// get an order stuck: a gateway condition calling `today()` or `count(items)`
// after the job still calls the built-in (engine/feel/function-calls.ts).
// Before, feelin called the variable ("Cannot invoke '0'"), the instance
// failed, and a retry could not take the variable away.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';

const ROUTED = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="routed-lines" name="Routed lines" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Check" />
    <bpmn:serviceTask id="Check" name="Check lines"><bpmn:extensionElements><zeebe:taskDefinition type="check-lines" /></bpmn:extensionElements><bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>ToRoute</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="ToRoute" sourceRef="Check" targetRef="Route" />
    <bpmn:exclusiveGateway id="Route" name="Lines to ship?"><bpmn:incoming>ToRoute</bpmn:incoming><bpmn:outgoing>Yes</bpmn:outgoing><bpmn:outgoing>No</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Yes" sourceRef="Route" targetRef="Ship"><bpmn:conditionExpression>=count(items) &gt; 0 and today() &gt; date("2000-01-01")</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="No" sourceRef="Route" targetRef="Hold"><bpmn:conditionExpression>=count(items) = 0 or today() &lt;= date("2000-01-01")</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:serviceTask id="Ship" name="Ship"><bpmn:extensionElements><zeebe:taskDefinition type="ship" /></bpmn:extensionElements><bpmn:incoming>Yes</bpmn:incoming><bpmn:outgoing>ShipEnd</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:serviceTask id="Hold" name="Hold"><bpmn:extensionElements><zeebe:taskDefinition type="hold" /></bpmn:extensionElements><bpmn:incoming>No</bpmn:incoming><bpmn:outgoing>HoldEnd</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:sequenceFlow id="ShipEnd" sourceRef="Ship" targetRef="End" />
    <bpmn:sequenceFlow id="HoldEnd" sourceRef="Hold" targetRef="End" />
    <bpmn:endEvent id="End" name="End"><bpmn:incoming>ShipEnd</bpmn:incoming><bpmn:incoming>HoldEnd</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

let fixture: Fixture;
beforeEach(async () => {
  fixture = await openFixture({ deployShipped: false });
  await fixture.stratum.library.deploy([{ name: 'routed-lines.bpmn', xml: ROUTED }], { user: 'designer' });
});
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;

describe('a job completed with a variable named like a FEEL built-in', () => {
  it.each([
    [{ today: 0 }, 'ship'],
    [{ count: 0 }, 'ship'],
    [{ count: 'many', today: false, items: [] }, 'hold'],
  ])('with %j takes the flow its conditions give: %s', async (variables, jobType) => {
    const { instance } = await runtime().start('routed-lines', { variables: { items: [{ sku: 'A-1' }] } });
    const [job] = await runtime().fetchAndLockJobs({ type: 'check-lines', workerId: 'w1' });
    expect(job).toBeDefined();
    const after = await runtime().completeJob(job.id, variables, erp, 'w1');
    expect(after.status).toBe('running');
    expect(after.incident).toBeFalsy();
    expect(after.waiting.map((wait) => wait.jobType)).toEqual([jobType]);
    expect((await runtime().getInstance(instance.id)).variables).toMatchObject(variables);
  });
});
