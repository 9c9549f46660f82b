import { describe, expect, it } from 'vitest';
import { calledProcessKey, isStaticKey } from '../../../modeler/src/bpmn/called-process.js';

describe('which process a call activity starts', () => {
  it('reads zeebe:calledElement processId', () => {
    const activity = { $type: 'bpmn:CallActivity', extensionElements: { values: [{ $type: 'zeebe:CalledElement', processId: 'credit-order-approval' }] } };
    expect(calledProcessKey(activity)).toBe('credit-order-approval');
  });

  it('falls back to the plain calledElement attribute (Camunda 7 files)', () => {
    expect(calledProcessKey({ $type: 'bpmn:CallActivity', calledElement: ' prepaid-entry-control ' })).toBe('prepaid-entry-control');
  });

  it('is null for other elements and for call activities naming nothing', () => {
    expect(calledProcessKey({ $type: 'bpmn:UserTask' })).toBeNull();
    expect(calledProcessKey({ $type: 'bpmn:CallActivity' })).toBeNull();
  });

  it('cannot follow a FEEL process id', () => {
    expect(isStaticKey('=processKey')).toBe(false);
    expect(isStaticKey('credit-order-approval')).toBe(true);
  });
});
