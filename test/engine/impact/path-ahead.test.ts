// What a running instance has ahead on its own path, told from what only a change to the order leads to: the
// catches of the engine's OrderChanged message (a catch event in a loop, an event sub-process's start, a boundary
// event) are reached but not passed, and beyond one what the change sets is not known yet.
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { compileProcessModels } from '../../../engine/bpmn/process-model.js';
import { flowGraphOf } from '../../../engine/impact/flow-graph.js';
import { orderChangesOf, pathAhead } from '../../../engine/impact/path-ahead.js';

/**
 * start → fork: the order's path (review → approve → plan → end) and a change loop (await → "changed", a catch of
 * OrderChanged mapping change.amount to changeAmount → raised? "=changeAmount > 500000" to reapprove → await, else
 * → await). An event sub-process started by OrderChanged calls "amend"; one started by another message calls
 * "claim"; a boundary event of OrderChanged on "plan" leads to "replan".
 */
async function orderProcess() {
  const flow = (id: string, from: string, to: string, condition?: string) => condition
    ? `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>`
    : `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:message id="changedMessage" name="OrderChanged" />
  <bpmn:message id="lostMessage" name="ParcelLost" />
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:parallelGateway id="fork" />
    <bpmn:userTask id="review" /><bpmn:callActivity id="approve" /><bpmn:serviceTask id="plan" /><bpmn:endEvent id="end" />
    <bpmn:boundaryEvent id="planChanged" attachedToRef="plan" cancelActivity="false"><bpmn:messageEventDefinition messageRef="changedMessage" /></bpmn:boundaryEvent>
    <bpmn:callActivity id="replan" /><bpmn:endEvent id="replanEnd" />
    <bpmn:exclusiveGateway id="await" />
    <bpmn:intermediateCatchEvent id="changed">
      <bpmn:extensionElements><zeebe:ioMapping><zeebe:output source="=change.amount" target="changeAmount" /></zeebe:ioMapping></bpmn:extensionElements>
      <bpmn:messageEventDefinition messageRef="changedMessage" />
    </bpmn:intermediateCatchEvent>
    <bpmn:exclusiveGateway id="raised" default="notRaised" /><bpmn:callActivity id="reapprove" />
    <bpmn:subProcess id="amendment" triggeredByEvent="true">
      <bpmn:startEvent id="amendmentStart" isInterrupting="false"><bpmn:messageEventDefinition messageRef="changedMessage" /></bpmn:startEvent>
      <bpmn:callActivity id="amend" /><bpmn:endEvent id="amendmentEnd" />${flow('a1', 'amendmentStart', 'amend')}${flow('a2', 'amend', 'amendmentEnd')}
    </bpmn:subProcess>
    <bpmn:subProcess id="lost" triggeredByEvent="true">
      <bpmn:startEvent id="lostStart" isInterrupting="false"><bpmn:messageEventDefinition messageRef="lostMessage" /></bpmn:startEvent>
      <bpmn:callActivity id="claim" /><bpmn:endEvent id="lostEnd" />${flow('l1', 'lostStart', 'claim')}${flow('l2', 'claim', 'lostEnd')}
    </bpmn:subProcess>
    ${flow('p1', 'start', 'fork')}${flow('p2', 'fork', 'review')}${flow('p3', 'review', 'approve')}${flow('p4', 'approve', 'plan')}${flow('p5', 'plan', 'end')}
    ${flow('b1', 'planChanged', 'replan')}${flow('b2', 'replan', 'replanEnd')}
    ${flow('c1', 'fork', 'await')}${flow('c2', 'await', 'changed')}${flow('c3', 'changed', 'raised')}
    ${flow('c4', 'raised', 'reapprove', '=changeAmount &gt; 500000')}${flow('notRaised', 'raised', 'await')}${flow('c5', 'reapprove', 'await')}
  </bpmn:process>
</bpmn:definitions>`;
  const { definitions } = await parseBpmn(xml);
  const model = compileProcessModels(definitions).find((candidate) => candidate.key === 'p');
  return { graph: flowGraphOf(definitions, 'p'), changes: orderChangesOf(definitions, model, 'p') };
}

const calls = (ids: Set<string>) => ['approve', 'reapprove', 'replan', 'amend', 'claim'].filter((id) => ids.has(id));

describe('orderChangesOf', () => {
  it('finds the catches of OrderChanged in any scope, and the variables a change sets', async () => {
    const { changes } = await orderProcess();
    expect([...changes.catches].sort()).toEqual(['amendmentStart', 'changed', 'planChanged']);
    expect([...changes.sets].sort()).toEqual(['change', 'changeAmount']);
  });
});

describe('pathAhead', () => {
  it('has the call on the order\'s own path ahead of an order before it, and apart what only a change leads to', async () => {
    const { graph, changes } = await orderProcess();
    const { ahead, reachable } = pathAhead(graph, changes, ['review', 'changed'], {});
    expect(calls(ahead)).toEqual(['approve', 'claim']);
    expect(calls(reachable)).toEqual(['approve', 'reapprove', 'replan', 'amend', 'claim']);
  });

  it('has nothing of the change loop ahead of an order past the call, though a change could lead to a re-approval', async () => {
    const { graph, changes } = await orderProcess();
    const { ahead, reachable } = pathAhead(graph, changes, ['plan', 'changed'], {});
    // the message-started event sub-process of another message stays ahead, as any event the order may get
    expect(calls(ahead)).toEqual(['claim']);
    expect(calls(reachable)).toEqual(['reapprove', 'replan', 'amend', 'claim']);
  });

  it('leaves what a change sets undecided beyond its catch: the last change\'s small amount does not stop the next re-approval', async () => {
    const { graph, changes } = await orderProcess();
    // the order handles a change that stays below 500,000: no re-approval ahead, one after the next change
    const handling = pathAhead(graph, changes, ['plan', 'raised'], { change: { amount: 100 }, changeAmount: 100 });
    expect(calls(handling.ahead)).toEqual(['claim']);
    expect(handling.ahead.has('changed')).toBe(true);
    expect(calls(handling.reachable)).toEqual(['reapprove', 'replan', 'amend', 'claim']);
    // handling a raise: the re-approval is ahead
    expect(calls(pathAhead(graph, changes, ['plan', 'raised'], { changeAmount: 700_000 }).ahead)).toEqual(['reapprove', 'claim']);
  });
});
