// The order body's rules, at the edges.
import { describe, expect, it } from 'vitest';
import { validator } from '../../../server/http/validate.js';
import * as camunda7 from '../../../server/schemas/camunda7.js';
import * as camunda8 from '../../../server/schemas/camunda8.js';
import * as events from '../../../server/schemas/events.js';
import * as orders from '../../../server/schemas/orders.js';
import * as requests from '../../../server/schemas/requests.js';
import { OrderRequest } from '../../../server/schemas/requests.js';

const check = validator<unknown>(OrderRequest, 'body');
const order = (change: Record<string, unknown>) => ({ orderNo: 'SO-1', customer: { name: 'ACME' }, amount: 1, currency: 'EUR', paymentTerms: 'credit', ...change });
const fieldsRefused = (body: unknown): string[] => {
  try {
    check(body);
    return [];
  } catch (error) {
    return ((error as { extensions: { errors: { field: string }[] } }).extensions.errors ?? []).map((e) => e.field);
  }
};

describe('OrderRequest amounts', () => {
  it('accepts every euro amount with up to two decimals, also large ones that binary floating point cannot divide by 0.01', () => {
    for (const amount of [0.01, 0.07, 4.35, 19.99, 500_000, 500_000.01, 1_000_000.01, 7_682_413_752_086.77, 9_999_999_999_999.99, 10_000_000_000_000]) {
      expect(fieldsRefused(order({ amount })), String(amount)).toEqual([]);
    }
  });

  it('refuses three decimals for the euro, zero, negatives, amounts over 10^13 and non-numbers', () => {
    for (const amount of [0.001, 1.005, 123_456.789, 1e12 + 0.001, 0, -0.01, 1e13 + 1, '5', null, true]) {
      expect(fieldsRefused(order({ amount })), String(amount)).toEqual(['/amount']);
    }
  });

  it('allows the minor units of the order\'s currency: none for JPY, three for KWD, four for CLF', () => {
    expect(fieldsRefused(order({ currency: 'JPY', amount: 600_000 }))).toEqual([]);
    expect(fieldsRefused(order({ currency: 'JPY', amount: 600_000.5 }))).toEqual(['/amount']);
    expect(fieldsRefused(order({ currency: 'KWD', amount: 499_999.999 }))).toEqual([]);
    expect(fieldsRefused(order({ currency: 'KWD', amount: 1.0001 }))).toEqual(['/amount']);
    expect(fieldsRefused(order({ currency: 'CLF', amount: 1.0001 }))).toEqual([]);
  });

  it('refuses currencies that are not ISO 4217 money', () => {
    for (const currency of ['ABC', 'XAU', 'XTS', 'eur', 'EURO']) expect(fieldsRefused(order({ currency })), currency).toEqual(['/currency']);
  });
});

