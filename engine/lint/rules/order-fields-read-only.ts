// The order as entered (engine/orders/order-entry.ts ORDER_VARIABLES: amount,
// currency, paymentTerms, customer, orderNo, reportingAmount …) is what the
// approval tiers compare, and the runtime lets no completer, worker, message or
// operator set it. A diagram must not either: an output mapping, a decision's
// result variable, a multi-instance output collection or element variable, a
// Camunda 7 form field or camunda:out, or an input mapping of a task, event or
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
import { camunda7CallVariables } from '../../bpmn/camunda7-call-variables.js';
import { extensionValues, iterationVariablesOf } from '../../bpmn/process-model.js';
import { ORDER_VARIABLES } from '../../orders/order-entry.js';
import { declaredDecisionCall } from '../business-rule-task.js';
import { handsBackAllChildVariables } from '../call-activity-variables.js';
import { ElementLabel } from '../element-label.js';
import { followsHouseRules, type HouseRulesConfig } from '../house-rules.js';
import { is, processOf, type Reporter, type RuleFactory } from '../rule-api.js';

const ORDER_FIELDS: ReadonlySet<string> = new Set(ORDER_VARIABLES);

/** One place where a diagram names a variable it writes. */
interface Write {
  what: string;
  target: string;
  /** It writes the variable of the same name onto itself (`=amount` to `amount`), which changes nothing. */
  copies?: boolean;
  /** It reads one variable as it is (`=changeAmount`), no literal or computation. */
  reference?: boolean;
  /** An input of a call activity: the called process gets it, the caller's variable stays. */
  callInput?: boolean;
}

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
          `${label} passes the called process ${write.target} computed here, not the order's: the called process decides on this value ` +
            '(an approval compares it with its tiers), while the order keeps its own. If that is meant (a re-approval of a requested ' +
            'amount), pass a variable that holds it (=changeAmount); otherwise pass the order\'s field unchanged',
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
  return 'what the order\'s gateways compare (the approval tiers read amount and reportingAmount) would change without an order change, ' +
    'so an order could skip an approval it needs or be planned on other terms';
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
  return write.what.startsWith('has an input') ? 'allowed' : 'refused';
}

const OUTPUT_MAPPING = 'has an output mapping to';

/** `=amount` (FEEL) or `${amount}` / `#{amount}` (Camunda 7) for the target `amount`. */
function isCopyOf(source: unknown, target: string): boolean {
  return referenceIn(source) === target;
}

/** The variable a source reads as it is: `changeAmount` of `=changeAmount`, `${changeAmount}` or `#{changeAmount}`. */
function referenceIn(source: unknown): string | undefined {
  const value = text(source);
  const name = /^=\s*([A-Za-z_][\w]*)$/.exec(value)?.[1] ?? /^[$#]\{\s*([A-Za-z_][\w]*)\s*\}$/.exec(value)?.[1];
  return name;
}

function isNoneStart(node: ModdleElement): boolean {
  return is(node, 'bpmn:StartEvent') && is(node.$parent, 'bpmn:Process') && (node.eventDefinitions ?? []).length === 0;
}


function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}

/** Every variable the element writes into the process (or, for inputs, into its own scope or the called process). */
function writesOf(node: ModdleElement): Write[] {
  const writes: Write[] = [];
  const call = is(node, 'bpmn:CallActivity');
  for (const mapping of extensionValues(node, 'zeebe:IoMapping')) {
    for (const output of mapping.outputParameters ?? []) {
      writes.push({ what: OUTPUT_MAPPING, target: text(output.target), copies: isCopyOf(output.source, text(output.target)) });
    }
    for (const input of mapping.inputParameters ?? []) {
      writes.push({ what: call ? 'passes the called process' : 'has an input mapping (a local variable every element inside reads) to',
        target: text(input.target), copies: isCopyOf(input.source, text(input.target)), reference: referenceIn(input.source) !== undefined,
        ...(call && { callInput: true }) });
    }
  }
  for (const inputOutput of extensionValues(node, 'camunda:InputOutput')) {
    for (const output of inputOutput.outputParameters ?? []) {
      writes.push({ what: 'has an output parameter', target: text(output.name) });
    }
    for (const input of inputOutput.inputParameters ?? []) {
      writes.push({ what: call ? 'passes the called process' : 'has an input parameter (a local variable every element inside reads)',
        target: text(input.name), copies: isCopyOf(input.value, text(input.name)), reference: referenceIn(input.value) !== undefined,
        ...(call && { callInput: true }) });
    }
  }
  for (const form of extensionValues(node, 'camunda:FormData')) {
    for (const field of form.fields ?? []) writes.push({ what: 'has a form field, which its completer sets,', target: text(field.id) });
  }
  const passed = camunda7CallVariables(node).mappings;
  for (const out of passed?.outs ?? []) if ('target' in out) writes.push({ what: 'hands back (camunda:out) into', target: out.target });
  for (const into of passed?.ins ?? []) {
    if ('target' in into) {
      const variable = 'variable' in into ? into.variable : referenceIn(into.feel.startsWith('=') ? into.feel : `=${into.feel}`);
      writes.push({ what: 'passes the called process (camunda:in)', target: into.target, copies: variable === into.target, reference: variable !== undefined, callInput: true });
    }
  }
  const decision = declaredDecisionCall(node);
  if (decision?.resultVariable) writes.push({ what: 'sets its decision\'s result variable', target: decision.resultVariable });
  const loop = node.loopCharacteristics;
  if (loop && is(loop, 'bpmn:MultiInstanceLoopCharacteristics')) {
    const gathered = text(extensionValues(loop, 'zeebe:LoopCharacteristics')[0]?.outputCollection);
    if (gathered) writes.push({ what: 'gathers its multi-instance output collection into', target: gathered });
    for (const element of iterationVariablesOf(node)) writes.push({ what: 'names its multi-instance element (a local variable of each iteration)', target: element });
  }
  return writes.filter((write) => write.target !== '');
}
