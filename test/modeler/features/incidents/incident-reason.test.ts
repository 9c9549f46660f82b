import { describe, expect, it } from 'vitest';
import { describeReason } from '../../../../modeler/src/features/incidents/incident-reason.js';
import type { IncidentReason } from '../../../../modeler/src/api/client.js';
import { IncidentReason as IncidentReasonSchema } from '../../../../server/schemas/responses.js';

/** One reason of every kind, and the sentence an operator reads for it. */
const SENTENCES: { [K in IncidentReason['kind']]: [Extract<IncidentReason, { kind: K }>, string] } = {
  'assignment-server-role': [{ kind: 'assignment-server-role', attribute: 'candidateGroups', given: 'integration', serverRole: 'group' },
    'The candidate groups expression gave "integration", a group that grants a server role: the task was not created'],
  'assignment-failed': [{ kind: 'assignment-failed', attribute: 'assignee' },
    'The assignee expression could not be evaluated (or gave more than one assignee)'],
  'condition-failed': [{ kind: 'condition-failed', flowId: 'Flow_Credit' }, 'The condition on flow Flow_Credit could not be evaluated'],
  'no-flow-taken': [{ kind: 'no-flow-taken', elementId: 'Gateway_Terms' },
    'None of the conditions on the outgoing flows of Gateway_Terms is true, and it has no default flow'],
  'io-mapping-failed': [{ kind: 'io-mapping-failed', direction: 'output', target: 'reportingAmount' },
    'The output mapping to variable reportingAmount could not be evaluated'],
  'called-element-failed': [{ kind: 'called-element-failed', calledElement: 'payment-check' },
    'The call activity could not start process payment-check: none deployed, or not the version it binds'],
  'order-entry-only': [{ kind: 'order-entry-only', calledElement: 'sales-order-management', border: 'runs-inside-orders' },
    'The call activity may not start process sales-order-management: it runs inside orders, and this instance belongs to no order'],
  'decision-not-found': [{ kind: 'decision-not-found', decisionId: 'dish' }, 'Decision dish is not deployed'],
  'decision-id-failed': [{ kind: 'decision-id-failed' }, 'The decision id expression could not be evaluated or gave no text: no decision was asked'],
  'decision-failed': [{ kind: 'decision-failed', decisionId: 'dish' }, 'Decision dish gave no result'],
  'unhandled-error': [{ kind: 'unhandled-error', errorCode: 'OUT_OF_STOCK' }, 'A worker threw BPMN error OUT_OF_STOCK and no error boundary event caught it'],
  'timer-failed': [{ kind: 'timer-failed' }, 'The timer\'s date, duration or cycle could not be read'],
  'correlation-key-failed': [{ kind: 'correlation-key-failed', messageName: 'OrderChanged' },
    'The correlation key of message OrderChanged could not be evaluated'],
  'job-type-failed': [{ kind: 'job-type-failed' }, 'The job type expression could not be evaluated or gave no text: no job was created'],
  'input-collection-failed': [{ kind: 'input-collection-failed' }, 'The multi-instance input collection could not be evaluated or is not a list: no iteration started'],
  'job-no-retries': [{ kind: 'job-no-retries', jobType: 'procurement-planning' },
    'No worker may take the job: its retries ran out (job type procurement-planning)'],
};

describe('an incident\'s reason in words', () => {
  it.each(Object.values(SENTENCES))('says why for %o', (reason, sentence) => {
    expect(describeReason(reason)).toBe(sentence);
  });

  it('has a sentence for every reason kind the API may send (its IncidentReason schema)', () => {
    const kinds = (IncidentReasonSchema.oneOf as { properties: { kind: { const: string } } }[]).map((schema) => schema.properties.kind.const);
    expect(kinds.length).toBeGreaterThan(0);
    expect(Object.keys(SENTENCES).sort()).toEqual([...kinds].sort());
  });

  it('says the other assignment attributes and an account of server roles in words', () => {
    expect(describeReason({ kind: 'assignment-server-role', attribute: 'candidateUsers', given: 'erp', serverRole: 'account' }))
      .toBe('The candidate users expression gave "erp", an account that holds only server roles: the task was not created');
    expect(describeReason({ kind: 'io-mapping-failed', direction: 'input', target: 'x' })).toBe('The input mapping to variable x could not be evaluated');
  });

  it('names the flow of a failed condition as the diagram names it, where it is known', () => {
    const names: Record<string, string> = { Flow_Credit: 'credit' };
    expect(describeReason({ kind: 'condition-failed', flowId: 'Flow_Credit' }, (id) => names[id] ?? id))
      .toBe('The condition on flow credit could not be evaluated');
  });

  it('names the gateway none of whose flows was taken as the diagram names it', () => {
    const names: Record<string, string> = { Gateway_Terms: 'Payment terms?' };
    expect(describeReason({ kind: 'no-flow-taken', elementId: 'Gateway_Terms' }, (id) => names[id] ?? id))
      .toBe('None of the conditions on the outgoing flows of Payment terms? is true, and it has no default flow');
  });

  it('still says something for a kind newer than the modeler', () => {
    expect(describeReason({ kind: 'brand-new' })).toBe('Reason brand-new');
  });
});
