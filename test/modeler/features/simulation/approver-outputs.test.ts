import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BpmnModdle, type ModdleElement } from 'bpmn-moddle';
import zeebe from 'zeebe-bpmn-moddle/resources/zeebe.json' with { type: 'json' };
import { beforeAll, describe, expect, it } from 'vitest';
import { approverOutputs } from '../../../../modeler/src/features/simulation/approver-outputs.js';
import { chooseOutgoing } from '../../../../modeler/src/features/simulation/ExclusiveGatewayChoice.js';
import OrderScenario from '../../../../modeler/src/features/simulation/OrderScenario.js';

const diagram = readFileSync(join(import.meta.dirname, '../../../../diagrams/credit-order-approval.bpmn'), 'utf8');

describe('the simulated approvers decide as the approval tasks write their decision', () => {
  let elementsById: Record<string, ModdleElement>;
  let userTasks: ModdleElement[];

  beforeAll(async () => {
    ({ elementsById } = await new BpmnModdle({ zeebe }).fromXML(diagram));
    userTasks = Object.values(elementsById).filter((element) => element.$type === 'bpmn:UserTask');
  });

  /** The simulated 1,200,000 credit order, as the simulation's gateways read it. */
  function orderWhere(approvals: 'approve' | 'reject'): Record<string, unknown> {
    const scenario = new OrderScenario(undefined);
    scenario.input = { ...scenario.input, amount: 1_200_000, approvals };
    const order = scenario.variables();
    return { ...order, ...approverOutputs(userTasks, order) };
  }

  const takes = (gatewayId: string, variables: Record<string, unknown>) => {
    const gateway = elementsById[gatewayId];
    return chooseOutgoing(gateway.outgoing!, gateway.default, variables);
  };

  it('writes the approvers\' answer into each task\'s own outputs', () => {
    expect(approverOutputs(userTasks, { approved: true, comment: 'fine' })).toEqual({
      directorApproved: true, directorComment: 'fine', vicePresidentApproved: true, vicePresidentComment: 'fine',
    });
  });

  it('takes the yes flows of both approvals when the approvers approve', () => {
    expect(takes('Gateway_DirectorApproved', orderWhere('approve'))).toMatchObject({ flow: { id: 'Flow_DirectorApproved_Yes' }, reason: 'condition', errors: [] });
    expect(takes('Gateway_VicePresidentApproved', orderWhere('approve'))).toMatchObject({ flow: { id: 'Flow_VicePresidentApproved_Yes' }, reason: 'condition', errors: [] });
  });

  it('takes the default flows (rejected) when the approvers reject, without an error', () => {
    expect(takes('Gateway_DirectorApproved', orderWhere('reject'))).toMatchObject({ flow: { id: 'Flow_DirectorApproved_No' }, reason: 'default', errors: [] });
    expect(takes('Gateway_VicePresidentApproved', orderWhere('reject'))).toMatchObject({ flow: { id: 'Flow_VicePresidentApproved_No' }, reason: 'default', errors: [] });
  });

  it('writes null for a completion variable the answer lacks, as the runtime does, and the approval\'s gateway then has no decision', () => {
    const [task] = userTasks;
    expect(approverOutputs([task], { comment: '' })).toEqual({ directorApproved: null, directorComment: '' });
    expect(takes('Gateway_DirectorApproved', { ...orderWhere('approve'), directorApproved: null }).flow?.id).not.toBe('Flow_DirectorApproved_Yes');
  });
});

describe('the simulated departments acknowledge a special change as a completion without `acknowledged` does', () => {
  const notification = readFileSync(join(import.meta.dirname, '../../../../diagrams/special-change-notification.bpmn'), 'utf8');
  let elementsById: Record<string, ModdleElement>;
  let userTasks: ModdleElement[];

  beforeAll(async () => {
    ({ elementsById } = await new BpmnModdle({ zeebe }).fromXML(notification));
    userTasks = Object.values(elementsById).filter((element) => element.$type === 'bpmn:UserTask');
  });

  it.each(['Procurement', 'Production', 'Inspection'])('takes the acknowledged flow after %s\'s task, without an error', (department) => {
    const scenario = new OrderScenario(undefined);
    scenario.input = { ...scenario.input, approvals: 'approve' };
    const order = scenario.variables();
    const variables = { ...order, ...approverOutputs(userTasks, order) };
    expect(variables[`${department.toLowerCase()}Acknowledged`]).toBeNull();
    const gateway = elementsById[`Gateway_${department}Acknowledged`];
    expect(chooseOutgoing(gateway.outgoing!, gateway.default, variables)).toMatchObject({ flow: { id: `Flow_${department}Acknowledged_Yes` }, errors: [] });
  });
});
