// Inside orders, what a called process decides (`approved`, after the credit
// approval's tiers) reaches its caller as the called process decided it. The
// caller may take it over only by propagation (no output mapping) or by the
// identity mapping on the call activity itself (`=approved` to `approved`,
// Camunda 7 `camunda:out source="approved"` or `${approved}`). Any other writer
// of that name in a process that calls it (variable-writes.ts: `=approved or
// true` on the call, a service task's output, a form field, a decision's or a
// script's result, a multi-instance collection, a timer's or message's output,
// a local input, a value passed in to seed the decision) would let the caller
// go on with its own value in place of the decision, a rejection included; so
// would another called process handing back a variable of that name.
// What a called process decides is every variable it sets in its scope: what it
// supplies and what else it sets (alsoDecides: an implicit user task decision, a
// script's result …; variable-supply.ts). Which processes run inside orders, and
// what each decides, comes from the library as it will be (`processes`: the deployed latest versions with the
// documents' own in place of theirs); the modeler passes the deployed library,
// and the document's own processes are put in here. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements } from '../../bpmn/process-model.js';
import { orderBorder } from '../../orders/order-border.js';
import { ORDER_VARIABLES } from '../../orders/order-entry.js';
import { calledProcessOf, handsBackAllChildVariables } from '../call-activity-variables.js';
import { ElementLabel, elementLabel } from '../element-label.js';
import { orderCallTree } from '../order-call-tree.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';
import { mergeSupplies, processSuppliesOf, type ProcessSupply } from '../variable-supply.js';
import { writesOf, type Write } from '../variable-writes.js';

const ORDER_FIELDS: ReadonlySet<string> = new Set(ORDER_VARIABLES);

interface CallOutcomeConfig {
  /** What the library's processes supply (variable-supply.ts); without it, the document alone is the library. */
  processes?: ProcessSupply[];
}

