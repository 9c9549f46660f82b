// The processes that run inside an order: those following the house rules
// (house-rules.ts: the order library's namespace, a process taking orders, or
// one replacing a deployed process that did) and every process they call, at
// any depth, in the library as it will be (the deployed latest versions with
// the files at hand in place of theirs). A file from another tool called from
// an order process writes into the order like the library's own processes, so
// order-fields-read-only holds it to the library's severity. Browser-safe.
//
// Orders enter only through order entry, which checks and converts them. A
// process that takes orders is therefore never called, and a process that runs
// inside orders (called, at any depth, from one that takes orders) is called
// only from inside orders: a process outside them calling it would run an
// order's approvals and jobs on variables no order entry checked, and calling
// the order process would also stop order entry (it takes orders only at level 1). A process that takes orders and
// that no process calls keeps taking them: a version without it would stop order entry and open it and its callees
// to direct starts.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements } from '../bpmn/process-model.js';
import type { Finding } from '../errors.js';
import { orderBorder, type OrderBorder } from '../orders/order-border.js';
import { calledProcessOf } from './call-activity-variables.js';
import { ElementLabel } from './element-label.js';
import { followsHouseRules, type HouseRulesConfig } from './house-rules.js';
import { quotedNames } from './quoted-names.js';
import { reachable, type ProcessSupply } from './variable-supply.js';

/** Keys of the processes of `definitions` when the document follows the house rules; none otherwise. */
export function houseRuleProcessKeys(definitions: ModdleElement, config: HouseRulesConfig): string[] {
  if (!followsHouseRules(definitions, config)) return [];
  return (definitions.rootElements ?? []).filter((element) => element.$type === 'bpmn:Process').map((process) => String(process.id));
}

/** `roots` and every process they call at any depth, over `processes` (each listing the keys it calls). */
export function orderCallTree(roots: Iterable<string>, processes: readonly Pick<ProcessSupply, 'key' | 'calls'>[]): string[] {
  const calls = new Map(processes.map((process) => [process.key, process.calls]));
  return [...reachable(roots, (key) => calls.get(key) ?? [])].sort();
}

/**
 * `order-entry-only` findings for the library as it will be (`processes`: deployed latest versions with the
 * documents' in place of theirs): a call to a process that takes orders, and a call from outside orders to a
 * process that runs inside them. Reported on the call activity of a document at hand, or on a deployed caller
 * (elementId null) whose call the deployment makes wrong. A deployed caller that was already wrong in the library
 * before (`before`: deployed before these checks existed) is a warning: refusing every later deployment for it,
 * the start's deployment of the shipped library included, would leave no way to deploy its fix.
 */
export function orderEntryFindings(documents: { name: string; definitions: ModdleElement }[], processes: readonly ProcessSupply[], before: readonly ProcessSupply[] = []): Finding[] {
  const border = orderBorder(processes);
  const borderBefore = orderBorder(before);
  const findings: Finding[] = [];
  const judged = new Set<string>();
  // an order entry: it took orders and nothing called it. One a process calls never took an order (that call fails
  // with this rule's incident), and a version without takesOrders is how that mistake is fixed
  const called = new Set(before.flatMap((process) => process.calls));
  const tookOrders = new Set(before.filter((process) => process.takesOrders && !called.has(process.key)).map((process) => process.key));
  for (const { name, definitions } of documents) {
    for (const process of (definitions.rootElements ?? []).filter((element) => element.$type === 'bpmn:Process')) {
      judged.add(String(process.id));
      if (tookOrders.has(String(process.id)) && !border.takingOrders.includes(String(process.id))) {
        findings.push({ file: name, elementId: String(process.id), rule: RULE, severity: 'error', message: stopsTakingOrders(String(process.id)) });
      }
      for (const element of allFlowElements(process)) {
        const called = calledProcessOf(element);
        const why = called === undefined ? undefined : refusal(String(process.id), called, border);
        if (why) findings.push({ file: name, elementId: String(element.id), rule: RULE, severity: 'error', message: `${ElementLabel(element)} calls ${why}` });
      }
    }
  }
  for (const process of processes) {
    if (judged.has(process.key)) continue;
    for (const called of process.calls) {
      const why = refusal(process.key, called, border);
      if (!why) continue;
      const already = refusal(process.key, called, borderBefore) !== undefined;
      findings.push({
        file: `${process.key} (deployed)`, elementId: null, rule: RULE, severity: already ? 'warning' : 'error',
        message: `Deployed process "${process.key}" calls ${why}${already ? '. It did before this deployment too: deploy a new version of it that does not (until then the call fails with an incident when reached)' : ''}`,
      });
    }
  }
  return findings;
}

const RULE = 'order-entry-only';

/**
 * A new version of a process that takes orders without `takesOrders`: order entry would stop for it (and a server
 * configured with it would not start), and it and everything it calls would run outside orders, startable directly.
 */
function stopsTakingOrders(key: string): string {
  return `Process "${key}" takes orders (its deployed version declares takesOrders), and this version does not: order entry would refuse ` +
    `every order for it (POST /api/orders answers 503, and a server whose STRATUM_ORDER_PROCESS it is does not start), and it and the ` +
    'processes it calls could be started directly, running approvals and releasing planning jobs on variables no order entry checked. ' +
    'Keep <zeebe:property name="takesOrders" value="true"/> on the process';
}

/**
 * Why `caller` may not call `called`, naming the order processes the finding is about: the one called, or those
 * whose orders `called` runs inside (the processes taking orders that call it at any depth), not every one of the library.
 */
function refusal(caller: string, called: string, border: OrderBorder): string | undefined {
  if (border.takingOrders.includes(called)) {
    return `"${called}", which takes orders: orders enter only through order entry (POST /api/orders), which checks and converts them, ` +
      `and a called order process would start without it (and order entry would refuse every order, "${called}" being no level-1 process any more)`;
  }
  if (border.inOrders.has(called) && !border.inOrders.has(caller)) {
    return `"${called}", which runs inside orders (called, at any depth, from ${quotedNames(border.above(called))}), from process "${caller}", which does not: ` +
      'it would run an order\'s approvals and jobs on variables that no order entry checked, outside the order controls. Enter orders through order entry, ' +
      `or call a copy of "${called}" under its own key`;
  }
  return undefined;
}
