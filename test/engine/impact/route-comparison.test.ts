// How a replayed order is worded for a designer: each block reason in its own words, the block's message after it,
// and the block itself kept on the change for a program; a failed order that was cancelled, where the candidate no longer fails.
import { describe, expect, it } from 'vitest';
import type { ReplayBlock } from '../../../engine/impact/impact-report.js';
import type { ActualRoute } from '../../../engine/impact/recorded-orders.js';
import { compareRoutes } from '../../../engine/impact/route-comparison.js';

const running: ActualRoute = { status: 'running', completed: [], waiting: [] };
const names = (element: string) => ({ label: `"${element.split('/')[1]}"`, type: 'bpmn:UserTask' });

function wording(block: ReplayBlock, actual: ActualRoute = running) {
  return compareRoutes(actual, { status: 'blocked', block, completed: [], waiting: [], unused: [] }, names);
}

describe('a blocked order, in words', () => {
  it('says the new version does not take the order as entered when order entry refuses it, not that a decision was never recorded', () => {
    const change = wording({ element: 'order-to-cash/Start', name: null, reason: 'start-refused', message: 'amount is missing' });
    expect(change).toEqual({
      kind: 'blocked',
      description: 'would block at "Start": the new version does not take the order as it was entered (amount is missing)',
      block: { element: 'order-to-cash/Start', name: null, reason: 'start-refused', message: 'amount is missing' },
    });
  });

  it('names the account a refused assignment gives the task to', () => {
    const change = wording({
      element: 'p/Approve', name: 'Approve', reason: 'assignment-refused', message: 'task Approve: …',
      incident: { kind: 'assignment-server-role', attribute: 'assignee', given: 'erp', serverRole: 'account' },
    });
    expect(change.description).toBe('would block at "Approve": the new version\'s assignment gives task "Approve" to erp, an account that only holds server roles (task Approve: …)');
  });

  it('does not count a refused assignment against the change when the order failed in reality', () => {
    const block: ReplayBlock = {
      element: 'p/Approve', name: 'Approve', reason: 'assignment-refused', message: 'task Approve: …',
      incident: { kind: 'assignment-server-role', attribute: 'candidateGroups', given: 'integration', serverRole: 'group' },
    };
    expect(wording(block, { ...running, status: 'failed' })).toEqual({ kind: 'unchanged', description: 'unchanged' });
  });
});

describe('a step that fails on a missing input, in words', () => {
  const failedCondition = (message: string): ReplayBlock => ({
    element: 'p/Gateway_Key', name: 'Key account?', reason: 'step-failed', message, incident: { kind: 'condition-failed', flowId: 'Flow_Acme' },
  });

  it('names the customer field the order does not have, which order entry does not require', () => {
    const message = 'condition of sequence flow Flow_Acme: cannot evaluate "customer.id = "ACME" and amount > 500000": Key \'id\' not found in \'{...}\'';
    expect(wording(failedCondition(message)).description)
      .toBe(`would block at "Gateway_Key": customer.id is missing for this order, and order entry does not require it (${message})`);
  });

  it('names an order variable a recorded order does not have', () => {
    const message = 'condition of sequence flow Flow_Acme: cannot evaluate "rateDate > date("2026-01-01")": Variable \'rateDate\' not found';
    expect(wording(failedCondition(message)).description).toBe(`would block at "Gateway_Key": rateDate is missing for this order (${message})`);
  });

  it('keeps the decision wording for a decision (or an entry of one) the recorded order does not carry', () => {
    for (const message of [
      'condition of sequence flow Flow_Yes: cannot evaluate "vicePresidentRiskAccepted": Variable \'vicePresidentRiskAccepted\' not found',
      'condition of sequence flow Flow_Yes: cannot evaluate "review.outcome = "ok"": Key \'outcome\' not found in \'{...}\'',
    ]) {
      expect(wording(failedCondition(message)).description).toBe(`would block at "Gateway_Key": the decision the new version needs was never recorded (${message})`);
    }
  });
});

describe('a failed order that was cancelled, in words', () => {
  const cancelled: ActualRoute = { status: 'cancelled', completed: ['p/Check'], waiting: [] };

  it('says the order would no longer fail where the candidate raised no incident for the cancel to close', () => {
    const change = compareRoutes(cancelled, {
      status: 'cancelled', completed: ['p/Check'], waiting: [], unused: [{ kind: 'cancel', element: 'p/InStock' }],
    }, names);
    expect(change).toEqual({ kind: 'route-changed', description: 'would no longer fail at "InStock" before it was cancelled' });
  });

  it('adds what it would now pass before the cancel', () => {
    const change = compareRoutes(cancelled, {
      status: 'cancelled', completed: ['p/Check', 'p/Reserve'], waiting: [], unused: [{ kind: 'cancel', element: 'p/InStock' }],
    }, names);
    expect(change.description).toBe('would no longer fail at "InStock" before it was cancelled; would now pass "Reserve"');
  });

  it('is unchanged where the candidate cancelled it with the same incident open', () => {
    expect(compareRoutes(cancelled, { status: 'cancelled', completed: ['p/Check'], waiting: [], unused: [] }, names))
      .toEqual({ kind: 'unchanged', description: 'unchanged' });
  });
});
