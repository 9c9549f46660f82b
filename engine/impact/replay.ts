// What-if replay: the recorded orders run again on the candidate library and
// compared with what actually happened, or, for an order that ran on an older
// version, with its replay on the library as deployed now. See docs/impact.md for what is
// recorded and what replay cannot reproduce. `replayChanges` is the work one
// thread does (all orders, or its share of them); replay-pool.ts runs it in
// worker processes and `reportOf` groups what they found.
import type { ServerRoles } from '../api.js';
import type { Store } from '../store/types.js';
import type { CandidateLibrary } from './candidate-library.js';
import type { ReplayPaths, ReplayReport, RouteChange } from './impact-report.js';
import { recordedOrders, type OrderSelection } from './recorded-orders.js';
import { LibraryReplay } from './library-replay.js';
import { compareRoutes, compareWithBaseline, groupChanges, UNCHANGED } from './route-comparison.js';

/** One replayed order: its place in the selection (newest first), its number and how its route changes. */
export interface OrderChange {
  index: number;
  orderNo: string;
  /** How the change alters its route: against the deployed library's replay where that differs from what happened. */
  change: RouteChange;
  /** Which replay gave the route: the fast path's interpreter or the bpmn-engine sandbox. */
  path: keyof ReplayPaths;
  /** Replayed on the deployed library too (its replay after the change differs from what happened). */
  baseline?: true;
  /** How the deployed library's replay differs from what happened: the order ran on an older version. */
  ranOnOlderVersion?: RouteChange;
}

/**
 * A thread's share of the selection: the orders in chunks `index`, `index + count`, …
 * of `chunk` orders each (counted in the selection's order, newest first).
 */
export interface ReplayShard {
  index: number;
  count: number;
  chunk: number;
}

export interface ReplayRun {
  shard?: ReplayShard;
  /** Checked between orders: an aborted replay stops at the next order. */
  signal?: AbortSignal;
  /** Told after each chunk of orders (the worker reports progress with it). */
  progress?: (orders: number) => void;
  /** false: every order on bpmn-engine (default: the fast path where the library supports it). */
  fast?: boolean;
  /** The runtime's server roles (StratumOptions.serverRoles): an assignment expression giving one raises the runtime's incident. */
  serverRoles?: ServerRoles;
}

/** Every selected order, replayed and compared, in one thread. */
export async function replayOrders(store: Store, library: CandidateLibrary, selection: OrderSelection, run: ReplayRun = {}): Promise<ReplayReport> {
  const began = performance.now();
  const changes = await replayChanges(store, library, selection, run);
  return reportOf(changes, performance.now() - began);
}

/**
 * The orders of `run.shard` (default all), replayed and compared with what actually happened. An order whose
 * replay after the change differs from that is replayed on the deployed library too (the baseline): if that
 * differs from what happened as well, the order ran on an older version, and only what the change alters
 * against the baseline is the change's (docs/impact.md, "Baseline"). The others need no second replay.
 */
export async function replayChanges(store: Store, library: CandidateLibrary, selection: OrderSelection, run: ReplayRun = {}): Promise<OrderChange[]> {
  const changes: OrderChange[] = [];
  const names = await elementNames(library);
  const { shard } = run;
  const chunk = shard?.chunk ?? 100;
  const mine = (index: number) => !shard || Math.floor(index / shard.chunk) % shard.count === shard.index;
  const options = { fast: run.fast !== false, ...(run.serverRoles && { serverRoles: run.serverRoles }) };
  const candidate = new LibraryReplay(library, options);
  let deployed: LibraryReplay | undefined;
  for await (const { index, order } of recordedOrders(store, selection, mine)) {
    run.signal?.throwIfAborted();
    const replayed = await candidate.replay(order);
    const change = compareRoutes(order.actual, replayed.route, names);
    const done = { index, orderNo: order.orderNo, change, path: replayed.path };
    if (change.kind === 'unchanged') {
      changes.push(done);
    } else if (!library.changes) {
      // a file deployed as it is: the replay after it is the deployed library's, so any difference is an older version's
      changes.push({ ...done, change: UNCHANGED, ranOnOlderVersion: change });
    } else {
      deployed ??= new LibraryReplay(library.withoutChange(), options);
      const baseline = await deployed.replay(order);
      const onDeployed = compareRoutes(order.actual, baseline.route, names);
      changes.push(onDeployed.kind === 'unchanged'
        ? { ...done, baseline: true }
        : { ...done, change: compareWithBaseline(order.actual, baseline.route, replayed.route, names), baseline: true, ranOnOlderVersion: onDeployed });
    }
    if (changes.length % chunk === 0) run.progress?.(changes.length);
  }
  run.signal?.throwIfAborted();
  return changes;
}

/** Groups replayed orders (from any number of threads) in the selection's order. */
export function reportOf(changes: OrderChange[], durationMs: number): ReplayReport {
  const ordered = [...changes].sort((a, b) => a.index - b.index);
  const groups = groupChanges(ordered);
  const count = (kind: string) => groups.filter((group) => group.kind === kind).reduce((sum, group) => sum + group.count, 0);
  const older = ordered.flatMap(({ orderNo, ranOnOlderVersion }) => (ranOnOlderVersion ? [{ orderNo, change: ranOnOlderVersion }] : []));
  return {
    orders: ordered.length,
    blocked: count('blocked'),
    changed: ordered.length - count('unchanged'),
    groups,
    ranOnOlderVersion: { count: older.length, groups: groupChanges(older) },
    durationMs: Math.round(durationMs),
    paths: {
      fast: ordered.filter((change) => change.path === 'fast').length,
      engine: ordered.filter((change) => change.path === 'engine').length,
    },
    baselineReplays: ordered.filter((change) => change.baseline).length,
  };
}

/** `processKey/elementId` → `"name"` (or the id) and its BPMN type, from the latest models after the change and the versions before. */
async function elementNames(library: CandidateLibrary): Promise<(element: string) => { label: string; type: string }> {
  const known = new Map<string, { label: string; type: string }>();
  const versions = [
    ...library.deployed.map((row) => [row.key, row.version] as const),
    ...library.candidates.map((candidate) => [candidate.key, candidate.version] as const),
  ];
  for (const [key, version] of versions) {
    const { model } = await library.graph(key, version);
    for (const info of model.elements.values()) known.set(`${key}/${info.id}`, { label: `"${info.name ?? info.id}"`, type: info.type });
  }
  return (element) => known.get(element) ?? { label: element, type: '' };
}
