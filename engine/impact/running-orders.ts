// Running orders a change reaches. Those with an instance of the changed
// process running stay on their version (a running instance never changes
// version). Those that have not yet reached a call to it, but have one ahead
// on their path from where they wait, will start the new version (latest
// binding; a versionTag binding when the new version carries that tag; never a
// deployment binding). Those that can reach one only through a change to the
// order (the order-change loop's re-approval of a raise, path-ahead.ts) are
// apart: they start it only if someone requests such a change. A changed
// decision: the orders that can still reach a business rule task calling it,
// in their own instances or in a process their calls will start
// (decision-reach.ts), will evaluate the new version. The same pass notes the
// orders waiting for the messages whose catchers the change alters (message-catchers.ts).
import type { CallBinding } from '../bpmn/process-model.js';
import type { InstanceRow, Store, WaitRow } from '../store/types.js';
import type { CandidateLibrary } from './candidate-library.js';
import { DecisionReach, type InstanceReach } from './decision-reach.js';
import type { Decisions } from './flow-graph.js';
import { groupBy } from './group-rows.js';
import type { DecisionRunningOrders, OrderReachingDecision, RunningOrders } from './impact-report.js';
import { pathAhead } from './path-ahead.js';
import { transitiveCallers } from './where-used.js';

const PAGE = 500;

/** What a change reaches among the running orders: per changed process key, and per changed decision id. */
export interface RunningOrdersReached {
  processes: Map<string, RunningOrders>;
  decisions: Map<string, DecisionRunningOrders>;
  /** Per message name asked for, the orders with a wait for it (message-catchers.ts). */
  messages: Map<string, string[]>;
}

/**
 * The running orders each changed process key and decision id reaches: the running orders are read once (a page at a
 * time) for all of them, what each instance can still reach is found once per order, and the conditions their flows
 * decide are shared.
 */
export async function runningOrders(
  store: Store, library: CandidateLibrary, changed: { keys: readonly string[]; decisionIds: readonly string[]; messageNames?: ReadonlySet<string> },
): Promise<RunningOrdersReached> {
  const calls = library.callsAfterChange();
  const targets = changed.keys.map((key) => ({
    key, callingKeys: transitiveCallers(calls, key), inside: [] as RunningOrders['inside']['orders'], willPickUp: [] as string[], couldPickUpOnChange: [] as string[],
  }));
  const decisionReach = new DecisionReach(library, changed.decisionIds);
  const willEvaluate = new Map(changed.decisionIds.map((id) => [id, [] as OrderReachingDecision[]]));
  const decisions: Decisions = new Map();
  const waitingFor = new Map([...changed.messageNames ?? []].map((name) => [name, [] as string[]]));
  for await (const { root, tree, waits } of runningTrees(store)) {
    const orderNo = root.businessKey ?? root.id;
    // an order waiting for a name in two places is one order waiting for it
    for (const name of new Set(waits.map((wait) => wait.messageName))) if (name) waitingFor.get(name)?.push(orderNo);
    let reach: Promise<InstanceReach[]> | undefined;
    // found only when asked: an order inside every changed process, with no decision changed, needs none
    const reachOfOrder = () => (reach ??= reachOf(library, tree, waits, decisions));
    for (const { key, callingKeys, inside, willPickUp, couldPickUpOnChange } of targets) {
      const running = tree.find((instance) => instance.processKey === key && instance.status === 'running');
      if (running) inside.push({ orderNo, version: running.version });
      else if (canReachCall(library, await reachOfOrder(), 'ahead', callingKeys, key)) willPickUp.push(orderNo);
      else if (canReachCall(library, await reachOfOrder(), 'reachable', callingKeys, key)) couldPickUpOnChange.push(orderNo);
    }
    if (willEvaluate.size === 0) continue;
    for (const [decisionId, reached] of await decisionReach.of(await reachOfOrder(), decisions)) willEvaluate.get(decisionId)!.push({ orderNo, ...reached });
  }
  return {
    processes: new Map(targets.map(({ key, inside, willPickUp, couldPickUpOnChange }) => [key, {
      inside: counted(inside), willPickUp: counted(willPickUp), couldPickUpOnChange: counted(couldPickUpOnChange),
    }])),
    decisions: new Map([...willEvaluate].map(([id, orders]) => [id, { willEvaluate: { count: orders.length, orders } }])),
    messages: waitingFor,
  };
}

