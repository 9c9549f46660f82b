// A FEEL function call reaches a function, never a variable of the same name
// (engine/feel/function-calls.ts): feelin looked `today` up among the
// variables first, so a job completed with {"today": 0} failed
// `today() > date("2000-01-01")` with "Cannot invoke '0'" for good. The same
// name read as a variable still reads the variable.
import { date } from 'feelin';
import { describe, expect, it } from 'vitest';
import { parseDmn, evaluateDecision, camunda8Result } from '../../../engine/dmn/index.js';
import { compileExpression } from '../../../engine/expressions/compile-expression.js';
import { evaluateFeel, evaluateUnaryTests, evaluateWithFeelin } from '../../../engine/feel/feel-expression.js';

describe('a call of a built-in beside a variable of its name', () => {
  it.each([
    ['today() > date("2000-01-01")', { today: 0 }, true],
    ['now() > date and time("2000-01-01T00:00:00Z")', { now: 'later' }, true],
    ['count(items) > 0', { count: 0, items: [1] }, true],
    ['sum(amounts)', { sum: 'total', amounts: [1, 2] }, 3],
    ['string length(name)', { 'string length': 0, name: 'abc' }, 3],
    ['string length(name)', { 'string  length': 0, name: 'abc' }, 3],
    ['contains(name, "b")', { contains: false, name: 'abc' }, true],
    ['string(amount)', { string: null, amount: 5 }, '5'],
    ['items[count(lines) > 1].id', { count: 0, items: [{ id: 'a', lines: [1, 2] }, { id: 'b', lines: [] }] }, ['a']],
  ])('%s over %j calls the built-in', (text, variables, expected) => {
    expect(evaluateFeel(text, variables)).toStrictEqual(expected);
    expect(evaluateWithFeelin(text, variables)).toStrictEqual(expected);
  });

  it('reads the same name as a variable where it is not called, in another expression and in the same one', () => {
    expect(evaluateFeel('today > 3', { today: 5 })).toBe(true);
    expect(evaluateFeel('count(count)', { count: [1, 2, 3] })).toBe(3);
    expect(evaluateFeel('string(string) + "!"', { string: 7 })).toBe('7!');
  });

  it('calls a function the expression binds under that name, not the built-in', () => {
    expect(evaluateFeel('{count: function(x) 42, r: count(items)}.r', { count: 0, items: [1] })).toBe(42);
    expect(evaluateFeel('{"count": function(x) 42, r: count(items)}.r', { items: [1] })).toBe(42);
    expect(evaluateFeel('(function(count) count(1))(function(x) x + 1)', { count: 0 })).toBe(2);
  });

  it('calls a variable that holds a function (a mapping that gave one)', () => {
    const doubled = evaluateFeel('function(x) x * 2', {});
    expect(evaluateFeel('count(3)', { count: doubled })).toBe(6);
  });

  it('still refuses a call of a name that is no function at all', () => {
    expect(() => evaluateFeel('discount(1)', { discount: 0 })).toThrow(/Cannot invoke/);
    expect(() => evaluateFeel('discount(1)', {})).toThrow(/cannot evaluate/);
  });

  it('leaves an expression that calls nothing as it was (and a text that holds the call\'s own name)', () => {
    expect(evaluateFeel('amount > limit', { amount: 5, limit: 3 })).toBe(true);
    expect(evaluateFeel('count(xs) + stratum_function_0', { xs: [1], stratum_function_0: 10, count: 0 })).toBe(11);
  });

  it('reaches the built-in through a compiled expression (a gateway condition, a mapping) and a decision table\'s input entry', async () => {
    expect(compileExpression('=count(items) > 0').test({ count: 0, items: [1] })).toBe(true);
    expect(evaluateUnaryTests('count(?) > 0', { '?': [1], count: 0 })).toEqual({ value: true, warnings: [] });
    expect(evaluateUnaryTests('< today()', { '?': date('1999-01-01'), today: 0 })).toEqual({ value: true, warnings: [] });
    const dmn = await parseDmn(`<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" id="d" name="d" namespace="http://camunda.org/schema/1.0/dmn">
  <decision id="lines" name="Lines">
    <decisionTable id="t" hitPolicy="FIRST">
      <input id="i" label="Lines"><inputExpression id="ie" typeRef="number"><text>count(items)</text></inputExpression></input>
      <output id="o" name="size" typeRef="string" />
      <rule id="many"><inputEntry id="e1"><text>&gt; 1</text></inputEntry><outputEntry id="o1"><text>"many"</text></outputEntry></rule>
      <rule id="some"><inputEntry id="e2"><text>-</text></inputEntry><outputEntry id="o2"><text>string(count(items))</text></outputEntry></rule>
    </decisionTable>
  </decision>
</definitions>`);
    const result = evaluateDecision(dmn, 'lines', { items: [1], count: 0, string: 'x' }, { dialect: 'camunda8' });
    expect(camunda8Result(result)).toBe('1');
  });
});
