// Reachability over a process's flows for one instance's variables, and the
// decisions one analysis shares between its running orders: a shared answer
// must be the one each order gets alone.
import { describe, expect, it } from 'vitest';
import { reachableFrom, type Decisions, type FlowGraph } from '../../../engine/impact/flow-graph.js';

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
