// Reachability over a process's flows for one instance's variables, and the
// decisions one analysis shares between its running orders: a shared answer
// must be the one each order gets alone. Sub-processes: into their start, out
// of their end, and event sub-processes and boundary events while they run.
import { describe, expect, it } from 'vitest';
import { parseBpmn } from '../../../engine/bpmn/moddle.js';
import { flowGraphOf, reachableFrom, type Decisions, type FlowGraph } from '../../../engine/impact/flow-graph.js';

// wait → gateway: "large" when amount > 500000 and the director approved, "small" when amount ≤ 500000,
// "unset" when approved = null, else the default flow to "other"
const graph: FlowGraph = new Map([
  ['wait', [{ to: 'gateway' }]],
  ['gateway', [
    { to: 'large', condition: '=amount > 500000 and approved' },
    { to: 'small', condition: '=amount <= 500000' },
    { to: 'unset', condition: '=approved = null' },
    { to: 'other', isDefault: true },
  ]],
]);

const instances: Record<string, unknown>[] = [
  { orderNo: 'A-1', amount: 900_000, approved: true },
  { orderNo: 'A-2', amount: 900_000, approved: false },
  { orderNo: 'A-3', amount: 100_000 },
  { orderNo: 'A-4', amount: 900_000 },
  { orderNo: 'A-5', amount: 900_000, approved: null },
  { orderNo: 'A-6', amount: 900_000, approved: true, 'order note': 'x' },
  { orderNo: 'A-7', amount: 900_000, approved: true },
];

describe('reachableFrom', () => {
  it('follows a condition that is true, not one that is false, and one it cannot decide yet', () => {
    expect([...reachableFrom(graph, ['wait'], { amount: 100_000 })].sort()).toEqual(['gateway', 'small', 'unset']);
    // approved not set: "large" may still be taken and "unset" cannot be decided yet, nor whether no flow is (the default)
    expect([...reachableFrom(graph, ['wait'], { amount: 900_000 })].sort()).toEqual(['gateway', 'large', 'other', 'unset']);
  });

  it('gives every order of an analysis the answer it gets alone when the decisions are shared', () => {
    const decisions: Decisions = new Map();
    const sizes: number[] = [];
    for (const variables of instances) {
      const alone = [...reachableFrom(graph, ['wait'], variables)].sort();
      expect([...reachableFrom(graph, ['wait'], variables, decisions)].sort(), String(variables.orderNo)).toEqual(alone);
      sizes.push(decisions.size);
    }
    // one decision per condition and values of the variables it reads (orderNo is read by none), 11 in all:
    // "large" 5 (A-7 as A-1), "small" 2 (amount 900000, 100000), "unset" 4 (approved true, false, not set, null);
    // A-6 has a name that is not plain and is decided alone, A-7 finds all of A-1's
    expect(sizes).toEqual([3, 5, 8, 9, 11, 11, 11]);
  });
});

/**
 * wait → Fulfil (embedded: start → inner wait → call → after → gateway: "=express" to an express end, else end;
 * an event sub-process "lost" with its own call; a timer boundary event "late" on Fulfil) → ship → end.
 * `multiInstance` makes Fulfil multi-instance; `nested` wraps the inner wait in a sub-process of its own with no
 * outgoing flow (its end completes it, and so Fulfil's scope goes on).
 */
