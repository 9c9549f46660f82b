// The byte budget both runtime caches keep to: the least recently kept go
// first, nothing larger than the budget is kept, and a replaced value's bytes
// are given back.
import { describe, expect, it } from 'vitest';
import { ByteBudgetLru } from '../../../engine/collections/byte-budget-lru.js';

/** A cache with a log of what left it. */
function lru(budgetBytes: number) {
  const removed: string[] = [];
  const cache = new ByteBudgetLru<string, string>(budgetBytes, (key, value) => removed.push(`${key}=${value}`));
  return { cache, removed };
}

describe('ByteBudgetLru', () => {
  it('evicts the least recently kept first, as many as it takes to fit', () => {
    const { cache, removed } = lru(300);
    expect(cache.set('a', 'A', 100)).toBe(0);
    expect(cache.set('b', 'B', 100)).toBe(0);
    expect(cache.set('c', 'C', 100)).toBe(0);
    expect(cache.set('a', 'A2', 100)).toBe(0); // kept again: now the most recent
    expect(cache.set('d', 'D', 150)).toBe(2);
    expect(removed).toEqual(['a=A', 'b=B', 'c=C']);
    expect([cache.has('b'), cache.has('c'), cache.peek('a'), cache.peek('d')]).toEqual([false, false, 'A2', 'D']);
    expect({ size: cache.size, bytes: cache.bytes }).toEqual({ size: 2, bytes: 250 });
  });

  it('tells apart what the budget evicted, with its bytes, and evicts down to a new budget', () => {
    const evicted: string[] = [];
    const cache = new ByteBudgetLru<string, string>(300, undefined, (key, value, bytes) => evicted.push(`${key}=${value}:${bytes}`));
    cache.set('a', 'A', 100);
    cache.set('b', 'B', 100);
    cache.delete('a'); // deleted, not evicted
    cache.set('c', 'C', 150);
    cache.set('d', 'D', 100);
    expect(evicted).toEqual(['b=B:100']);
    expect(cache.resize(120)).toBe(1);
    expect(evicted).toEqual(['b=B:100', 'c=C:150']);
    expect({ budget: cache.budgetBytes, bytes: cache.bytes, d: cache.peek('d') }).toEqual({ budget: 120, bytes: 100, d: 'D' });
    expect(cache.resize(500)).toBe(0);
    expect(cache.set('e', 'E', 400)).toBe(0);
  });

  it('does not count a look as a use', () => {
    const { cache } = lru(200);
    cache.set('a', 'A', 100);
    cache.set('b', 'B', 100);
    expect(cache.peek('a')).toBe('A');
    cache.set('c', 'C', 100);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([false, true, true]);
  });

  it('gives back the bytes of a replaced value', () => {
    const { cache, removed } = lru(1000);
    cache.set('a', 'A', 400);
    cache.set('a', 'A2', 100);
    expect({ size: cache.size, bytes: cache.bytes, removed }).toEqual({ size: 1, bytes: 100, removed: ['a=A'] });
    cache.set('a', 'A3', 900);
    expect({ size: cache.size, bytes: cache.bytes }).toEqual({ size: 1, bytes: 900 });
  });

  it('keeps nothing larger than the budget, drops what the key held, and evicts nothing else for it', () => {
    const { cache, removed } = lru(250);
    cache.set('a', 'A', 100);
    cache.set('b', 'B', 100);
    expect(cache.set('a', 'huge', 251)).toBeUndefined();
    expect(removed).toEqual(['a=A']);
    expect([cache.has('a'), cache.peek('b')]).toEqual([false, 'B']);
    expect({ size: cache.size, bytes: cache.bytes }).toEqual({ size: 1, bytes: 100 });
    expect(cache.set('c', 'C', 250)).toBe(1); // exactly the budget fits, alone
    expect(cache.bytes).toBe(250);
  });

  it('keeps nothing that has a size with a budget of 0', () => {
    const { cache } = lru(0);
    expect(cache.set('a', 'A', 1)).toBeUndefined();
    expect({ size: cache.size, bytes: cache.bytes }).toEqual({ size: 0, bytes: 0 });
  });

  it('hands out and forgets a deleted value once', () => {
    const { cache, removed } = lru(100);
    cache.set('a', 'A', 60);
    expect(cache.delete('a')).toBe('A');
    expect(cache.delete('a')).toBeUndefined();
    expect({ size: cache.size, bytes: cache.bytes, removed }).toEqual({ size: 0, bytes: 0, removed: ['a=A'] });
  });
});