const callOutcomeKept: RuleFactory = (config?: CallOutcomeConfig) => {
  const library = Array.isArray(config?.processes) ? config.processes : [];
  // bpmnlint calls check for every process of a document: work the supplies and the order border out once per
  // lint of a document, not once per process (a file of 3,000 processes took minutes and held the thread that
  // linted it); a lint starts at the document's definitions, which drop what an earlier lint of it (the modeler's
  // live document, edited since) found
  const byDocument = new WeakMap<object, { processes: ProcessSupply[]; inOrders: ReadonlySet<string> }>();
  function documentOf(definitions: ModdleElement) {
    let found = byDocument.get(definitions);
    if (!found) {
      const processes = mergeSupplies(library, processSuppliesOf(definitions));
      found = { processes, inOrders: orderBorder(processes).inOrders };
      byDocument.set(definitions, found);
    }
    return found;
  }

  function check(node: ModdleElement, reporter: Reporter) {
    if (is(node, 'bpmn:Definitions')) byDocument.delete(node);
    if (!is(node, 'bpmn:Process')) return;
    const { processes, inOrders } = node.$parent ? documentOf(node.$parent) : { processes: library, inOrders: orderBorder(library).inOrders };
    if (!inOrders.has(String(node.id))) return;
    const deciders = decidersIn(node, processes);
    if (deciders.size === 0) return;
    for (const element of allFlowElements(node)) {
      for (const write of writesOf(element)) {
        const candidates = deciders.get(write.target);
        if (!candidates || keepsTheDecision(element, write)) continue;
        const decider = namedDecider(element, write.target, candidates);
        reporter.report(element.id, messageFor(element, write, decider), conflictOf(write.target, decider, write.what));
      }
    }
    for (const [name, candidates] of deciders) {
      const handing = candidates.filter(({ call }) => handsBack(call, name));
      const reported = new Set<ModdleElement>();
      for (const decider of handing) {
        const other = handing.find(({ call }) => calledProcessOf(call) !== calledProcessOf(decider.call));
        if (!other || reported.has(decider.call)) continue;
        reported.add(decider.call);
        reporter.report(decider.call.id, handBackMessage(name, decider, other), conflictOf(name, decider, 'hands back'));
      }
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#call-outcome-kept-error' } } };
};

export default callOutcomeKept;

/**
 * What a finding is about, apart from its wording (the element and process are the report's own): the variable,
 * the process deciding it, and how the element conflicts with it (its write, or `hands back`).
 * deployed-call-outcomes.ts tells a conflict a deployment creates from one already there by it.
 */
export type CallOutcomeConflict = { variable: string; decider: string; conflict: string };

function conflictOf(variable: string, { called }: Decider, conflict: string): CallOutcomeConflict {
  return { variable, decider: called, conflict };
}

/** A process that decides a variable, and the call activity through which the caller reaches it. */
interface Decider {
  called: string;
  call: ModdleElement;
}

/** The variables the processes `process` calls (or they call, at any depth) write, each with the calls reaching a writer. */
function decidersIn(process: ModdleElement, processes: readonly ProcessSupply[]): Map<string, Decider[]> {
  const byKey = new Map(processes.map((supply) => [supply.key, supply]));
  const deciders = new Map<string, Decider[]>();
  for (const call of allFlowElements(process)) {
    const called = calledProcessOf(call);
    if (called === undefined) continue;
    for (const key of orderCallTree([called], processes)) {
      const supply = byKey.get(key);
      for (const name of [...supply?.supplies ?? [], ...supply?.alsoDecides ?? []]) {
        // a called process writing an order field is order-fields-read-only's error, not a decision
        if (!ORDER_FIELDS.has(name)) deciders.set(name, [...(deciders.get(name) ?? []), { called: key, call }]);
      }
    }
  }
  return deciders;
}

/**
 * The decider to name: through this call activity itself, else through one handing `name` back (every child
 * variable, or its identity output), whose decision the write would replace, rather than through a call that hands
 * back only other names (the re-approval's changeApproved).
 */
function namedDecider(element: ModdleElement, name: string, candidates: Decider[]): Decider {
  return candidates.find(({ call }) => call === element) ?? candidates.find(({ call }) => handsBack(call, name)) ?? candidates[0];
}

/**
 * Whether the call activity hands `name` back into the caller as the called process left it: with every child
 * variable, or by its identity mapping. (Any other output of that name is a write of its own, reported as such.)
 */
function handsBack(call: ModdleElement, name: string): boolean {
  return handsBackAllChildVariables(call) || writesOf(call).some((write) => write.kind === 'output' && write.target === name && write.copies === true);
}

/**
 * The call activity handing the decision back as it is (an output or camunda:out copying the name onto itself),
 * and an input copying a variable onto itself, which changes nothing. Everything else writes its own value.
 */
function keepsTheDecision(element: ModdleElement, write: Write): boolean {
  if (write.copies !== true) return false;
  if (write.kind === 'input') return true;
  return write.kind === 'output' && is(element, 'bpmn:CallActivity');
}

function messageFor(element: ModdleElement, write: Write, { called, call }: Decider): string {
  const through = call === element ? '' : ` (called by ${elementLabel(call)})`;
  const from = write.source ? ` from ${write.source}` : '';
  return `${ElementLabel(element)} ${write.what} ${write.target}${from}, which "${called}"${through} decides: this process would go on with its own ` +
    `${write.target} in place of the called process's decision, a rejection included. Let the call activity hand ${write.target} back as it is ` +
    `(no output mapping, or source "=${write.target}" on the call activity; Camunda 7: camunda:out source="${write.target}"), and give this value another name`;
}

/** Two called processes deciding one variable, both handed back: whichever ends last stands for the other's decision. */
function handBackMessage(name: string, { call, called }: Decider, other: Decider): string {
  return `${ElementLabel(call)} hands back ${name} from "${called}", while "${other.called}" (called by ${elementLabel(other.call)}) decides ${name} too: ` +
    `whichever ends last would stand for the other's decision in this process, a rejection included. Let one called process decide ${name}: ` +
    'hand back from the other only what this process needs (propagateAllChildVariables="false" with outputs of other names; Camunda 7: camunda:out without variables="all")';
}