async function fulfilment(options: { multiInstance?: boolean; nested?: boolean } = {}): Promise<FlowGraph> {
  const flow = (id: string, from: string, to: string, condition?: string) => condition
    ? `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>`
    : `<bpmn:sequenceFlow id="${id}" sourceRef="${from}" targetRef="${to}" />`;
  const innerWait = options.nested
    ? `<bpmn:subProcess id="nested"><bpmn:startEvent id="nestedStart" /><bpmn:userTask id="innerWait" /><bpmn:endEvent id="nestedEnd" />
        ${flow('n1', 'nestedStart', 'innerWait')}${flow('n2', 'innerWait', 'nestedEnd')}</bpmn:subProcess>
       <bpmn:callActivity id="call" />${flow('f1', 'fulfilStart', 'nested')}${flow('f2', 'fulfilStart', 'call')}`
    : `<bpmn:userTask id="innerWait" /><bpmn:callActivity id="call" />${flow('f1', 'fulfilStart', 'innerWait')}${flow('f2', 'innerWait', 'call')}`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="t">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:startEvent id="start" /><bpmn:userTask id="wait" />
    <bpmn:subProcess id="fulfil">
      ${options.multiInstance ? '<bpmn:multiInstanceLoopCharacteristics isSequential="true" />' : ''}
      <bpmn:startEvent id="fulfilStart" />${innerWait}
      <bpmn:userTask id="after" /><bpmn:exclusiveGateway id="gateway" default="f6" />
      <bpmn:endEvent id="expressEnd" /><bpmn:endEvent id="fulfilEnd" />
      ${flow('f3', 'call', 'after')}${flow('f4', 'after', 'gateway')}${flow('f5', 'gateway', 'expressEnd', '=express')}${flow('f6', 'gateway', 'fulfilEnd')}
      <bpmn:subProcess id="lost" triggeredByEvent="true">
        <bpmn:startEvent id="lostStart" isInterrupting="false"><bpmn:messageEventDefinition /></bpmn:startEvent>
        <bpmn:callActivity id="claim" /><bpmn:endEvent id="lostEnd" />${flow('l1', 'lostStart', 'claim')}${flow('l2', 'claim', 'lostEnd')}
      </bpmn:subProcess>
    </bpmn:subProcess>
    <bpmn:boundaryEvent id="late" attachedToRef="fulfil" cancelActivity="false"><bpmn:timerEventDefinition /></bpmn:boundaryEvent>
    <bpmn:userTask id="chase" />${flow('b1', 'late', 'chase')}
    <bpmn:userTask id="ship" /><bpmn:endEvent id="end" /><bpmn:userTask id="express" />
    ${flow('p1', 'start', 'wait')}${flow('p2', 'wait', 'fulfil')}${flow('p3', 'fulfil', 'ship', '=not(express)')}${flow('p4', 'fulfil', 'express', '=express')}${flow('p5', 'ship', 'end')}${flow('p6', 'express', 'end')}
  </bpmn:process>
</bpmn:definitions>`;
  const { definitions } = await parseBpmn(xml);
  return flowGraphOf(definitions, 'p');
}

const sorted = (ids: Set<string>) => [...ids].sort();
const FULFIL = ['after', 'call', 'chase', 'claim', 'fulfilEnd', 'fulfilStart', 'gateway', 'innerWait', 'late', 'lost', 'lostEnd', 'lostStart'];

describe('flowGraphOf and sub-processes', () => {
  it('leads from a wait before an embedded sub-process into it and, from its ends, on along its outgoing flows', async () => {
    const graph = await fulfilment();
    expect(sorted(reachableFrom(graph, ['wait'], { express: false }))).toEqual(['end', 'fulfil', ...FULFIL, 'ship'].sort());
    // express not set yet: both ways out, the express end inside too
    expect(sorted(reachableFrom(graph, ['wait']))).toEqual(['end', 'express', 'expressEnd', 'fulfil', ...FULFIL, 'ship'].sort());
  });

  it('leads from a wait inside to what follows the sub-process, its boundary events and its event sub-processes, not back to the call', async () => {
    const graph = await fulfilment();
    expect(sorted(reachableFrom(graph, ['innerWait'], { express: true }))).toEqual(
      ['after', 'call', 'chase', 'claim', 'end', 'express', 'expressEnd', 'gateway', 'late', 'lost', 'lostEnd', 'lostStart']);
    const fromAfter = reachableFrom(graph, ['after'], { express: false });
    expect(sorted(fromAfter)).toEqual(['chase', 'claim', 'end', 'fulfilEnd', 'gateway', 'late', 'lost', 'lostEnd', 'lostStart', 'ship']);
    // inside the event sub-process: its scope still runs, and completes
    expect(reachableFrom(graph, ['claim'], { express: false })).toContain('ship');
  });

  it('leaves the event sub-process and boundary events of a sub-process to the orders inside it', async () => {
    const graph = await fulfilment();
    expect(sorted(reachableFrom(graph, ['ship']))).toEqual(['end']);
  });

  it('may enter a multi-instance sub-process again from its end: another instance starts there', async () => {
    const graph = await fulfilment({ multiInstance: true });
    expect(reachableFrom(graph, ['after'], { express: false })).toContain('call');
    expect(reachableFrom(graph, ['after'], { express: false }).has('after')).toBe(true);
  });

  it('completes a sub-process without outgoing flows into the scope around it', async () => {
    const graph = await fulfilment({ nested: true });
    // the nested sub-process ends: Fulfil may complete (the call's branch ends too) and ship follows
    expect(sorted(reachableFrom(graph, ['innerWait'], { express: false }))).toEqual(
      ['chase', 'claim', 'end', 'late', 'lost', 'lostEnd', 'lostStart', 'nestedEnd', 'ship']);
  });
});
