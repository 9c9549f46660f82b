// FEEL values as text (correlation keys, job types): contexts and lists as
// FEEL writes them, everything else as it printed before.
import { describe, expect, it } from 'vitest';
import { evaluateFeel, feelText } from '../../../engine/feel/feel-expression.js';

describe('feelText', () => {
  it('writes a context or a list as FEEL does, nested too', () => {
    expect(feelText({ orderNo: 'SO-1', line: 2 })).toBe('{orderNo: "SO-1", line: 2}');
    expect(feelText(['dhl', 'ups'])).toBe('["dhl", "ups"]');
    expect(feelText({ lines: [{ sku: 'A', qty: 1 }], note: null, paid: true })).toBe('{lines: [{sku: "A", qty: 1}], note: null, paid: true}');
    expect(feelText({ 'line no': 2, 'say "hi"': 'a\nb' })).toBe('{"line no": 2, "say \\"hi\\"": "a\\nb"}');
    expect(feelText(Object.assign(Object.create(null) as object, { a: 1 }))).toBe('{a: 1}');
    expect(feelText(evaluateFeel('{due: date("2026-01-05")}', {}))).toBe('{due: 2026-01-05}');
  });

  it('leaves text, numbers, booleans, dates and durations as they printed', () => {
    expect(feelText('SO-1')).toBe('SO-1');
    expect(feelText('')).toBe('');
    expect(feelText(1.5)).toBe('1.5');
    expect(feelText(12)).toBe('12');
    expect(feelText(false)).toBe('false');
    expect(feelText(evaluateFeel('date("2026-01-05")', {}))).toBe('2026-01-05');
    expect(feelText(evaluateFeel('duration("P1D")', {}))).toBe('P1D');
  });
});
