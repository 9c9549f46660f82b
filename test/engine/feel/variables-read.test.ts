import { describe, expect, it } from 'vitest';
import { describeInputs, variablesReadBy } from '../../../engine/feel/feel-expression.js';

describe('the variables a FEEL expression reads', () => {
  it.each([
    ['approved', ['approved']],
    ['amount > 500000 and amount <= 1000000', ['amount']],
    ['customer.name = "ACME"', ['customer']],
    ['count(items) > 0', ['items']],
    ['some x in items satisfies x > limit', ['items', 'limit']],
    ['for line in lines return line.price', ['lines']],
    ['date("2026-01-01") < today()', []],
    ['paymentTerms = "prepaid" or approved', ['paymentTerms', 'approved']],
  ])('%s reads %j', (expression, names) => {
    expect(variablesReadBy(expression)).toEqual(names);
  });

  it('says what is wrong with each input: missing, or the value it had', () => {
    expect(describeInputs('approved and amount < limit', { approved: 'yes', amount: 5 })).toEqual([
      { name: 'approved', problem: 'is "yes"' },
      { name: 'amount', problem: 'is 5' },
      { name: 'limit', problem: 'is missing' },
    ]);
  });

  it('cuts a long value short in the description', () => {
    const [input] = describeInputs('customer.limit > 5', { customer: { notes: 'x'.repeat(500) } });
    expect(input.problem.length).toBeLessThan(70);
    expect(input.problem.endsWith('…')).toBe(true);
  });

  it('reads what it can from text that does not fully parse', () => {
    expect(variablesReadBy('amount >')).toEqual(['amount']);
    expect(variablesReadBy('')).toEqual([]);
  });
});
