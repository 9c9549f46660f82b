import { describe, expect, it } from 'vitest';
import { supplyAtEachProcess, type ProcessSupply } from '../../../engine/lint/variable-supply.js';

const process = (key: string, supplies: string[], calls: string[] = [], declaresStart = false): ProcessSupply => ({ key, supplies, calls, declaresStart });

describe('what each process of a call graph can read', () => {
  it('a caller has what its callees at any depth write; a callee has what its callers at any depth have', () => {
    const supply = supplyAtEachProcess([
      process('root', ['orderNo'], ['middle'], true),
      process('middle', ['approved'], ['leaf', 'sibling']),
      process('leaf', ['shipped']),
      process('sibling', ['paid']),
    ]);
    expect([...supply.get('root')!.variables].sort()).toEqual(['approved', 'orderNo', 'paid', 'shipped']);
    // the leaf gets everything its callers have, sibling's output included (flow-insensitive)
    expect([...supply.get('leaf')!.variables].sort()).toEqual(['approved', 'orderNo', 'paid', 'shipped']);
    expect(supply.get('leaf')!.entries).toEqual(['root']);
  });

  it('a process accepts any start variables unless it declares them or all its callers accept none', () => {
    const supply = supplyAtEachProcess([
      process('declared', [], ['shared', 'only-declared'], true),
      process('open', [], ['shared']),
      process('shared', []),
      process('only-declared', []),
    ]);
    expect(supply.get('declared')!.closed).toBe('declares');
    expect(supply.get('open')!.closed).toBeUndefined();
    expect(supply.get('shared')!.closed).toBeUndefined();
    expect(supply.get('only-declared')!.closed).toBe('callers');
  });

  it('processes only reachable through a call cycle stay open, and the cycle ends', () => {
    const supply = supplyAtEachProcess([process('a', ['x'], ['b']), process('b', ['y'], ['a'])]);
    expect(supply.get('a')!.closed).toBeUndefined();
    expect([...supply.get('b')!.variables].sort()).toEqual(['x', 'y']);
  });
});
