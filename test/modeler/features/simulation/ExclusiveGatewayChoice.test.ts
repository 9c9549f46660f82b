import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { beforeAll, describe, expect, it } from 'vitest';
import { chooseOutgoing } from '../../../../modeler/src/features/simulation/ExclusiveGatewayChoice.js';

const diagram = readFileSync(join(import.meta.dirname, '../../../../diagrams/credit-order-approval.bpmn'), 'utf8');

describe('the simulation takes the flow the runtime would take', () => {
  let gateway: ModdleElement;
  // in the reporting currency: the tiers compare the converted amount
  const order = (amount: number) => ({ orderNo: 'SIM-1', amount, currency: 'CNY', reportingAmount: amount, paymentTerms: 'credit', specialChange: null });
  const choose = (variables: Record<string, unknown>) => chooseOutgoing(gateway.outgoing!, gateway.default, variables);

  beforeAll(async () => {
    const { elementsById } = await new BpmnModdle({ zeebe }).fromXML(diagram);
    gateway = elementsById.Gateway_AmountTier;
  });

  it('sends a 1,200,000 credit order to the sales director', () => {
    expect(choose(order(1_200_000))).toMatchObject({ flow: { id: 'Flow_AmountTier_Above1000000' }, reason: 'condition', errors: [] });
  });

  it('sends a 1,000,000.01 credit order to the sales director ("more than" is strict)', () => {
    expect(choose(order(1_000_000.01)).flow?.id).toBe('Flow_AmountTier_Above1000000');
  });

  it('sends a 1,000,000 credit order to the vice-president only', () => {
    expect(choose(order(1_000_000)).flow?.id).toBe('Flow_AmountTier_Above500000');
  });

  it('approves a 500,000 credit order automatically through the default flow', () => {
    expect(choose(order(500_000))).toMatchObject({ flow: { id: 'Flow_AmountTier_UpTo500000' }, reason: 'default' });
  });

  it('reports a condition it cannot evaluate (strict FEEL) and falls back to the default flow', () => {
    const choice = choose({ orderNo: 'SIM-1' });
    expect(choice.reason).toBe('default');
    expect(choice.errors).toHaveLength(2);
    expect(choice.errors[0]).toContain('more than 1,000,000');
  });

  it('never sends an amount held as text to a tier: "2000000" is no number, so the conditions are reported as the runtime fails them', () => {
    const choice = choose({ ...order(0), reportingAmount: '2000000' });
    expect(choice).toMatchObject({ flow: { id: 'Flow_AmountTier_UpTo500000' }, reason: 'default' });
    expect(choice.errors).toHaveLength(2);
    expect(choice.errors[0]).toContain('"2000000" is text, which cannot be ordered with a number');
  });

  it('is stuck when no condition holds and there is no default flow', () => {
    const choice = chooseOutgoing(gateway.outgoing!.filter((flow) => flow !== gateway.default), undefined, order(10));
    expect(choice).toMatchObject({ flow: null, reason: 'stuck' });
  });
});

describe('the simulation and the runtime read Camunda 7 conditions alike', () => {
  const camunda7 = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="D" targetNamespace="http://stratum.example">
  <bpmn:process id="P" isExecutable="true">
    <bpmn:exclusiveGateway id="Gw" default="Flow_Small"><bpmn:outgoing>Flow_Large</bpmn:outgoing><bpmn:outgoing>Flow_Small</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:task id="Large" /><bpmn:task id="Small" />
    <bpmn:sequenceFlow id="Flow_Large" sourceRef="Gw" targetRef="Large"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">\${amount &gt; 1000000}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="Flow_Small" sourceRef="Gw" targetRef="Small" />
  </bpmn:process>
</bpmn:definitions>`;

  it('takes the conditional flow of ${amount > 1000000} for 1,200,000, not the default flow', async () => {
    const { elementsById } = await new BpmnModdle().fromXML(camunda7);
    const gateway = elementsById.Gw;
    expect(chooseOutgoing(gateway.outgoing!, gateway.default, { amount: 1_200_000 })).toMatchObject({ flow: { id: 'Flow_Large' }, reason: 'condition', errors: [] });
    expect(chooseOutgoing(gateway.outgoing!, gateway.default, { amount: 1_000_000 })).toMatchObject({ flow: { id: 'Flow_Small' }, reason: 'default', errors: [] });
  });

  it('names an unnamed flow whose condition fails by where it leads, not by its id', async () => {
    const { elementsById } = await new BpmnModdle().fromXML(camunda7);
    const gateway = elementsById.Gw;
    const choice = chooseOutgoing(gateway.outgoing!, gateway.default, {});
    expect(choice.errors).toHaveLength(1);
    expect(choice.errors[0]).toMatch(/^\$\{amount > 1000000\}: /);
    expect(choice.errors[0]).not.toContain('Flow_Large');
  });
});