// helpers

/**
 * Every running order with its instances and waits, a page of PAGE orders at a
 * time in three reads (roots, their instances, their waits), not two reads per
 * order: this runs in the server's thread, beside live steps.
 */
async function* runningTrees(store: Store): AsyncGenerator<{ root: InstanceRow; tree: InstanceRow[]; waits: WaitRow[] }> {
  for await (const roots of runningRoots(store)) {
    const rootIds = roots.map((root) => root.id);
    const [instances, waits] = await store.read(async (tx) => [await tx.findInstances({ rootIds }), await tx.findWaits({ rootIds })] as const);
    const trees = groupBy(instances, (instance) => instance.rootId);
    const waiting = groupBy(waits, (wait) => wait.rootId);
    for (const root of roots) yield { root, tree: trees.get(root.id) ?? [root], waits: waiting.get(root.id) ?? [] };
  }
}

/** The running roots, newest first, a page at a time. */
async function* runningRoots(store: Store): AsyncGenerator<InstanceRow[]> {
  let after: InstanceRow | undefined;
  for (;;) {
    const page = await store.read((tx) => tx.findInstances({
      status: 'running', rootOnly: true, limit: PAGE, ...(after && { after: { createdAt: after.createdAt, id: after.id } }),
    }));
    if (page.length) yield page;
    if (page.length < PAGE) return;
    after = page[page.length - 1];
  }
}

function counted<T>(orders: T[]): { count: number; orders: T[] } {
  return { count: orders.length, orders };
}

/** What each running instance of an order's tree has ahead on its path from what it waits for, and can reach through changes too. */
async function reachOf(library: CandidateLibrary, tree: InstanceRow[], waits: WaitRow[], decisions: Decisions): Promise<InstanceReach[]> {
  const reach: InstanceReach[] = [];
  for (const instance of tree) {
    if (instance.status !== 'running') continue;
    const version = await library.graph(instance.processKey, instance.version);
    const own = waits.filter((wait) => wait.instanceId === instance.id);
    const path = pathAhead(version.graph, version.orderChanges, own.map((wait) => wait.elementId), instance.variables, decisions);
    reach.push({ instance, version, waits: own, ...path });
  }
  return reach;
}

/** Whether a call with this binding, reached after the change, starts the candidate version of `key`. */
function startsNewVersion(library: CandidateLibrary, key: string, binding: CallBinding | undefined): boolean {
  const type = binding?.type ?? 'latest';
  if (type === 'latest') return true;
  // a running caller's version was deployed before, never with the candidate
  if (type === 'deployment') return false;
  return library.candidate(key)?.model.versionTag === binding!.versionTag;
}

/**
 * Whether a running instance of the tree, from what it waits for, can still
 * reach (`reachable`), or has ahead on its path (`ahead`), a call activity that
 * starts `key` or a process that (at its latest version after the change) calls it.
 */
function canReachCall(library: CandidateLibrary, reach: InstanceReach[], how: 'reachable' | 'ahead', callingKeys: Set<string>, key: string): boolean {
  for (const instanceReach of reach) {
    const { model } = instanceReach.version;
    for (const elementId of instanceReach[how]) {
      const element = model.elements.get(elementId);
      if (element?.calledProcess === key && startsNewVersion(library, key, element.binding)) return true;
      if (element?.calledProcess && callingKeys.has(element.calledProcess)) return true;
    }
  }
  return false;
}
