// The comparisons of a variable with a constant that the impact report matches a moved threshold against,
// read from feelin's parse tree, never from the text by pattern.
import { describe, expect, it } from 'vitest';
import { constantComparisonsIn, variablePathOf } from '../../../engine/feel/feel-comparisons.js';

const brief = (body: string) => constantComparisonsIn(body).map(({ variable, operator, constant }) => [variable, operator, constant]);

describe('the comparisons with a constant in a FEEL expression', () => {
  it.each([
    ['reportingAmount > 500000 and reportingAmount <= 1000000', [['reportingAmount', '>', 500000], ['reportingAmount', '<=', 1000000]]],
    // the constant first: read as if the variable were
    ['500000 < change.amount', [['change.amount', '>', 500000]]],
    ['amount between 500000 and 1000000', [['amount', '>=', 500000], ['amount', '<=', 1000000]]],
    ['paymentTerms != "prepaid-at-entry" or not(x >= -5)', [['paymentTerms', '!=', 'prepaid-at-entry'], ['x', '>=', -5]]],
    ['amount > 500000.00', [['amount', '>', 500000]]],
    // two variables, a computed value, a name the expression binds: no constant of a variable
    ['amount > limit', []],
    ['amount * 2 > 500000', []],
    ['some x in items satisfies x > 5', []],
    ['amount >', []],
  ])('%s: %j', (body, comparisons) => {
    expect(brief(body)).toEqual(comparisons);
  });

  it('keeps each comparison and its constant as written', () => {
    expect(constantComparisonsIn('500000 < change.amount')).toEqual([{ variable: 'change.amount', operator: '>', constant: 500000, literal: '500000', text: '500000 < change.amount' }]);
  });
});

describe('an expression that is a variable path and nothing else', () => {
  it.each([['changeReportingAmount', 'changeReportingAmount'], ['change.amount', 'change.amount'], ['amount + 1', undefined], ['"amount"', undefined]])('%s: %s', (body, path) => {
    expect(variablePathOf(body)).toBe(path);
  });
});
