import { describe, expect, it } from 'vitest';
import { evaluateFeel } from '../../../engine/feel/feel-expression.js';
import { isJuel, juelToFeel, JuelTranslationError } from '../../../engine/feel/juel.js';

/** Translates and evaluates, so each case checks meaning, not only spelling. */
const run = (juel: string, variables: Record<string, unknown> = {}) => evaluateFeel(juelToFeel(juel), variables);

describe('translating Camunda 7 JUEL to FEEL', () => {
  it.each([
    ['${amount > 1000000}', 'amount > 1000000'],
    ['#{amount gt 1000000}', 'amount > 1000000'],
    ['${approved == true}', 'approved = true'],
    ['${a > 5 && !b}', 'a > 5 and not(b)'],
    ['${a || b && c}', 'a or b and c'],
    ['${(a || b) && c}', '(a or b) and c'],
    ['${amount > 500000 && amount <= 1000000}', 'amount > 500000 and amount <= 1000000'],
    ["${status.equals('open')}", 'status = "open"'],
    ["${execution.getVariable('amount') > 10}", 'amount > 10'],
    ["${S(customer).prop('tier').stringValue() == 'gold'}", 'customer.tier = "gold"'],
    ["${customer.prop('credit limit').numberValue()}", 'get value(customer, "credit limit")'],
    ['${x ? 1 : 2}', 'if x then 1 else 2'],
    ['${a - (b - c)}', 'a - (b - c)'],
    ['${(a < b) == true}', '(a < b) = true'],
    ['${items[0]}', 'items[1]'],
    ["${order['no']}", 'order.no'],
  ])('%s → %s', (juel, feel) => {
    expect(juelToFeel(juel)).toBe(feel);
  });

  it('keeps the meaning of &&, || and ! (JUEL precedence: ! before && before ||)', () => {
    expect(run('${!a && b || c}', { a: true, b: true, c: false })).toBe(false);
    expect(run('${!(a && b) || c}', { a: true, b: true, c: true })).toBe(true);
    expect(run('${not a and b}', { a: false, b: true })).toBe(true);
  });

  it('treats null, "", an empty list and an empty map as empty, like JUEL', () => {
    for (const value of [null, '', [], {}]) expect(run('${empty x}', { x: value })).toBe(true);
    for (const value of ['a', [1], { k: 1 }, 0, false]) expect(run('${empty x}', { x: value })).toBe(false);
    expect(run('${!empty comment}', { comment: 'ok' })).toBe(true);
  });

  it('evaluates ternaries, including nested ones', () => {
    expect(run("${amount > 1000 ? 'large' : amount > 100 ? 'medium' : 'small'}", { amount: 500 })).toBe('medium');
    expect(run('${(flag ? 1 : 2) + 10}', { flag: false })).toBe(12);
  });

  it('compares with .equals(…) either way round', () => {
    expect(run("${'gold'.equals(tier)}", { tier: 'gold' })).toBe(true);
    expect(run('${a.equals(b)}', { a: 1, b: 2 })).toBe(false);
  });

  it('reads Spin JSON properties with stringValue(), numberValue() and boolValue()', () => {
    const customer = { name: 'ACME', limit: 5000, vip: true, address: { city: 'Bern' } };
    expect(run("${S(customer).prop('name').stringValue()}", { customer })).toBe('ACME');
    expect(run("${customer.prop('limit').numberValue() >= 5000}", { customer })).toBe(true);
    expect(run("${JSON(customer).prop('vip').boolValue()}", { customer })).toBe(true);
    expect(run("${S(customer).prop('address').prop('city').stringValue()}", { customer })).toBe('Bern');
  });

  it('does arithmetic with JUEL operators, div and mod', () => {
    expect(run('${a * 2 + b / 4 - 1}', { a: 3, b: 8 })).toBe(7);
    expect(run('${a mod 3 == 1}', { a: 7 })).toBe(true);
    expect(run('${a % 3}', { a: 8 })).toBe(2);
    expect(run('${a div 4}', { a: 10 })).toBe(2.5);
    expect(run('${-a < 0}', { a: 1 })).toBe(true);
  });

  it('recognises ${…} and #{…} only', () => {
    expect(isJuel('${a}')).toBe(true);
    expect(isJuel(' #{a} ')).toBe(true);
    expect(isJuel('=a')).toBe(false);
    expect(isJuel('a')).toBe(false);
  });
});

describe('an expression that cannot be translated', () => {
  const failure = (juel: string) => {
    try {
      juelToFeel(juel);
    } catch (error) {
      expect(error).toBeInstanceOf(JuelTranslationError);
      return error as JuelTranslationError;
    }
    throw new Error(`${juel} translated`);
  };

  it('names the method and its position', () => {
    const error = failure('${order.isLarge()}');
    expect(error.reason).toBe('method call isLarge(…) is not supported');
    expect(error.position).toBe(9);
    expect(error.message).toBe('method call isLarge(…) is not supported at position 9 (near "isLarge()}") of "${order.isLarge()}"');
  });

  it('shows a long expression cut short', () => {
    const long = `\${amount > 1000 && customer.region == 'north' && approvals.size() > 2 && other == 'something long'}`;
    const error = failure(long);
    expect(error.message).toContain('method call size(…) is not supported at position 60 (near "size() > 2 &")');
    expect(error.message).toContain(`of "${long.slice(0, 60)}…"`);
  });

  it('shows the position of an unsupported character and of an early end', () => {
    expect(failure('${a > 5 ; b}').message).toContain('unsupported character ";" at position 9');
    expect(failure('${a > }').message).toContain('the expression ends too early');
    expect(failure("${a ? 'x'}").message).toContain('missing ":" of "? :"');
    expect(failure('${(a > 5}').message).toContain('missing ")"');
  });

  it('refuses functions and execution methods other than the ones it knows', () => {
    expect(failure('${dateTime().isAfter(due)}').reason).toBe('function dateTime(…) is not supported');
    expect(failure('${execution.getProcessInstanceId() != null}').reason).toContain("only execution.getVariable('name')");
    expect(failure("${x.prop(name)}").reason).toBe('prop(…) needs a quoted name');
  });
});
