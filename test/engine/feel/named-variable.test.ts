// An expression that names one variable is answered without feelin's parser; the answer must be feelin's.
import { evaluate } from 'feelin';
import { describe, expect, it } from 'vitest';
import { evaluateFeel, FeelError } from '../../../engine/feel/feel-expression.js';

const variables: Record<string, unknown> = {
  orderNo: 'SO-1', amount: 1_200_000.5, approved: false, comment: null, customer: { name: 'ACME', tags: ['a', { b: 1 }] },
  lines: [1, 2, { sku: 'x' }], count: 3, now: 'then', date: '2026-01-05', string: 's', item_1: 0, at: new Date('2026-01-05T09:00:00Z'),
};

describe('an expression naming one variable', () => {
  it.each(['orderNo', 'amount', 'approved', 'comment', 'customer', 'lines', 'count', 'now', 'date', 'string', 'item_1', ' orderNo ', 'at'])(
    'gives what feelin gives for %j', (body) => {
      const byFeelin = evaluate(body, variables);
      expect(byFeelin.warnings).toEqual([]);
      expect(evaluateFeel(body, variables)).toEqual(byFeelin.value);
    });

  it('copies lists and contexts, as feelin does, so the result never aliases the variables', () => {
    const value = evaluateFeel('customer', variables) as { tags: unknown[] };
    expect(value).toEqual(variables.customer);
    expect(value).not.toBe(variables.customer);
    expect(value.tags[1]).not.toBe((variables.customer as { tags: unknown[] }).tags[1]);
  });

  it('is still strict about a missing variable, and leaves keywords to FEEL', () => {
    expect(() => evaluateFeel('missing', variables)).toThrow(FeelError);
    for (const [body, context] of [['true', { true: 'shadowed' }], ['null', { null: 1 }], ['not', { not: 2 }]] as const) {
      expect(evaluateFeel(body, context)).toEqual(evaluate(body, context).value);
    }
  });
});

describe('a variable named with white space no expression writes', () => {
  it('is not read in place of a missing variable (feelin evens white space out when it looks a name up)', () => {
    expect(evaluate('approved', { 'approved ': true }).value).toBe(true);
    for (const name of ['approved ', ' approved', 'approved\u00a0', 'approved\t']) {
      expect(() => evaluateFeel('approved', { [name]: true }), JSON.stringify(name)).toThrow(FeelError);
      expect(() => evaluateFeel('approved and true', { [name]: true, other: 1 }), JSON.stringify(name)).toThrow(FeelError);
    }
    expect(() => evaluateFeel('order total > 5', { 'order  total': 6 })).toThrow(FeelError);
  });

  it('leaves the variable it shadows, and a name written as the text writes it, as they are', () => {
    expect(evaluateFeel('approved', { approved: false, 'approved ': true })).toBe(false);
    expect(evaluateFeel('order total > 5', { 'order total': 6 })).toBe(true);
    expect(evaluateFeel('order   total > 5', { 'order total': 6 })).toBe(true);
  });
});
