// The order as entered (engine/orders/order-entry.ts ORDER_VARIABLES: amount,
// currency, paymentTerms, customer, orderNo, reportingAmount …) is what the
// approval tiers compare, and the runtime lets no completer, worker, message or
// operator set it. A diagram must not either: a writer variable-writes.ts lists
// (an output mapping, a decision's or script's result variable, a multi-instance
// output collection or element variable, a Camunda 7 form field or camunda:out,
// a user task's inferred decision, or an input mapping of a task, event or
// sub-process (a local variable that every element inside reads in place of the
// order's) that targets an order field would change what the order's gateways
// compare without an order change, so a 2,000,000 order could skip its approval.
// Allowed: the none start event declaring the field as it arrives (`=amount` to
// `amount`, as order-to-cash declares its start variables), and a call activity
// handing the called process another value under an order field's name when
// only the call's declared outputs come back (the re-approval of a changed
// amount); a call activity that hands every child variable back would bring the
// child's value back as the caller's order field. An error in the order library
// (house-rules.ts) and in any process it calls (order-call-tree.ts), a warning
// elsewhere, where `amount` may be a file's own variable. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { ORDER_VARIABLES } from '../../orders/order-entry.js';
import { handsBackAllChildVariables } from '../call-activity-variables.js';
import { ElementLabel } from '../element-label.js';
import { followsHouseRules, type HouseRulesConfig } from '../house-rules.js';
import { is, processOf, type Reporter, type RuleFactory } from '../rule-api.js';
import { OUTPUT_MAPPING, writesOf, type Write } from '../variable-writes.js';

const ORDER_FIELDS: ReadonlySet<string> = new Set(ORDER_VARIABLES);
/** The order fields the approval tiers compare: a finding on another field does not speak of the tiers. */
const TIER_FIELDS: ReadonlySet<string> = new Set(['amount', 'reportingAmount']);

/** How a write of an order field is judged: refused (a warning outside the order library), flagged, or fine. */
type Verdict = 'refused' | 'flagged' | 'allowed';

interface OrderFieldsConfig extends HouseRulesConfig {
  /** Processes that run inside an order (order-call-tree.ts), whatever their document. */
  orderProcessKeys?: string[];
}

const orderFieldsReadOnly: RuleFactory = (config?: OrderFieldsConfig) => {
  const inOrders = new Set(Array.isArray(config?.orderProcessKeys) ? config.orderProcessKeys : []);
  function check(node: ModdleElement, reporter: Reporter) {
    if (!is(node, 'bpmn:FlowNode')) return;
    const library = followsHouseRules(node, config) || inOrders.has(String(processOf(node)?.id));
    const label = ElementLabel(node);
    for (const write of writesOf(node)) {
      if (!ORDER_FIELDS.has(write.target)) continue;
      const verdict = verdictOn(node, write);
      if (verdict === 'allowed') continue;
      if (verdict === 'flagged') {
        reporter.report(
          node.id,
          `${label} passes the called process ${write.target} computed here, not the order's: the called process decides on this value` +
            `${TIER_FIELDS.has(write.target) ? ' (an approval compares it with its tiers)' : ''}, while the order keeps its own. If that is meant` +
            `${TIER_FIELDS.has(write.target) ? ' (a re-approval of a requested amount)' : ''}, pass a variable that holds it ` +
            `(=${changeName(write.target)}); otherwise pass the order's field unchanged`,
          { severity: 'warn' },
        );
        continue;
      }
      reporter.report(
        node.id,
        `${label} ${write.what} ${write.target}, an order field: ${consequence(write)}. ` +
          'The order as entered changes only through an order change (POST /api/orders/{orderNo}/changes); ' +
          `give the value another name (e.g. ${suggestedName(write.target)})`,
        library ? undefined : { severity: 'warn' },
      );
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#order-fields-read-only-error-in-the-order-library-warning-elsewhere' } } };
};

export default orderFieldsReadOnly;

function consequence(write: Write): string {
  if (write.callInput) {
    return 'the called process would decide on this value in place of the order\'s, and this call activity hands every variable of the ' +
      'called process back, so the caller\'s order field would be overwritten too (hand back only declared outputs: ' +
      'propagateAllChildVariables="false", or camunda:out without variables="all")';
  }
  const readers = TIER_FIELDS.has(write.target) ? 'the approval tiers compare' : 'the order\'s gateways and tasks read';
  return `the order's ${write.target}, which ${readers}, would change without an order change, ` +
    'so an order could skip an approval it needs or be planned on other terms';
}

/** `amount` → `changeAmount`: the name a requested change of the field goes under (the re-approval's changeAmount). */
function changeName(target: string): string {
  return `change${target.charAt(0).toUpperCase()}${target.slice(1)}`;
}

function suggestedName(target: string): string {
  return `review${target.charAt(0).toUpperCase()}${target.slice(1)}`;
}

/**
 * A copy of the field onto itself declares it (a start event's outputs, an input passing it on) and changes
 * nothing. A call activity that hands back only its declared outputs may hand the called process another value
 * under the field's name (the re-approval of a changed amount): a variable as it is, silently; a literal or a
 * computation, flagged.
 */
function verdictOn(node: ModdleElement, write: Write): Verdict {
  if (write.callInput) {
    if (write.copies === true) return 'allowed';
    if (handsBackAllChildVariables(node)) return 'refused';
    return write.reference === true ? 'allowed' : 'flagged';
  }
  if (write.copies !== true) return 'refused';
  if (write.what === OUTPUT_MAPPING) return isNoneStart(node) ? 'allowed' : 'refused';
  return write.kind === 'input' ? 'allowed' : 'refused';
}

function isNoneStart(node: ModdleElement): boolean {
  return is(node, 'bpmn:StartEvent') && is(node.$parent, 'bpmn:Process') && (node.eventDefinitions ?? []).length === 0;
}
