// What the store recorded about an order, read for replay: how it started,
// every decision, job result, message, timer, incident retry, cancel (with the incidents it closed) and change request in the
// order they happened, and where it actually went (the elements it completed, its status,
// what it waits for now). Read-only.
import type { HistoryRow, InstanceRow, InstanceStatus, Store, StoreTx, WaitKind, WaitRow } from '../store/types.js';
import { ORDER_CHANGED_MESSAGE } from '../orders/order-change.js';
import { groupBy } from './group-rows.js';
import { isRecord } from '../variables/is-record.js';

export type RecordedAction =
  | { kind: 'task'; processKey: string; elementId: string; variables: Record<string, unknown>; actor: string | null; at: string }
  | { kind: 'job'; processKey: string; elementId: string; variables: Record<string, unknown>; at: string }
  | { kind: 'job-error'; processKey: string; elementId: string; errorCode: string; message: string; variables: Record<string, unknown>; at: string }
  | { kind: 'job-failed'; processKey: string; elementId: string; message: string; at: string }
  /**
   * An incident retried (POST /api/incidents/{id}/retry), at the incident's element: `job` for a job that ran out
   * of retries (it is handed out again), else a failed step (it runs again); `variables` as the retry set them.
   */
  | { kind: 'retry'; processKey: string; elementId: string; incidentId: string; job: boolean; variables?: Record<string, unknown>; actor: string | null; at: string }
  /** `receivedAt`: when a message that waited in the buffer was received (`at` is when it was delivered). */
  | { kind: 'message'; processKey: string; elementId: string; name: string; variables: Record<string, unknown>; at: string; receivedAt?: string }
  | { kind: 'timer'; processKey: string; elementId: string; at: string }
  /** `incidents`: the incidents open when the order was cancelled, which the cancel closed (each a root cause, not a caller's that follows from it). */
  | { kind: 'cancel'; at: string; incidents?: ClosedIncident[] }
  /** A change of the order was requested (four eyes: its requester is a requester of the order from then on). */
  | { kind: 'change'; changeId: string; requestedBy: string | null; at: string };

/** An incident at an element, as a cancel closed it: `job` for a job out of retries, else a failed step. */
interface ClosedIncident {
  processKey: string;
  elementId: string;
  job: boolean;
}

export interface ActualRoute {
  status: InstanceStatus;
  /** `processKey/elementId` of every element the order completed, in order. */
  completed: string[];
  /** What the order waits for now (running orders). */
  waiting: { element: string; kind: WaitKind; messageName?: string }[];
}

export interface RecordedOrder {
  orderNo: string;
  rootId: string;
  processKey: string;
  startedAt: string;
  /** Who started it (the actor of its instance.started): four eyes never lets them decide a separated task. */
  startedBy: string | null;
  /** The variables the order started with (order entry: the order as entered and converted). */
  startVariables: Record<string, unknown>;
  actions: RecordedAction[];
  actual: ActualRoute;
  /**
   * An open order's (running, or failed until a retry) instances, in the order they started: their process and
   * version. Its replay starts the same versions (started-versions.ts); an ended order has none and replays as if
   * entered now.
   */
  startedVersions?: StartedVersion[];
}

/** An instance of the order's tree: the process and the version it started on. */
interface StartedVersion {
  processKey: string;
  version: number;
}

export interface OrderSelection {
  /** The process orders start (order entry's process). */
  processKey: string;
  /** The most recent orders first; default 1,000, at most 50,000. */
  last?: number;
  /** Only orders entered at or after / before these instants (ISO 8601). */
  from?: string;
  to?: string;
  /**
   * The newest order the selection may hold (pinSelection): orders entered
   * after it are left out, so every worker of one replay deals the same list
   * even while orders keep coming in.
   */
  newest?: { createdAt: string; id: string };
}

const DEFAULT_REPLAY_ORDERS = 1000;
const MAX_REPLAY_ORDERS = 50_000;
const PAGE = 500;

/**
 * The selected orders, newest first, each with its place in the selection.
 * Read in keyset pages: a page's roots in one query, then the instances,
 * history and waits of the page's orders that `wanted` takes (a worker's
 * share) in one query each, so memory holds one page at a time.
 */
export async function* recordedOrders(
  store: Store, selection: OrderSelection, wanted: (index: number) => boolean = () => true,
): AsyncGenerator<{ index: number; order: RecordedOrder }> {
  const limit = Math.min(Math.max(1, Math.trunc(selection.last ?? DEFAULT_REPLAY_ORDERS)), MAX_REPLAY_ORDERS);
  let taken = 0;
  let after: InstanceRow | undefined;
  for (;;) {
    const page = await store.read((tx) => tx.findInstances({
      processKey: selection.processKey, rootOnly: true, limit: PAGE, ...(after && { after: { createdAt: after.createdAt, id: after.id } }),
    }));
    const selected: { index: number; root: InstanceRow }[] = [];
    let last = false;
    for (const root of page) {
      if (selection.to && root.createdAt >= selection.to) continue;
      if (selection.newest && enteredAfter(root, selection.newest)) continue;
      if (selection.from && root.createdAt < selection.from) {
        last = true;
        break;
      }
      selected.push({ index: taken, root });
      if (++taken >= limit) {
        last = true;
        break;
      }
    }
    const mine = selected.filter(({ index }) => wanted(index));
    const orders = mine.length ? await store.read((tx) => readOrders(tx, mine.map(({ root }) => root))) : [];
    for (let at = 0; at < mine.length; at++) yield { index: mine[at].index, order: orders[at] };
    if (last || page.length < PAGE) return;
    after = page[page.length - 1];
  }
}

