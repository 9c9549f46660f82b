// FEEL orders values of one type only (engine/feel/mixed-type-ordering.ts): feelin compared "10" with 5 as
// JavaScript does. The runtime's side is test/engine/runtime/mixed-type-conditions.test.ts.
import { date, duration } from 'feelin';
import { describe, expect, it } from 'vitest';
import { compileExpression } from '../../../engine/expressions/compile-expression.js';
import { evaluateFeel, evaluateUnaryTests, strictProblem } from '../../../engine/feel/feel-expression.js';

const fails = (body: string, variables: Record<string, unknown>) => () => evaluateFeel(body, variables);

describe('an ordering comparison of two types', () => {
  it.each([
    ['x > 5', { x: '10' }, '"10" is text, which cannot be ordered with a number'],
    ['x > 1000000', { x: '1e7' }, '"1e7" is text'],
    ['x < 5', { x: '' }, '"" is text'],
    ['x >= 1000000', { x: true }, 'true is a boolean'],
    ['x > 5', { x: [10] }, '[10] is a list'],
    ['x > 5', { x: {} }, '{} is a context'],
    ['x > "5"', { x: 10 }, '10 is a number, which cannot be ordered with text'],
    ['x between 1 and 10', { x: '5' }, '"5" is text'],
    ['x in [1..10]', { x: '5' }, '"5" is text'],
    ['x in (> 5)', { x: '10' }, '"10" is text'],
    ['x > y', { x: 10, y: '9' }, '10 is a number, which cannot be ordered with text'],
    ['date("2026-01-01") < x', { x: '2027-01-01' }, 'is a date or time, which cannot be ordered with text'],
    ['x < duration("P1D")', { x: 5 }, '5 is a number, which cannot be ordered with a duration'],
    ['if x > 5 then "big" else "small"', { x: '10' }, '"10" is text'],
    ['count(items[item > 5]) > 0', { items: [1, '10'] }, '"10" is text'],
  ])('%s over %j fails naming the value, where feelin ordered it as JavaScript does', (body, variables, problem) => {
    expect(fails(body, variables)).toThrow(problem);
  });

  it('fails a condition as strictly (the gateway raises an incident), where "10" > 5 was true', () => {
    expect(() => compileExpression('=x > 5').test({ x: '10' })).toThrow('"10" is text, which cannot be ordered with a number');
  });

  it('orders values of one type as before', () => {
    expect(evaluateFeel('x > 5', { x: 10 })).toBe(true);
    expect(evaluateFeel('x > "a"', { x: 'b' })).toBe(true);
    expect(evaluateFeel('x between 1 and 10', { x: 5 })).toBe(true);
    expect(evaluateFeel('x < date("2026-01-01")', { x: date('2025-12-31') })).toBe(true);
    expect(evaluateFeel('x > duration("P1D")', { x: duration('P2D') })).toBe(true);
    expect(evaluateFeel('x > 5', { x: null })).toBeNull();
  });

  it('leaves equality of two types as FEEL has it: null, which a condition fails on', () => {
    expect(evaluateFeel('x = 5', { x: '5' })).toBeNull();
    expect(() => compileExpression('=x = true').test({ x: 'true' })).toThrow('gave null, not true or false');
  });
});

describe('a decision table input entry ordering an input of another type', () => {
  it.each([
    ['> 1000000', '2000000'],
    ['not(<= 1000000)', '2000000'],
    ['[1..10]', '5'],
    ['< 5', true],
  ])('%s over %j reports the mismatch, where the entry matched or missed as JavaScript ordered', (entry, input) => {
    expect(strictProblem(evaluateUnaryTests(entry, { '?': input }).warnings)).toContain('which cannot be ordered with a number');
  });

  it('tests an input of its own type as before', () => {
    expect(evaluateUnaryTests('> 1000000', { '?': 2_000_000 })).toEqual({ value: true, warnings: [] });
    expect(evaluateUnaryTests('"gold"', { '?': 1 })).toEqual({ value: false, warnings: [] });
  });
});
