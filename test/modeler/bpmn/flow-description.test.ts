// An unnamed sequence flow is described as a designer sees it (its condition, or where it leads), not by its id.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnModdle } from 'bpmn-moddle';
import { describe, expect, it } from 'vitest';
import { describeFlow, type FlowLike } from '../../../modeler/src/bpmn/flow-description.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <bpmn:process id="p">
    <bpmn:startEvent id="Start" name="Order entered" />
    <bpmn:exclusiveGateway id="Gateway_0x1" />
    <bpmn:task id="Task_Check" name="Check credit" />
    <bpmn:task id="Task_Ship" name="  " />
    <bpmn:sequenceFlow id="Flow_0abc12" sourceRef="Start" targetRef="Gateway_0x1" />
    <bpmn:sequenceFlow id="Flow_1big" sourceRef="Gateway_0x1" targetRef="Task_Check">
      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">=amount &gt; 1000000</bpmn:conditionExpression>
    </bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_2" name="small order" sourceRef="Gateway_0x1" targetRef="Task_Ship" />
    <bpmn:sequenceFlow id="Flow_3" sourceRef="Gateway_0x1" targetRef="Task_Ship" />
  </bpmn:process>
</bpmn:definitions>`;

async function flows(): Promise<Map<string, FlowLike>> {
  const { rootElement } = await new BpmnModdle().fromXML(XML) as { rootElement: { rootElements: { flowElements: (FlowLike & { $type: string })[] }[] } };
  return new Map(rootElement.rootElements[0].flowElements.filter((element) => element.$type === 'bpmn:SequenceFlow').map((flow) => [flow.id!, flow]));
}

describe('a sequence flow as a designer names it', () => {
  it('is its name when it has one', async () => {
    expect(describeFlow((await flows()).get('Flow_2')!)).toBe('small order');
  });

  it('is its condition\'s text when unnamed, or from and to where the list shows the condition beside it', async () => {
    const flow = (await flows()).get('Flow_1big')!;
    expect(describeFlow(flow)).toBe('=amount > 1000000');
    expect(describeFlow(flow, { condition: false })).toBe('from Gateway_0x1 to Check credit');
  });

  it('is from its source to its target, by name or else id, when unnamed and unconditional', async () => {
    const all = await flows();
    expect(describeFlow(all.get('Flow_0abc12')!)).toBe('from Order entered to Gateway_0x1');
    // a blank name is no name
    expect(describeFlow(all.get('Flow_3')!)).toBe('from Gateway_0x1 to Task_Ship');
  });

  it('never is the flow\'s own id', async () => {
    for (const [id, flow] of await flows()) expect(describeFlow(flow)).not.toContain(id);
  });

  it('describes the shipped library\'s unnamed flows without their ids', async () => {
    const xml = readFileSync(join(import.meta.dirname, '../../../diagrams/sales-order-management.bpmn'), 'utf8');
    const { rootElement } = await new BpmnModdle().fromXML(xml) as { rootElement: { rootElements: { $type: string; flowElements?: (FlowLike & { $type: string })[] }[] } };
    const unnamed = rootElement.rootElements.flatMap((root) => root.flowElements ?? [])
      .filter((element) => element.$type === 'bpmn:SequenceFlow' && !element.name);
    expect(unnamed.length).toBeGreaterThan(0);
    for (const flow of unnamed) expect(describeFlow(flow)).toMatch(/^(from .+ to .+|=.+)$/);
  });
});