/** The selection pinned to the newest order now: a replay's workers read it at different moments and must see the same orders. */
export async function pinSelection(store: Store, selection: OrderSelection): Promise<OrderSelection> {
  const [newest] = await store.read((tx) => tx.findInstances({ processKey: selection.processKey, rootOnly: true, limit: 1 }));
  // no order yet: none entered later joins (every entry time comes after the empty text)
  return { ...selection, newest: newest ? { createdAt: newest.createdAt, id: newest.id } : { createdAt: '', id: '' } };
}

/** Whether `root` comes before `newest` in the list order (createdAt descending, then id): entered after the pin. */
function enteredAfter(root: InstanceRow, newest: { createdAt: string; id: string }): boolean {
  return root.createdAt > newest.createdAt || (root.createdAt === newest.createdAt && root.id < newest.id);
}

/**
 * The orders of `roots` in three queries (their instances, history and waits),
 * not three per order. Of the history only the events replay reads: an order's
 * `element.entered` rows (about 23 of its 54) and the like stay in the store.
 */
async function readOrders(tx: StoreTx, roots: InstanceRow[]): Promise<RecordedOrder[]> {
  const rootIds = roots.map((root) => root.id);
  const instances = await tx.findInstances({ rootIds });
  const history = await tx.historyOf(instances.map((instance) => instance.id), { event: REPLAYED_EVENTS });
  const waits = await tx.findWaits({ rootIds });
  const rootOf = new Map(instances.map((instance) => [instance.id, instance.rootId]));
  const trees = groupBy(instances, (instance) => instance.rootId);
  const histories = groupBy(history, (row) => rootOf.get(row.instanceId) ?? '');
  const waiting = groupBy(waits, (wait) => wait.rootId);
  return roots.map((root) => orderOf(root, trees.get(root.id) ?? [root], histories.get(root.id) ?? [], waiting.get(root.id) ?? []));
}

function orderOf(root: InstanceRow, tree: InstanceRow[], history: HistoryRow[], waits: WaitRow[]): RecordedOrder {
  const keyOf = new Map(tree.map((instance) => [instance.id, instance.processKey]));
  const started = history.find((row) => row.instanceId === root.id && row.event === 'instance.started');
  const closed = closedOnCancel(history, tree, keyOf);
  return {
    orderNo: root.businessKey ?? root.id,
    rootId: root.id,
    processKey: root.processKey,
    startedAt: root.createdAt,
    startedBy: root.startedBy,
    startVariables: (started?.data?.variables as Record<string, unknown> | undefined) ?? {},
    actions: history.flatMap((row) => actionOf(row, keyOf.get(row.instanceId) ?? '', root.id))
      .map((action) => (action.kind === 'cancel' && closed.length ? { ...action, incidents: closed } : action)),
    actual: {
      status: root.status,
      completed: history.filter((row) => row.event === 'element.completed' && row.elementId)
        .map((row) => `${keyOf.get(row.instanceId)}/${row.elementId}`),
      waiting: waits.filter((wait) => wait.kind !== 'call').map((wait) => ({
        element: `${keyOf.get(wait.instanceId)}/${wait.elementId}`, kind: wait.kind, ...(wait.messageName && { messageName: wait.messageName }),
      })),
    },
    ...((root.status === 'running' || root.status === 'failed') && { startedVersions: startedVersions(tree, history) }),
  };
}

/**
 * The tree's instances in the order they started (their `instance.started` entries, history being read in `seq`
 * order), each with its version; an instance without such an entry (none is written without one) by its creation time.
 */
function startedVersions(tree: InstanceRow[], history: HistoryRow[]): StartedVersion[] {
  const startOrder = new Map<string, number>();
  for (const row of history) if (row.event === 'instance.started' && !startOrder.has(row.instanceId)) startOrder.set(row.instanceId, startOrder.size);
  const position = (instance: InstanceRow) => startOrder.get(instance.id) ?? Number.MAX_SAFE_INTEGER;
  return [...tree]
    .sort((a, b) => position(a) - position(b) || a.createdAt.localeCompare(b.createdAt))
    .map(({ processKey, version }) => ({ processKey, version }));
}

/**
 * The incidents the order's cancel closed (an order is cancelled once), root causes only: a caller's incident at a call
 * activity whose called instance's incident the cancel closed too follows from it (the replay never fails the caller).
 */
