// Running orders a change reaches. Those with an instance of the changed
// process running stay on their version (a running instance never changes
// version). Those that have not yet reached a call to it, but can still reach
// one from where they wait, will start the new version (latest binding; a
// versionTag binding when the new version carries that tag; never a
// deployment binding).
import type { CallBinding } from '../bpmn/process-model.js';
import type { InstanceRow, Store, WaitRow } from '../store/types.js';
import type { CandidateLibrary } from './candidate-library.js';
import { reachableFrom, type Decisions } from './flow-graph.js';
import { groupBy } from './group-rows.js';
import type { RunningOrders } from './impact-report.js';
import { transitiveCallers } from './where-used.js';

const PAGE = 500;

/**
 * The running orders each of `keys` reaches, keyed by process: the running orders are read once (a page at a
 * time) for all of them, and the conditions their flows decide are shared.
 */
export async function runningOrders(store: Store, library: CandidateLibrary, keys: readonly string[]): Promise<Map<string, RunningOrders>> {
  const calls = library.callsAfterChange();
  const targets = keys.map((key) => ({ key, callingKeys: transitiveCallers(calls, key), inside: [] as RunningOrders['inside']['orders'], willPickUp: [] as string[] }));
  const decisions: Decisions = new Map();
  for await (const { root, tree, waits } of runningTrees(store)) {
    const orderNo = root.businessKey ?? root.id;
    for (const { key, callingKeys, inside, willPickUp } of targets) {
      const running = tree.find((instance) => instance.processKey === key && instance.status === 'running');
      if (running) inside.push({ orderNo, version: running.version });
      else if (await canReachCall(library, tree, waits, callingKeys, key, decisions)) willPickUp.push(orderNo);
    }
  }
  return new Map(targets.map(({ key, inside, willPickUp }) => [key, { inside: { count: inside.length, orders: inside }, willPickUp: { count: willPickUp.length, orders: willPickUp } }]));
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

/** Whether a call with this binding, reached after the change, starts the candidate version of `key`. */
function startsNewVersion(library: CandidateLibrary, key: string, binding: CallBinding | undefined): boolean {
  const type = binding?.type ?? 'latest';
  if (type === 'latest') return true;
  // a running caller's version was deployed before, never with the candidate
  if (type === 'deployment') return false;
  return library.candidate(key)?.model.versionTag === binding!.versionTag;
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

/**
 * Whether a running instance of the tree, from what it waits for, can still
 * reach a call activity that starts `key` or a process that (at its latest
 * version after the change) calls it.
 */
async function canReachCall(
  library: CandidateLibrary, tree: InstanceRow[], waits: WaitRow[], callingKeys: Set<string>, key: string, decisions: Decisions,
): Promise<boolean> {
  for (const instance of tree) {
    if (instance.status !== 'running') continue;
    const { model, graph } = await library.graph(instance.processKey, instance.version);
    const from = waits.filter((wait) => wait.instanceId === instance.id).map((wait) => wait.elementId);
    for (const elementId of reachableFrom(graph, from, instance.variables, decisions)) {
      const element = model.elements.get(elementId);
      if (element?.calledProcess === key && startsNewVersion(library, key, element.binding)) return true;
      if (element?.calledProcess && callingKeys.has(element.calledProcess)) return true;
    }
  }
  return false;
}
