import { describe, expect, it } from 'vitest';
import { compileExpression, shortText, tryCompileExpression } from '../../../engine/expressions/compile-expression.js';
import { FeelError } from '../../../engine/feel/feel-expression.js';
import { textContaining } from '../../support/matchers.js';

describe('compiling a condition or expression once for runtime, lint and simulation', () => {
  it('gives FEEL and Camunda 7 JUEL one meaning: ${amount > 1000000} is true for 1,200,000', () => {
    const feel = compileExpression('=amount > 1000000');
    const juel = compileExpression('${amount > 1000000}');
    expect(juel).toMatchObject({ syntax: 'juel', feel: 'amount > 1000000', reads: ['amount'] });
    expect(feel).toMatchObject({ syntax: 'feel', feel: 'amount > 1000000', reads: ['amount'] });
    for (const amount of [1_200_000, 1_000_000, 1_000_000.01]) {
      expect(juel.test({ amount })).toBe(feel.test({ amount }));
    }
    expect(juel.test({ amount: 1_200_000 })).toBe(true);
  });

  it('is strict: a missing variable is an error, not a false condition', () => {
    expect(() => compileExpression('${amount > 5}').test({})).toThrow(FeelError);
    expect(() => compileExpression('=amount').test({ amount: 3 })).toThrow('gave 3, not true or false');
  });

  it('accepts FEEL string literals that span lines, as Camunda 8 does', () => {
    const expression = compileExpression('="Dear customer,\nyour order " + orderNo + "\nships today."');
    expect(expression.evaluate({ orderNo: 'A-1' })).toBe('Dear customer,\nyour order A-1\nships today.');
    expect(compileExpression('=note = "line one\nline two"').test({ note: 'line one\nline two' })).toBe(true);
  });

  it('reports a FEEL syntax error after a multi-line string at its written position', () => {
    const result = tryCompileExpression('="a\nb" +');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ problem: 'syntax', detail: textContaining('position 8') });
  });

  it('says what is wrong: not an expression, empty, untranslatable JUEL, FEEL syntax', () => {
    const problem = (text: string) => {
      const result = tryCompileExpression(text);
      return result.ok ? 'compiled' : result.error.problem;
    };
    expect(problem('amount > 5')).toBe('not-an-expression');
    expect(problem('  ')).toBe('empty');
    expect(problem('${order.isLarge()}')).toBe('untranslatable');
    expect(problem('=amount >')).toBe('syntax');
    expect(problem('${a > > 1}')).toBe('untranslatable');
  });

  it('reads bare text as FEEL where the context says so (DMN cells), and as JUEL when the language says juel', () => {
    expect(compileExpression('season', { bareIsFeel: true }).evaluate({ season: 'Fall' })).toBe('Fall');
    expect(compileExpression('amount * 2', { language: 'juel' }).evaluate({ amount: 2 })).toBe(4);
    expect(compileExpression('amount * 2', { language: 'feel' }).evaluate({ amount: 2 })).toBe(4);
  });

  it('places an untranslatable JUEL problem in the text', () => {
    const result = tryCompileExpression("${customer.getName() == 'x'}");
    expect(!result.ok && result.error.detail).toBe('method call getName(…) is not supported at position 12 (near "getName() ==")');
  });

  it('cuts a long text short for messages', () => {
    expect(shortText('=a\n  and b')).toBe('=a and b');
    expect(shortText('x'.repeat(70))).toBe(`${'x'.repeat(60)}…`);
  });
});
