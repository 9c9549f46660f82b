// What-if replay: the recorded orders run again on the candidate library and
// compared with what actually happened. See docs/impact.md for what is
// recorded and what replay cannot reproduce. `replayChanges` is the work one
// thread does (all orders, or its share of them); replay-pool.ts runs it in
// worker processes and `reportOf` groups what they found.
import type { ServerRoles } from '../api.js';
import type { Store } from '../store/types.js';
import type { CandidateLibrary } from './candidate-library.js';
import { FastReplay } from './fast-replay.js';
import type { ReplayPaths, ReplayReport, RouteChange } from './impact-report.js';
import { recordedOrders, type OrderSelection } from './recorded-orders.js';
import { replayOrder } from './replay-sandbox.js';
import { compareRoutes, groupChanges } from './route-comparison.js';

/** One replayed order: its place in the selection (newest first), its number and how its route changes. */
export interface OrderChange {
  index: number;
  orderNo: string;
  change: RouteChange;
  /** Which replay gave the route: the fast path's interpreter or the bpmn-engine sandbox. */
  path: keyof ReplayPaths;
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

/** The orders of `run.shard` (default all), replayed and compared with what actually happened. */
export async function replayChanges(store: Store, library: CandidateLibrary, selection: OrderSelection, run: ReplayRun = {}): Promise<OrderChange[]> {
  const changes: OrderChange[] = [];
  const names = await elementNames(library);
  const { shard } = run;
  const chunk = shard?.chunk ?? 100;
  const mine = (index: number) => !shard || Math.floor(index / shard.chunk) % shard.count === shard.index;
  const fast = run.fast === false ? undefined : new FastReplay(library, run.serverRoles);
  for await (const { index, order } of recordedOrders(store, selection, mine)) {
    run.signal?.throwIfAborted();
    const quick = await fast?.replay(order);
    const replayed = quick ?? await replayOrder(library, order, run.serverRoles);
    changes.push({ index, orderNo: order.orderNo, change: compareRoutes(order.actual, replayed, names), path: quick ? 'fast' : 'engine' });
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
  return {
    orders: ordered.length,
    blocked: count('blocked'),
    changed: ordered.length - count('unchanged'),
    groups,
    durationMs: Math.round(durationMs),
    paths: {
      fast: ordered.filter((change) => change.path === 'fast').length,
      engine: ordered.filter((change) => change.path === 'engine').length,
    },
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
