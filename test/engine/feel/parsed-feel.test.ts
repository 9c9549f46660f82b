// One parse per FEEL text: the readers of an expression's tree (syntax check, variables and paths read, compiled
// subset, built-in calls, tests, loop budget) share it instead of parsing the text again each.
import { describe, expect, it } from 'vitest';
import { checkFeelSyntax, pathsReadBy, variablesReadBy } from '../../../engine/feel/feel-expression.js';
import { parsedFeel } from '../../../engine/feel/parsed-feel.js';

describe('parsedFeel', () => {
  it('parses a text once and hands every reader the same tree', () => {
    const text = 'order.amount > 1000000 and not(prepaid) /* parsed-feel test */';
    const first = parsedFeel(text);
    expect(parsedFeel(text)).toBe(first);
    expect(parsedFeel(`${text} `)).not.toBe(first);
    // the readers of feel-expression.ts take it from there too
    expect(checkFeelSyntax(text)).toEqual({ ok: true });
    expect(variablesReadBy(text)).toEqual(['order', 'prepaid']);
    expect(pathsReadBy(text)).toEqual([{ variable: 'order', entry: 'amount' }]);
    expect(parsedFeel(text)).toBe(first);
  });

  it('keeps the dialects apart: the same text is another tree as unary tests', () => {
    const text = '> 500000 /* dialects */';
    expect(parsedFeel(text, 'unary-tests')).not.toBe(parsedFeel(text, 'expression'));
    expect(parsedFeel(text, 'unary-tests')).toBe(parsedFeel(text, 'unary-tests'));
  });

  it('reports a syntax error at the same place from the kept tree as from a first parse', () => {
    const broken = 'amount > > 5 /* kept */';
    const first = checkFeelSyntax(broken);
    expect(first.ok).toBe(false);
    expect(checkFeelSyntax(broken)).toEqual(first);
  });
});
