// The test of an `if` or a quantifier is a boolean (engine/feel/boolean-tests.ts): feelin took every value
// but false and null as true, so `if approved then …` went the approved way for the text "false".
import { describe, expect, it } from 'vitest';
import { evaluateFeel, evaluateUnaryTests, strictProblem } from '../../../engine/feel/feel-expression.js';

const fails = (body: string, variables: Record<string, unknown>) => () => evaluateFeel(body, variables);

describe('the test of an if or a quantifier', () => {
  it.each([
    ['if approved then "approved" else "rejected"', { approved: 'false' }, '"false"'],
    ['if approved then "approved" else "rejected"', { approved: 0 }, '0'],
    ['if approved then "approved" else "rejected"', { approved: [] }, '[]'],
    ['some answer in answers satisfies answer', { answers: ['false'] }, '"false"'],
    ['every answer in answers satisfies answer', { answers: [true, 1] }, '1'],
    ['if (if a then b else c) then 1 else 2', { a: true, b: 'yes', c: true }, '"yes"'],
  ])('%s over %j fails naming the value, where feelin took it as true', (body, variables, shown) => {
    expect(fails(body, variables)).toThrow(`the test after "if" or "satisfies" gave ${shown}, not true or false`);
  });

  it('takes a boolean as before, and null as FEEL does (the else branch; not satisfied)', () => {
    expect(evaluateFeel('if approved then "approved" else "rejected"', { approved: true })).toBe('approved');
    expect(evaluateFeel('if approved then "approved" else "rejected"', { approved: false })).toBe('rejected');
    expect(evaluateFeel('if approved then "approved" else "rejected"', { approved: null })).toBe('rejected');
    expect(evaluateFeel('some answer in answers satisfies answer', { answers: [null, true] })).toBe(true);
    expect(evaluateFeel('every amount in amounts satisfies amount > 5', { amounts: [6, 7] })).toBe(true);
  });

  it('keeps a call of a built-in and a variable named like the checking function as they were', () => {
    expect(evaluateFeel('if count(items) > 0 then count(items) else 0', { items: [1, 2], count: 0 })).toBe(2);
    expect(evaluateFeel('if stratum_test then stratum_test else false', { stratum_test: true })).toBe(true);
  });

  it('reports a decision table input entry whose test gives no boolean', () => {
    expect(strictProblem(evaluateUnaryTests('if ? then true else false', { '?': 'false' }).warnings)).toContain('gave "false", not true or false');
  });
});
