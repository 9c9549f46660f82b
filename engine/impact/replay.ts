// What-if replay: the recorded orders run again on the candidate library and
// compared with what actually happened. See docs/impact.md for what is
// recorded and what replay cannot reproduce.
import type { Store } from '../store/types.js';
import type { CandidateLibrary } from './candidate-library.js';
import { recordedOrders, type OrderSelection } from './recorded-orders.js';
import { replayOrder } from './replay-sandbox.js';
import { compareRoutes, groupChanges, type ReplayGroup } from './route-comparison.js';

export interface ReplayReport {
  orders: number;
  /** Orders whose replay blocks: the change needs something that was never recorded, or refuses what was. */
  blocked: number;
  changed: number;
  groups: ReplayGroup[];
  durationMs: number;
}

export async function replayOrders(store: Store, library: CandidateLibrary, selection: OrderSelection): Promise<ReplayReport> {
  const began = performance.now();
  const changes: Parameters<typeof groupChanges>[0] = [];
  const names = await elementNames(library);
  for await (const order of recordedOrders(store, selection)) {
    const replayed = await replayOrder(library, order);
    changes.push({ orderNo: order.orderNo, change: compareRoutes(order.actual, replayed, names) });
  }
  const groups = groupChanges(changes);
  const count = (kind: string) => groups.filter((group) => group.kind === kind).reduce((sum, group) => sum + group.count, 0);
  return {
    orders: changes.length,
    blocked: count('blocked'),
    changed: changes.length - count('unchanged'),
    groups,
    durationMs: Math.round(performance.now() - began),
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
