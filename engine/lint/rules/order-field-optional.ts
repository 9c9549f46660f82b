// Order entry guarantees only some entries of an order field (engine/orders/
// order-fields.ts: of `customer`, only `name`); `id`, `country` … may be absent.
// Strict FEEL fails on a path to an absent entry ("Key 'id' not found"), and
// `customer.id != null` fails the same way, so every order without it would
// get an incident at the element. `get value(customer, "id")` is null there
// instead: a comparison with it is false, and the gateway takes its default
// flow. An error in the order library (house-rules.ts: its namespace, a process
// taking orders, or replacing one that did), where `customer` is the order's;
// in a file from another tool, whose `customer` may be its own with every
// entry set, only a warning.
import type { ModdleElement } from 'bpmn-moddle';
import { pathsReadBy } from '../../feel/feel-expression.js';
import { guaranteedEntriesOf } from '../../orders/order-fields.js';
import { readExpressionsOf } from '../read-expressions.js';
import type { Reporter, RuleFactory } from '../rule-api.js';
import { followsHouseRules, type HouseRulesConfig } from '../house-rules.js';

const orderFieldOptional: RuleFactory = (config?: HouseRulesConfig) => {
  function check(node: ModdleElement, reporter: Reporter) {
    const library = followsHouseRules(node, config);
    for (const { what, path, feel } of readExpressionsOf(node)) {
      if (feel === undefined) continue;
      for (const read of pathsReadBy(feel)) {
        const guaranteed = guaranteedEntriesOf(read.variable);
        if (!guaranteed || guaranteed.includes(read.entry)) continue;
        const only = guaranteed.map((entry) => `${read.variable}.${entry}`).join(', ');
        reporter.report(
          node.id,
          `${what} reads ${read.variable}.${read.entry}, which order entry does not guarantee (only ${only} is required): ` +
            `for an order without it strict FEEL fails ("Key '${read.entry}' not found") and the order has an incident here. ` +
            `Read it with get value(${read.variable}, "${read.entry}"), which is null for such an order, so a comparison with it is false`,
          library ? path : { ...(path && { path }), severity: 'warn' },
        );
      }
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#order-field-optional-error-in-the-order-library-warning-elsewhere' } } };
};

export default orderFieldOptional;
