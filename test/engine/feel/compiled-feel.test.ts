// FEEL from closures compiled once per text (compiled-feel.ts) against feelin
// evaluating the text every time: for every FEEL expression of the shipped
// library and the interop corpus, and for a list of expressions inside and
// outside the compiled subset, over seeded variables of every kind (missing,
// null, numbers around the thresholds, text, booleans, contexts, lists, dates,
// names with spaces), evaluateFeel must give exactly feelin's value or
// feelin's error.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateFeel, evaluateWithFeelin, isCompiledFeel, variablesReadBy } from '../../../engine/feel/feel-expression.js';
import { DIAGRAMS_DIR } from '../../support/stratum-fixture.js';

const INTEROP_DIR = new URL('../../../../shared/interop/', import.meta.url).pathname;

/** `=…` attribute values and condition bodies of every .bpmn file under `dir`. */
function feelOf(dir: string): string[] {
  const found = new Set<string>();
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      for (const text of feelOf(path)) found.add(text);
      continue;
    }
    if (!name.endsWith('.bpmn')) continue;
    const xml = readFileSync(path, 'utf8');
    for (const match of xml.matchAll(/="=([^"]*)"|>\s*=([^<]*)</g)) found.add(unescapeXml(match[1] ?? match[2]).trim());
  }
  return [...found].filter(Boolean);
}

function unescapeXml(text: string): string {
  return text.replaceAll('&gt;', '>').replaceAll('&lt;', '<').replaceAll('&quot;', '"').replaceAll('&apos;', "'").replaceAll('&amp;', '&');
}

const SHIPPED = feelOf(DIAGRAMS_DIR);

const LISTED = [
  // the subset
  'amount > 500000', 'amount >= 500000', 'amount < 500000', 'amount <= 500000', 'amount = 500000', 'amount != 500000',
  'amount > 500000 and amount <= 1000000', 'approved or rejected', '(a or b) and not_c', 'a and (b or c)',
  'paymentTerms = "prepaid-at-entry"', 'paymentTerms != "credit"', 'specialChange != null', 'specialChange = null', 'null = x',
  'change.description', 'change.amount > 5', 'customer.address.city = "Oslo"', 'comment', '"fulfilled"', 'true', 'false', 'null',
  '500000', '-5', '1.5', '"a\\"b"', '"line\\nbreak"', 'x = true', 'x != false', 'a = b', 'amount > limit',
  // outside it: feelin every time
  'amount + 1', 'not(approved)', 'count(items) > 0', 'x in [1, 2]', 'x between 1 and 5', 'items[1]', 'items.price',
  'if approved then "yes" else "no"', 'some x in items satisfies x > 2', 'date("2026-01-01") < today()', '{a: 1}.a', '[1, 2]',
  'order amount > 5', 'amount >', '"a" < "b"', 'x instance of number',
];

const POOL: unknown[] = [
  null, 0, 1, -1, 5, 499_999.99, 500_000, 500_000.01, 1_000_000, 1_000_000.01, '', 'credit', 'prepaid-at-entry', 'Oslo', 'a',
  true, false, { description: 'moved', amount: 5, address: { city: 'Oslo' } }, { 'first name': 'Ann' }, { and: 1 }, [], [1, 2], [{ price: 3 }],
  new Date(0), undefined,
];

/** A seeded generator (Park–Miller), so a failure repeats. */
function random(seed: number): () => number {
  let state = seed % 2147483647;
  return () => {
    state = (state * 48271) % 2147483647;
    return (state - 1) / 2147483646;
  };
}

/** Variables for an expression: each name it reads missing or from the pool, sometimes beside names that are no plain identifiers. */
function contextsFor(text: string, count: number, next: () => number): Record<string, unknown>[] {
  const names = [...new Set([...variablesReadBy(text), 'amount', 'x', 'a', 'b'])];
  const contexts: Record<string, unknown>[] = [];
  for (let index = 0; index < count; index++) {
    const context: Record<string, unknown> = { orderNo: 'SO-1' };
    for (const name of names) if (next() < 0.85) context[name] = POOL[Math.floor(next() * POOL.length)];
    if (next() < 0.1) context['order amount'] = 7;
    if (next() < 0.05) context.true = false;
    contexts.push(context);
  }
  return contexts;
}

function outcome(evaluate: () => unknown): { value: unknown } | { error: string } {
  try {
    return { value: evaluate() };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

describe('FEEL compiled once per expression', () => {
  it('compiles every FEEL expression of the shipped library (the replay and the runtime never parse them again)', () => {
    expect(SHIPPED.length).toBeGreaterThan(20);
    expect(SHIPPED.filter((text) => !isCompiledFeel(text))).toEqual([]);
  });

  it('leaves what is outside the subset to feelin', () => {
    for (const text of ['amount + 1', 'not(approved)', 'x in [1, 2]', 'order amount > 5', 'amount >']) expect(isCompiledFeel(text), text).toBe(false);
  });

  it.each([
    ['the shipped library', SHIPPED],
    // now() and today() differ between two evaluations
    ['the interop corpus', feelOf(INTEROP_DIR).filter((text) => !/\b(now|today)\(/.test(text))],
    ['expressions in and outside the compiled subset', LISTED],
  ])('gives exactly feelin\'s value or error for %s', (_name, texts) => {
    const next = random(11);
    let compared = 0;
    let compiledValues = 0;
    for (const text of texts) {
      for (const variables of contextsFor(text, 60, next)) {
        const expected = outcome(() => evaluateWithFeelin(text, variables));
        expect({ text, variables, got: outcome(() => evaluateFeel(text, variables)) }).toStrictEqual({ text, variables, got: expected });
        compared++;
        if (isCompiledFeel(text) && 'value' in expected) compiledValues++;
      }
    }
    expect(compared).toBeGreaterThan(0);
    // the comparison reaches the compiled closures, not only feelin's fallback
    expect(compiledValues).toBeGreaterThan(0);
  });

  it('hands back copies of the contexts it reads, as feelin does', () => {
    const change = { description: 'moved', lines: [{ amount: 5 }] };
    const value = evaluateFeel('change', { change }) as typeof change;
    expect(value).toEqual(change);
    expect(value).not.toBe(change);
    expect(value.lines).not.toBe(change.lines);
  });

  it('reads the variables a name with spaces refers to through feelin', () => {
    expect(evaluateFeel('order amount > 5', { 'order amount': 7 })).toBe(true);
    expect(evaluateFeel('amount > 5', { amount: 7, 'order amount': 1 })).toBe(true);
  });
});
