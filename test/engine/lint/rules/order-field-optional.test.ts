import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintXml } from '../../../../engine/lint/lint-bpmn.js';
import { evaluateFeelCondition } from '../../../../engine/feel/feel-expression.js';
import { expectNoErrors, fixtureFiles, lintFixture, ofRule } from '../lint-fixture.js';

const RULE = 'order-field-optional';
const fixturePath = resolve('test/fixtures/lint', RULE, 'invalid-customer-entries.bpmn');

describe(RULE, () => {
  it.each(fixtureFiles(RULE, 'valid-'))('accepts %s', (file) => expectNoErrors(RULE, file));

  it('refuses a path to a customer entry other than name, in conditions and assignments, naming the element and the fix', async () => {
    const findings = await lintFixture(RULE, 'invalid-customer-entries.bpmn');
    expect(findings.filter((finding) => finding.rule === RULE).every((finding) => finding.severity === 'error')).toBe(true);
    expect(ofRule(findings, RULE)).toEqual([
      ['Flow_Acme', 'The condition of sequence flow "ACME, large" reads customer.id, which order entry does not guarantee (only customer.name is required): ' +
        'for an order without it strict FEEL fails ("Key \'id\' not found") and the order has an incident here. ' +
        'Read it with get value(customer, "id"), which is null for such an order, so a comparison with it is false'],
      ['Flow_Export', expect.stringMatching(/^The condition of sequence flow "Export" reads customer\.address, .*get value\(customer, "address"\)/)],
      ['Task_Review', expect.stringMatching(/^The candidate groups of user task "Review order" reads customer\.country, .*get value\(customer, "country"\)/)],
      ['Catch_Rated', expect.stringMatching(/^The condition of .*"Customer rated" reads customer\.rating, .*get value\(customer, "rating"\)/)],
    ]);
  });

  it('only warns in a file from another tool, whose customer may be its own with every entry set', async () => {
    const foreign = readFileSync(fixturePath, 'utf8').replace('http://stratum.example/bpmn/order-library', 'http://bpmn.io/schema/bpmn');
    const findings = (await lintXml(foreign)).filter((finding) => finding.rule === RULE);
    expect(findings.map((finding) => [finding.elementId, finding.severity])).toEqual([
      ['Flow_Acme', 'warning'], ['Flow_Export', 'warning'], ['Task_Review', 'warning'], ['Catch_Rated', 'warning'],
    ]);
  });
});

// the fix the message suggests, in Stratum's strict FEEL
describe('get value(customer, "id") as order-field-optional suggests', () => {
  const order = (customer: Record<string, string>) => ({ customer, amount: 600000 });

  it('fails strictly on the path for a customer without the entry, and on a null check of it', () => {
    expect(() => evaluateFeelCondition('customer.id = "ACME" and amount > 500000', order({ name: 'Hoffmann' }))).toThrow(/Key 'id' not found/);
    expect(() => evaluateFeelCondition('customer.id != null and customer.id = "ACME"', order({ name: 'Hoffmann' }))).toThrow(/Key 'id' not found/);
  });

  it('is false without the entry (the gateway takes its default flow) and compares it where it is present', () => {
    const condition = 'get value(customer, "id") = "ACME" and amount > 500000';
    expect(evaluateFeelCondition(condition, order({ name: 'Hoffmann' }))).toBe(false);
    expect(evaluateFeelCondition(condition, order({ name: 'ACME Corp', id: 'ACME' }))).toBe(true);
    expect(evaluateFeelCondition(condition, order({ name: 'Other', id: 'OTHER' }))).toBe(false);
    expect(evaluateFeelCondition('get value(customer, "id") != null', order({ name: 'Hoffmann' }))).toBe(false);
  });
});