function closedOnCancel(history: HistoryRow[], tree: InstanceRow[], keyOf: Map<string, string>): ClosedIncident[] {
  const closed = history.filter((row) => row.event === 'incident.resolved' && row.data?.resolution === 'cancelled');
  const withIncident = new Set(closed.map((row) => row.instanceId));
  const followsFromChild = (row: HistoryRow) =>
    tree.some((child) => child.parentId === row.instanceId && child.parentElementId === row.elementId && withIncident.has(child.id));
  return closed.filter((row) => !followsFromChild(row))
    .map((row) => ({ processKey: keyOf.get(row.instanceId) ?? '', elementId: row.elementId ?? '', job: row.waitId != null }));
}

/**
 * The actions to replay, with the change messages as the runtime sends them now: an `OrderChanged` recorded before
 * its `change` carried `requestedAt` gets the time its change was recorded (the change action of the same change),
 * so a candidate that reads it (the raise's payment catch, messages-received-since.ts) replays older orders too.
 */
export function withChangeRequestTimes(actions: RecordedAction[]): RecordedAction[] {
  const requestedAt = new Map(actions.flatMap((action) => (action.kind === 'change' ? [[action.changeId, action.at] as const] : [])));
  return actions.map((action) => {
    if (action.kind !== 'message' || action.name !== ORDER_CHANGED_MESSAGE) return action;
    const change = action.variables.change;
    if (!change || typeof change !== 'object' || 'requestedAt' in change) return action;
    const at = requestedAt.get(textOf((change as { changeId?: unknown }).changeId));
    return at === undefined ? action : { ...action, variables: { ...action.variables, change: { ...change, requestedAt: at } } };
  });
}

/** A history field that is text, or '' (history written by older versions may lack it). */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : value == null ? '' : JSON.stringify(value);
}

/** What a history row of an action carries, as actionOf reads it. */
interface ActionRow {
  row: HistoryRow;
  data: Record<string, unknown>;
  variables: Record<string, unknown>;
  processKey: string;
  elementId: string;
  rootId: string;
}

/** The recorded actions, by the history event that records each (the only events besides ROUTE_EVENTS that replay reads). */
const ACTIONS: Record<string, (action: ActionRow) => RecordedAction[]> = {
  'task.completed': ({ row, processKey, elementId, variables }) => [{ kind: 'task', processKey, elementId, variables, actor: row.actor, at: row.at }],
  'job.completed': ({ row, processKey, elementId, variables }) => [{ kind: 'job', processKey, elementId, variables, at: row.at }],
  'job.error-thrown': ({ row, data, processKey, elementId, variables }) =>
    [{ kind: 'job-error', processKey, elementId, errorCode: String(data.errorCode), message: textOf(data.message), variables, at: row.at }],
  'job.failed': ({ row, data, processKey, elementId }) =>
    data.retries === 0 ? [{ kind: 'job-failed', processKey, elementId, message: textOf(data.message), at: row.at }] : [],
  'message.correlated': ({ row, data, processKey, elementId, variables }) =>
    [{ kind: 'message', processKey, elementId, name: textOf(data.name), variables, at: row.at, ...(typeof data.receivedAt === 'string' && { receivedAt: data.receivedAt }) }],
  // a caller's incident resolved with its child's (rootCauseIncidentId) is no retry of its own: the replay never failed the caller;
  // one closed by the order's cancel goes with the cancel (closedOnCancel)
  'incident.resolved': ({ row, data, processKey, elementId }) => (data.resolution === 'retried' && data.rootCauseIncidentId === undefined
    ? [{
      kind: 'retry', processKey, elementId, incidentId: textOf(data.incidentId), job: row.waitId != null || data.retries !== undefined,
      ...(isRecord(data.variables) && { variables: data.variables }), actor: row.actor, at: row.at,
    }]
    : []),
  'timer.fired': ({ row, processKey, elementId }) => [{ kind: 'timer', processKey, elementId, at: row.at }],
  'instance.cancelled': ({ row, rootId }) => (row.instanceId === rootId ? [{ kind: 'cancel', at: row.at }] : []),
  'order.changed': ({ row, data }) => [{ kind: 'change', changeId: textOf(data.changeId), requestedBy: row.actor, at: row.at }],
};

/** How the order started and where it went (orderOf). */
const ROUTE_EVENTS = ['instance.started', 'element.completed'];

/** Every history event replay reads; the store leaves the others out of its answer. */
const REPLAYED_EVENTS: readonly string[] = [...ROUTE_EVENTS, ...Object.keys(ACTIONS)];

function actionOf(row: HistoryRow, processKey: string, rootId: string): RecordedAction[] {
  const action = Object.hasOwn(ACTIONS, row.event) ? ACTIONS[row.event] : undefined;
  if (!action) return [];
  const data = row.data ?? {};
  const variables = (data.variables as Record<string, unknown> | undefined) ?? {};
  return action({ row, data, variables, processKey, elementId: row.elementId ?? '', rootId });
}
