// The simulation's lists (Gateways decide, the gateway settings) name an unnamed sequence flow as a designer sees it.
import { describe, expect, it } from 'vitest';
import { label as labelOf } from '../../../../modeler/src/features/simulation/ConditionalGatewaySettings.js';

const gateway = { id: 'Gateway_1x', name: 'Amount tier?' };
const task = { id: 'Activity_0q', name: 'Approve order' };
interface DiagramElement { id: unknown; type: string; businessObject: Record<string, unknown> }
// diagram-js's Element type is the modeler build's, not this test's: the shape it reads, as bpmn-js hands it
const label = labelOf as unknown as (element: DiagramElement) => string;
const element = (type: string, businessObject: Record<string, unknown>): DiagramElement => ({ id: businessObject.id, type, businessObject });

describe('an element as the simulation lists it', () => {
  it('names an unnamed flow by its condition, else by where it leads, never by its id', () => {
    const conditional = element('bpmn:SequenceFlow', { id: 'Flow_0abc12', sourceRef: gateway, targetRef: task, conditionExpression: { body: '=amount > 1000000' } });
    expect(label(conditional)).toBe('=amount > 1000000');
    expect(label(element('bpmn:SequenceFlow', { id: 'Flow_0abc13', sourceRef: gateway, targetRef: task }))).toBe('from Amount tier? to Approve order');
  });

  it('names a named flow, and any other element, by its name, else its id', () => {
    expect(label(element('bpmn:SequenceFlow', { id: 'Flow_2', name: 'large', sourceRef: gateway, targetRef: task }))).toBe('large');
    expect(label(element('bpmn:Task', task))).toBe('Approve order');
    expect(label(element('bpmn:Task', { id: 'Activity_1' }))).toBe('Activity_1');
  });
});
