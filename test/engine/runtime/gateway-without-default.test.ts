// A gateway without a default flow deploys (a warning outside the shipped
// library); when at run time none of its conditions is true, the instance gets
// an incident naming the gateway, as Camunda does.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith } from '../../support/matchers.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="http://example.com/camunda8">
  <bpmn:process id="sizes" name="Sizes" isExecutable="true">
    <bpmn:startEvent id="Start" name="Start"><bpmn:outgoing>In</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="In" sourceRef="Start" targetRef="Size" />
    <bpmn:exclusiveGateway id="Size" name="Size?"><bpmn:incoming>In</bpmn:incoming><bpmn:outgoing>Big</bpmn:outgoing><bpmn:outgoing>Small</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="Big" name="big" sourceRef="Size" targetRef="EndBig"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=amount &gt; 100</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Small" name="small" sourceRef="Size" targetRef="EndSmall"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">=amount &lt; 50</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="EndBig" name="Big"><bpmn:incoming>Big</bpmn:incoming></bpmn:endEvent>
    <bpmn:endEvent id="EndSmall" name="Small"><bpmn:incoming>Small</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });

describe('an exclusive gateway without a default flow', () => {
  it('deploys with a warning, takes a true condition, and raises an incident naming the gateway when none is true', async () => {
    const { warnings } = await fixture.stratum.library.deploy([{ name: 'sizes.bpmn', xml: XML }], { user: 'designer' });
    expect(warnings).toContainEqual(objectWith({ elementId: 'Size', rule: 'exclusive-gateway-default', severity: 'warning' }));

    const big = await fixture.stratum.runtime.start('sizes', { variables: { amount: 500 } });
    expect(big.instance.status).toBe('completed');

    const between = await fixture.stratum.runtime.start('sizes', { variables: { amount: 70 } });
    expect(between.instance.status).toBe('failed');
    expect(between.instance.incident).toMatchObject({ elementId: 'Size' });
    expect(between.instance.incident!.message).toMatch(/Size/);
    const { items: [incident] } = await fixture.stratum.runtime.findIncidents({});
    expect(incident).toMatchObject({ instanceId: between.instance.id, elementId: 'Size' });
  });
});