describe('OrderRequest text', () => {
  it('accepts customer names in any script, with extra text fields', () => {
    expect(fieldsRefused(order({ customer: { name: 'Société Générale — 東京支店', vatId: 'FR 12 345', country: 'FR' } }))).toEqual([]);
    expect(fieldsRefused(order({ specialChange: { description: 'Line 1\nLine 2\twith tab' } }))).toEqual([]);
  });

  it('takes a null special change as none, as the order reads back, and refuses other non-objects', () => {
    expect(fieldsRefused(order({ specialChange: null }))).toEqual([]);
    for (const specialChange of ['none', false, []]) expect(fieldsRefused(order({ specialChange })), JSON.stringify(specialChange)).toEqual(['/specialChange']);
    expect(fieldsRefused(order({ specialChange: {} }))).toEqual(['/specialChange/description']);
  });

  it('refuses control characters, bidirectional overrides, non-text customer fields and more than 20 extra fields', () => {
    expect(fieldsRefused(order({ customer: { name: 'A\u0007' } }))).toEqual(['/customer/name']);
    expect(fieldsRefused(order({ customer: { name: 'evil\u2066txt' } }))).toEqual(['/customer/name']);
    expect(fieldsRefused(order({ customer: { name: 'A', id: 7 } }))).toEqual(['/customer/id']);
    const many = Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`f${i}`, 'x']));
    expect(fieldsRefused(order({ customer: { name: 'A', ...many } }))).toEqual(['/customer']);
  });

  // U+200B zero-width space, U+00AD soft hyphen, U+2060 word joiner, U+FEFF byte order mark, U+3164 Hangul filler,
  // U+2800 Braille blank: each passes \S, none shows anything
  const invisible = ['\u200B', '\u00AD', '\u2060', '\uFEFF', '\u200C\u200D', '\u3164', '\u2800', ' \u200B '];

  it('refuses a customer name or field, or a special change, that holds nothing visible (zero-width and blank characters only)', () => {
    for (const text of invisible) {
      expect(fieldsRefused(order({ customer: { name: text } })), JSON.stringify(text)).toEqual(['/customer/name']);
      expect(fieldsRefused(order({ customer: { name: 'ACME', vatId: text } })), JSON.stringify(text)).toEqual(['/customer/vatId']);
      expect(fieldsRefused(order({ specialChange: { description: `\n${text}\t` } })), JSON.stringify(text)).toEqual(['/specialChange/description']);
    }
    // beside a visible character they are text like any other (a soft hyphen in a long name, a joiner in an emoji)
    expect(fieldsRefused(order({ customer: { name: 'Donau\u00ADdampf\u00ADschiff GmbH' }, specialChange: { description: 'logo 👩\u200D🔧' } }))).toEqual([]);
  });

  it('refuses a cancel\'s reason and a change\'s description that hold nothing visible, on every route that takes them', () => {
    const refusedBy = (schema: Record<string, unknown>, body: unknown) => {
      try {
        validator<unknown>(schema, 'body')(body);
        return [];
      } catch (error) {
        return (error as { extensions: { errors: { field: string }[] } }).extensions.errors.map((e) => e.field);
      }
    };
    for (const text of invisible) {
      expect(refusedBy(requests.CancelRequest, { reason: text }), JSON.stringify(text)).toEqual(['/reason']);
      expect(refusedBy(orders.OrderCancelRequest, { reason: text }), JSON.stringify(text)).toEqual(['/reason']);
      expect(refusedBy(requests.OrderChangeRequest, { description: text }), JSON.stringify(text)).toEqual(['/description']);
    }
    expect(refusedBy(orders.OrderCancelRequest, { reason: 'customer withdrew' })).toEqual([]);
  });

  it('accepts order numbers of printable ASCII up to 64 characters', () => {
    expect(fieldsRefused(order({ orderNo: 'SO/2026-11#0001 (rev. B)' }))).toEqual([]);
    expect(fieldsRefused(order({ orderNo: 'S'.repeat(64) }))).toEqual([]);
    expect(fieldsRefused(order({ orderNo: ' SO-1' }))).toEqual(['/orderNo']);
    expect(fieldsRefused(order({ orderNo: 'SO-ü' }))).toEqual(['/orderNo']);
  });
});

describe('request examples in the OpenAPI document', () => {
  it('are valid requests by the schemas the server checks with', () => {
    let count = 0;
    // every module whose request schemas carry examples, the Camunda routes' included
    const schemas = Object.entries({ ...camunda7, ...camunda8, ...events, ...orders, ...requests }).filter(([name]) => name.endsWith('Request') || name.endsWith('Query'));
    for (const [name, schema] of schemas) {
      const examples = (schema as { examples?: unknown[] }).examples;
      if (!examples) continue;
      const validate = validator<unknown>(schema as Record<string, unknown>, 'body');
      for (const example of examples) {
        expect(() => validate(structuredClone(example)), name).not.toThrow();
        count++;
      }
    }
    expect(count).toBeGreaterThanOrEqual(24);
  });
});

describe('OrderRequest refusals name what a field takes', () => {
  const errorsOf = (body: unknown): { field: string; message: string }[] => {
    try {
      check(body);
      return [];
    } catch (error) {
      return (error as { extensions: { errors: { field: string; message: string }[] } }).extensions.errors;
    }
  };

  it('lists the payment terms a shop may send when it sends another (not "must be equal to one of the allowed values")', () => {
    expect(errorsOf(order({ paymentTerms: 'prepaid' }))).toEqual([
      { field: '/paymentTerms', message: 'must be one of "credit", "prepaid-at-entry", "prepaid-at-shipment"' },
    ]);
  });

  it('counts the currency codes rather than listing every one of them in a sentence', () => {
    const [refused] = errorsOf(order({ currency: 'ABC' }));
    expect(refused.field).toBe('/currency');
    expect(refused.message).toMatch(/^must be one of the \d{3} values the OpenAPI document lists for it$/);
  });
});
