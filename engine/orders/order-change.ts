// Changes to a running order: what is valid (the order runs and has not
// shipped, the amount fits the order's currency), the change as recorded, the
// `OrderChanged` message that hands it to the order process, and the change's
// status as the process settles it. The runtime runs each in a transaction
// (runtime.changeOrder, and after every step); the order process decides what
// a change needs (docs/modelling.md, "Changes to a running order").
import type { MessageRequest, OrderChangeAcknowledgement, OrderChangeRequest, OrderChangesView, OrderChangeStep, OrderChangeView } from '../api.js';
import { conflict, notFound, StratumError } from '../errors.js';
import type { ProcessModel } from '../bpmn/process-model.js';
import { convertOrderAmount } from '../money/conversion.js';
import { compare, formatDecimal, multiply, parseDecimal, roundHalfUp, type Decimal } from '../money/decimal.js';
import type { RateTable } from '../money/rate-table.js';
import { isDotSegment } from './order-entry.js';
import { orderFailed } from './order-failed.js';
import { openChangesOf } from './order-holds.js';
import { endedOrderStatus } from './order-status.js';
import { OPEN_CHANGE_STATUSES } from '../store/order-change-rows.js';
import type { CallerRoute, HistoryRow, InstanceRow, OrderChangeRow, OrderChangeStatus, OrderRow, StoreTx } from '../store/types.js';

/** The engine's own message: only runtime.changeOrder sends it, never a client. */
export const ORDER_CHANGED_MESSAGE = 'OrderChanged';
/** The one variable the message carries: the change as recorded (the process maps what it needs of it). */
export const ORDER_CHANGE_VARIABLE = 'change';
/** A change waits in the message buffer while the order handles an earlier one: keep it as long as a message may be kept. */
const ORDER_CHANGE_TIME_TO_LIVE = 'P366D';
/** The payment terms of a prepaid order, which a payment covers instead of an approval. */
const PREPAID_TERMS: readonly string[] = ['prepaid-at-entry', 'prepaid-at-shipment'];
/** The message that pays a prepaid order (its own catch, and a raise's). */
const PAYMENT_MESSAGE = 'PaymentReceived';
/** The job type whose completion means the goods have left: no change after it. */
const SHIPPING_JOB_TYPE = 'shipping';

/** The statuses a process may set with `zeebe:property name="orderChange"`; the last three settle the change. */
const SETTLING: readonly OrderChangeStatus[] = ['accepted', 'approved', 'rejected'];
const PROCESS_STATUSES: readonly OrderChangeStatus[] = ['acknowledged', ...SETTLING];

export interface RecordedChange {
  row: OrderChangeRow;
  created: boolean;
  /** The order's root instance. */
  instanceId: string;
  /** The message to correlate for a new change. */
  message?: MessageRequest;
}

/**
 * Checks and records a change to the order `orderNo` (in the caller's
 * transaction, with the order's business key locked).
 */
export async function recordOrderChange(tx: StoreTx, orderNo: string, request: OrderChangeRequest,
  context: {
    actor: string; via: CallerRoute; rates: RateTable; now: string; changeId: string; catchesChanges: (tree: InstanceRow[]) => Promise<boolean>;
    /** Told of a refusal of the order's state (shipped, ended, failed, not changeable) before it is thrown, to keep it. */
    refusing?: (refusal: StratumError) => void;
  }): Promise<RecordedChange> {
  const order = await tx.getOrder(orderNo);
  if (!order) throw notFound(`no order ${orderNo}`);
  const changes = await tx.orderChanges(orderNo);
  const requestHash = JSON.stringify({ description: request.description, amount: request.amount ?? null });
  const changeId = request.changeId ?? context.changeId;
  const earlier = changes.find((change) => change.changeId === changeId);
  if (earlier) {
    if (earlier.requestHash === requestHash) return { row: earlier, created: false, instanceId: order.instanceId };
    throw conflict(`change ${changeId} of order ${orderNo} was already requested with another description or amount`, {
      problem: 'change-exists', reason: 'change-exists', changeId,
    });
  }
  // as for an order number: /api/orders/{orderNo}/changes/.. is the order, so the change's Location could never name it
  if (isDotSegment(changeId)) throw invalid(orderNo, '/changeId', `may not be ${changeId}: in a URL path it is a relative segment, so /api/orders/{orderNo}/changes/{changeId} could never name the change`);
  const refusal = await orderStateRefusal(tx, order, context.catchesChanges);
  if (refusal) {
    context.refusing?.(refusal);
    throw refusal;
  }
  const description = typeof request.description === 'string' ? request.description.trim() : '';
  if (!description) throw invalid(orderNo, '/description', 'must be a non-empty text');
  let amount: string | null = null;
  let reportingAmount: string | null = null;
  let exchangeRate: Decimal | null = null;
  if (request.amount !== undefined) {
    const money = convertOrderAmount(request.amount, order.currency, context.rates, context.now.slice(0, 10));
    if (!money.ok) {
      const problems = money.problems.map((problem) => ({ ...problem, message: problem.field === '/currency' ? `the order's currency ${order.currency}: ${problem.message}` : problem.message }));
      throw new StratumError('invalid', `change of order ${orderNo} is refused: ${problems.map((p) => `${p.field.slice(1)} ${p.message}`).join('; ')}`, {
        errors: problems.map((problem) => ({ ...problem, field: '/amount' })),
      });
    }
    amount = formatDecimal(money.conversion.amount);
    reportingAmount = formatDecimal(money.conversion.reportingAmount);
    exchangeRate = money.conversion.exchangeRate;
  }
  const row: OrderChangeRow = {
    orderNo, changeId, seq: changes.length + 1, description, amount, reportingAmount, status: 'open', requestHash,
    requestedBy: context.actor, requestedAt: context.now, settledAt: null,
  };
  await tx.insertOrderChange(row);
  // what the change would change, from what: the amount in force when it was requested (an auditor reads the change
  // as from → to without replaying the order's earlier changes and which of them were accepted)
  const inForce = amountInForce(order, changes);
  await tx.appendHistory([{
    instanceId: order.instanceId, at: context.now, actor: context.actor, event: 'order.changed', elementId: null, elementType: null, waitId: null,
    data: {
      changeId, seq: row.seq, description, amount, currency: order.currency, reportingAmount,
      previousAmount: inForce.amount, previousReportingAmount: inForce.reportingAmount,
    },
    via: context.via,
  }]);
  const changeReportingAmount = reportingAmount ?? inForce.reportingAmount;
  const change = {
    changeId,
    description,
    amount: amount === null ? null : Number(amount),
    // A change without an amount keeps the amount in force, so the process compares numbers either way.
    reportingAmount: Number(changeReportingAmount),
    approvedReportingAmount: Number(await coveredReportingAmount(tx, order, changes, {
      reportingAmount: changeReportingAmount, ...(amount !== null && exchangeRate && { amount, exchangeRate }),
    }, context.rates.reportingCurrency.minorUnits, context.now)),
    // when the change was recorded: a payment for a raise must be received since (messages-received-since.ts)
    requestedAt: context.now,
  };
  return {
    row, created: true, instanceId: order.instanceId,
    message: { name: ORDER_CHANGED_MESSAGE, businessKey: orderNo, variables: { [ORDER_CHANGE_VARIABLE]: change }, actor: context.actor, via: context.via, timeToLive: ORDER_CHANGE_TIME_TO_LIVE },
  };
}

/**
 * 409 while the order `instance` belongs to has an open change: the job (which
 * lockJobs would not hand out now) may not move the order past its next control
 * point, not even by a worker that locked it before the change, or by its id
 * without fetching it. The caller holds the order's lock, as recording a change
 * does: otherwise a change checked as "not shipped" and the shipping job checked
 * as "no change open" could both commit on two servers.
 */
export async function refuseJobWhileChangeOpen(tx: StoreTx, instance: InstanceRow, jobId: string): Promise<void> {
  if (!instance.businessKey) return;
  const open = await openChangesOf(tx, instance.businessKey);
  if (!open.length) return;
  const which = open.map((change) => `${change.changeId} (${change.status})`).join(', ');
  throw conflict(`job ${jobId} is held: order ${instance.businessKey} has an open change ${which}; its jobs move on once every change is acknowledged and, if its amount needs it, approved`, {
    problem: 'order-change-open', reason: 'order-change-open', businessKey: instance.businessKey, changeId: open[0].changeId,
  });
}

/** The word a client's OrderChanged is refused and kept under. */
export const ENGINE_MESSAGE = 'engine-message';

/** Refuses the engine's own message from a client. */
export function refuseOrderChangedMessage(name: string): void {
  if (name !== ORDER_CHANGED_MESSAGE) return;
  throw new StratumError('forbidden',
    `${ORDER_CHANGED_MESSAGE} is the engine's own message: changes to an order are requested with POST /api/orders/{orderNo}/changes, which records them`,
    { reason: ENGINE_MESSAGE });
}

/**
 * A step reached elements with `zeebe:property name="orderChange"`: the change
 * the order handles (the one its latest `OrderChanged` brought) takes that
 * status, and the history says so.
 */
export async function settleOrderChanges(tx: StoreTx, model: ProcessModel, instance: InstanceRow, history: HistoryRow[], actor: string | null, now: string): Promise<void> {
  const statuses = history
    .filter((entry) => entry.event === 'element.completed' && entry.elementId)
    .map((entry) => model.elements.get(entry.elementId!)?.orderChange)
    .filter((status): status is OrderChangeStatus => (PROCESS_STATUSES as readonly string[]).includes(status ?? ''));
  if (!statuses.length || !instance.businessKey) return;
  const changeId = await handledChangeId(tx, instance);
  if (changeId === undefined) return;
  let row = (await tx.orderChanges(instance.businessKey)).find((change) => change.changeId === changeId);
  const entries: HistoryRow[] = [];
  for (const status of statuses) {
    if (!row || !OPEN_CHANGE_STATUSES.includes(row.status)) break;
    row = { ...row, status, settledAt: SETTLING.includes(status) ? now : null };
    await tx.updateOrderChange(row);
    entries.push({
      instanceId: instance.id, at: now, actor, event: `order.change-${status}`, elementId: null, elementType: null, waitId: null,
      data: { changeId, seq: row.seq, amount: row.amount, reportingAmount: row.reportingAmount },
    });
  }
  await tx.appendHistory(entries);
}

/**
 * The order's root instance `root` has ended (rejected, fulfilled, cancelled) with changes still open: each lapses,
 * settled now with an `order.change-lapsed` entry. Nothing acknowledges or approves them any more (the change loop
 * ended with the order), and open they said the order waited for them, so a CRM polling a change's URL until it is
 * settled polled for ever. A failed order keeps them: its retry puts it back on its way.
 */
export async function lapseOpenChanges(tx: StoreTx, root: InstanceRow, actor: string | null, now: string): Promise<void> {
  if (root.parentId !== null || !root.businessKey || root.status === 'running' || root.status === 'failed') return;
  if ((await tx.getOrder(root.businessKey))?.instanceId !== root.id) return;
  const entries: HistoryRow[] = [];
  for (const change of await openChangesOf(tx, root.businessKey)) {
    await tx.updateOrderChange({ ...change, status: 'lapsed', settledAt: now });
    entries.push({
      instanceId: root.id, at: now, actor, event: 'order.change-lapsed', elementId: null, elementType: null, waitId: null,
      data: { changeId: change.changeId, seq: change.seq, amount: change.amount, reportingAmount: change.reportingAmount, orderStatus: root.status },
    });
  }
  await tx.appendHistory(entries);
}

/** An order's instance tree and the history entries the changes view reads from it, read once for both of its parts. */
export interface ChangeHistory {
  tree: InstanceRow[];
  entries: HistoryRow[];
}

/** The order's instance tree and the entries of its history that say who moved its changes on. */
export async function changeHistory(tx: StoreTx, order: OrderRow): Promise<ChangeHistory> {
  const tree = await tx.findInstances({ rootId: order.instanceId });
  const ids = [...new Set([order.instanceId, ...tree.map((instance) => instance.id)])];
  const events = ['message.correlated', 'task.completed', ...SETTLED_STATUSES.map((status) => `order.change-${status}`)];
  return { tree, entries: await tx.historyOf(ids, { event: events }) };
}

/**
 * Who moved each change on and when, read from the `order.change-*` entries in the history of the order's tree
 * (an entry names its change by `changeId`); by change id.
 */
export function changeSteps({ entries }: ChangeHistory): Map<string, OrderChangeStep[]> {
  const steps = new Map<string, OrderChangeStep[]>();
  for (const entry of entries) {
    const changeId = entry.data?.changeId;
    if (!entry.event.startsWith('order.change-') || typeof changeId !== 'string') continue;
    const status = entry.event.slice('order.change-'.length) as OrderChangeStep['status'];
    steps.set(changeId, [...(steps.get(changeId) ?? []), { status, by: entry.actor, at: entry.at }]);
  }
  return steps;
}

/** The candidate groups a task element declares, as its deployed model says; empty when it names none. */
export type TaskGroupsOf = (instance: InstanceRow, elementId: string) => Promise<string[]>;

/**
 * Every acknowledgement of each change, oldest first, by change id: the `task.completed` entries in the instances
 * started for the change by the call activity its `OrderChanged` delivery reached (the first call of the delivering
 * instance whose `changeId` variable names it, started from that delivery on and, once the change was acknowledged,
 * no later than that; other calls of that instance inheriting the changeId, such as the order's own credit approval,
 * do not count), and below them, up to
 * its `order.change-acknowledged`. A completion that sent `acknowledged: false` ("not acknowledged yet": the task
 * comes back) is not an acknowledgement. Read from the history and the instances, so an open change lists the ones
 * it has so far.
 */
export async function changeAcknowledgements({ tree, entries }: ChangeHistory, groupsOf: TaskGroupsOf): Promise<Map<string, OrderChangeAcknowledgement[]>> {
  const byId = new Map(tree.map((instance) => [instance.id, instance]));
  const acknowledgedAt = new Map<string, string>();
  for (const entry of entries) {
    if (entry.event === 'order.change-acknowledged' && typeof entry.data?.changeId === 'string') acknowledgedAt.set(entry.data.changeId, entry.at);
  }
  const below = (instance: InstanceRow, ancestorId: string): boolean => {
    for (let parent = instance.parentId; parent !== null; parent = byId.get(parent)?.parentId ?? null) if (parent === ancestorId) return true;
    return false;
  };
  const acknowledgements = new Map<string, OrderChangeAcknowledgement[]>();
  for (const delivery of entries) {
    if (delivery.event !== 'message.correlated' || delivery.data?.name !== ORDER_CHANGED_MESSAGE) continue;
    const changeId = (delivery.data.variables as { change?: { changeId?: unknown } } | undefined)?.change?.changeId;
    if (typeof changeId !== 'string') continue;
    const until = acknowledgedAt.get(changeId);
    // the call activity the delivery reached is the first one of the delivery's instance started from it on for the
    // change; only what it started counts: another call of that instance inherits the changeId while the change is
    // open (the order's own credit approval, once an entry-time special change is acknowledged), but is no
    // acknowledgement of it
    const calls = tree.filter((instance) => instance.parentId === delivery.instanceId && instance.variables.changeId === changeId
      && instance.createdAt >= delivery.at && (until === undefined || instance.createdAt <= until))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const reached = calls[0]?.parentElementId;
    const tops = calls.filter((instance) => instance.parentElementId === reached);
    const started = new Set(tree.filter((instance) => instance.variables.changeId === changeId
      && tops.some((top) => top.id === instance.id || below(instance, top.id))).map((instance) => instance.id));
    const listed: OrderChangeAcknowledgement[] = [];
    for (const entry of entries) {
      if (entry.event !== 'task.completed' || !started.has(entry.instanceId) || (until !== undefined && entry.at > until)) continue;
      if ((entry.data?.variables as Record<string, unknown> | undefined)?.acknowledged === false) continue;
      const groups = entry.elementId ? await groupsOf(byId.get(entry.instanceId)!, entry.elementId) : [];
      listed.push({ by: entry.actor, groups, task: entry.elementId, name: typeof entry.data?.name === 'string' ? entry.data.name : null, at: entry.at });
    }
    acknowledgements.set(changeId, listed);
  }
  return acknowledgements;
}

/** The statuses a step moves a change to, each with its `order.change-<status>` history entry. */
const SETTLED_STATUSES: readonly OrderChangeStep['status'][] = ['acknowledged', 'accepted', 'approved', 'rejected', 'lapsed'];

export function orderChangesView(
  order: OrderRow, changes: OrderChangeRow[], steps?: Map<string, OrderChangeStep[]>, acknowledgements?: Map<string, OrderChangeAcknowledgement[]>,
): OrderChangesView {
  const inForce = amountInForce(order, changes);
  return {
    orderNo: order.orderNo,
    instanceId: order.instanceId,
    changed: changes.length > 0,
    currency: order.currency,
    amount: inForce.amount,
    reportingAmount: inForce.reportingAmount,
    reportingCurrency: order.reportingCurrency,
    changes: changes.map((row) => ({
      ...changeView(row),
      ...(steps && { settledBy: steps.get(row.changeId) ?? [] }),
      ...(acknowledgements && { acknowledgedBy: acknowledgements.get(row.changeId) ?? [] }),
    })),
  };
}

export function changeView(row: OrderChangeRow): OrderChangeView {
  return {
    changeId: row.changeId,
    seq: row.seq,
    description: row.description,
    amount: row.amount,
    reportingAmount: row.reportingAmount,
    status: row.status,
    open: OPEN_CHANGE_STATUSES.includes(row.status),
    requestedBy: row.requestedBy,
    requestedAt: row.requestedAt,
    settledAt: row.settledAt,
  };
}

// helpers

/** The amount as entered, or as the last accepted or approved change with an amount set it. */
function amountInForce(order: OrderRow, changes: OrderChangeRow[]): { amount: string; reportingAmount: string } {
  const last = changes.filter((change) => change.amount !== null && (change.status === 'accepted' || change.status === 'approved')).at(-1);
  return last ? { amount: last.amount!, reportingAmount: last.reportingAmount! } : { amount: order.amount, reportingAmount: order.reportingAmount };
}

/**
 * What the order's approvals or payments already cover, which a raise is compared with (`approvedReportingAmount`).
 * A credit order: the highest amount in force so far (its own approval covers the amount entered, whatever changed
 * before it ran); the tiers are amounts in the reporting currency, so the comparison is too.
 *
 * A prepaid order: what its payments cover, which is money in the order's currency (121,000 EUR paid does not pay
 * 124,000 EUR because the euro fell), given in the reporting currency at the rate the change was converted at, so that
 * the process compares the change's amount and what is paid at one rate. Once paid: the highest amount in force when
 * a payment came, since a payment pays the order as it then stands — an order of 5,000,000 lowered to 80,000 before
 * its payment has paid 80,000, and a raise back to 5,000,000 is paid for again, never taken as covered because it was
 * once entered. Before the first payment: the lowest amount the order may stand at when that payment comes before
 * this change is in force, the amount in force now or less where an earlier change still open lowers it; the highest
 * amount so far would let a raise back to 5,000,000, asked for while unpaid and paid 80,000 while it was being
 * acknowledged, come into force unpaid. (Every amount in force when a payment came is fixed once it came, so what a
 * paid order's payments cover only grows between a change's request and its handling; before the first payment
 * nothing is fixed, hence the lower bound.) A payment came when it was received: one the order keeps because nothing
 * waited for it yet (its special change at entry still being acknowledged) is a payment from then on, of the amount
 * then in force; counted only once taken, it left the order unpaid, so a raise back to the amount entered was
 * covered and the order then took the payment sent for the lowered amount as the whole order's. A payment taken later
 * pays what stands when it is taken too: taken by a raise's catch, the raise it puts in force in the same step. A
 * change without an amount raises nothing: it is compared with itself.
 */
async function coveredReportingAmount(tx: StoreTx, order: OrderRow, changes: OrderChangeRow[],
  change: { reportingAmount: string; amount?: string; exchangeRate?: Decimal }, reportingMinorUnits: number, now: string): Promise<string> {
  if (!PREPAID_TERMS.includes(String(order.order.paymentTerms))) return highestApprovedReportingAmount(order, changes);
  if (change.amount === undefined || !change.exchangeRate) return change.reportingAmount;
  const paid = await paidAmount(tx, order, changes, now);
  return formatDecimal(roundHalfUp(multiply(parseDecimal(paid)!, change.exchangeRate), reportingMinorUnits));
}

/** What a prepaid order's payments cover, in the order's currency (see coveredReportingAmount). */
async function paidAmount(tx: StoreTx, order: OrderRow, changes: OrderChangeRow[], now: string): Promise<string> {
  const paidAt = await paymentInstants(tx, order, now);
  if (!paidAt.length) return lowestAmountBeforeSettled(order, changes);
  let covered = amountInForceAt(order, changes, paidAt[0]);
  for (const at of paidAt.slice(1)) {
    const then = amountInForceAt(order, changes, at);
    if (compare(parseDecimal(then)!, parseDecimal(covered)!) > 0) covered = then;
  }
  return covered;
}

/**
 * The instants at which the order's payments stood for the amount then in force: when each was received and, for
 * one a catch took, when it was taken (a kept one's `receivedAt` and its delivery); those the order keeps for its
 * next catch until their time-to-live ends count from when they were received (`message.buffered`).
 */
async function paymentInstants(tx: StoreTx, order: OrderRow, now: string): Promise<string[]> {
  const tree = await tx.findInstances({ rootId: order.instanceId });
  const entries = (await tx.historyOf(tree.map((member) => member.id), { event: ['message.correlated', 'message.buffered'] }))
    .filter((entry) => entry.data?.name === PAYMENT_MESSAGE);
  return entries.flatMap((entry) => {
    if (entry.event === 'message.buffered') return String(entry.data!.expiresAt) > now ? [entry.at] : [];
    return typeof entry.data!.receivedAt === 'string' ? [entry.data!.receivedAt, entry.at] : [entry.at];
  });
}

/** The amount in force at `at`, in the order's currency: the entered one, or that of the last change with an amount settled by then. */
function amountInForceAt(order: OrderRow, changes: OrderChangeRow[], at: string): string {
  const settled = changes.filter((change) => change.amount !== null && (change.status === 'accepted' || change.status === 'approved')
    && change.settledAt !== null && change.settledAt <= at);
  return settled.at(-1)?.amount ?? order.amount;
}

/**
 * The lowest amount, in the order's currency, the order may stand at before a change asked for now comes into force:
 * the amount in force, or that of an earlier change still open (handled first, so it may be in force by then).
 */
function lowestAmountBeforeSettled(order: OrderRow, changes: OrderChangeRow[]): string {
  let lowest = amountInForce(order, changes).amount;
  for (const change of changes) {
    if (change.amount === null || !OPEN_CHANGE_STATUSES.includes(change.status)) continue;
    if (compare(parseDecimal(change.amount)!, parseDecimal(lowest)!) < 0) lowest = change.amount;
  }
  return lowest;
}

/** The highest reporting amount in force so far: a lower change never lowers the tier already approved. */
function highestApprovedReportingAmount(order: OrderRow, changes: OrderChangeRow[]): string {
  let highest = order.reportingAmount;
  for (const change of changes) {
    if (change.reportingAmount === null || (change.status !== 'accepted' && change.status !== 'approved')) continue;
    if (compare(parseDecimal(change.reportingAmount)!, parseDecimal(highest)!) > 0) highest = change.reportingAmount;
  }
  return highest;
}

/**
 * The change the instance's loop handles: the one its latest `OrderChanged` brought, as its history recorded the
 * delivery. Not the `changeId` variable alone: a called process that hands back all of its variables (the order's
 * own credit approval, started while an earlier change was handled) writes back the `changeId` it started with
 * when it ends, so the variable can name a change settled long ago while the loop handles the next one, which
 * then never settled and held the order's jobs for ever. The variable is read only for an instance whose
 * history records no delivery of the message.
 */
async function handledChangeId(tx: StoreTx, instance: InstanceRow): Promise<string | undefined> {
  const deliveries = await tx.historyOf([instance.id], { event: 'message.correlated' });
  const latest = deliveries.filter((entry) => entry.data?.name === ORDER_CHANGED_MESSAGE).at(-1);
  const change = (latest?.data?.variables as { change?: { changeId?: unknown } } | undefined)?.change;
  const changeId = latest ? change?.changeId : instance.variables.changeId;
  return typeof changeId === 'string' ? changeId : undefined;
}

/**
 * The 409 once the order has ended or its goods have shipped (a change can no longer reach anyone), until a failed
 * order's incident is retried, and for an order whose version has no change loop; undefined when a change may be
 * recorded.
 */
async function orderStateRefusal(tx: StoreTx, order: OrderRow, catchesChanges: (tree: InstanceRow[]) => Promise<boolean>): Promise<StratumError | undefined> {
  const root = await tx.getInstance(order.instanceId);
  if (!root) throw notFound(`order ${order.orderNo} has no instance`);
  const tree = await tx.findInstances({ rootId: root.rootId });
  const history = await tx.historyOf(tree.map((member) => member.id));
  const shipped = history.find((entry) => entry.event === 'job.completed' && entry.data?.jobType === SHIPPING_JOB_TYPE);
  if (shipped) {
    return conflict(`order ${order.orderNo} has shipped (${shipped.at}): a change to goods that have left cannot be acknowledged or approved; agree it with the customer as a return or a new order`, {
      problem: 'order-shipped', reason: 'order-shipped', instanceId: root.id, shippedAt: shipped.at,
    });
  }
  if (root.status === 'failed') {
    const failed = await orderFailed(tx, root.id, 'change');
    if (failed) return conflict(`change of order ${order.orderNo} is refused: ${failed.message}`, { ...failed.details, reason: 'order-failed' });
  }
  if (root.status !== 'running') {
    const orderStatus = endedOrderStatus(root.status) ?? root.status;
    return conflict(`order ${order.orderNo} is ${orderStatus}: nothing acts on a change any more`, {
      problem: 'order-finished', reason: 'order-finished', instanceId: root.id, orderStatus,
    });
  }
  // An order started on a version without the change loop would keep the change (and its jobs held) for ever.
  if (!(await catchesChanges(tree.filter((member) => member.status === 'running')))) {
    return conflict(`order ${order.orderNo} runs on ${root.processKey} version ${root.version}, which does not catch ${ORDER_CHANGED_MESSAGE}: nobody would acknowledge the change; agree it outside Stratum or enter the order again`, {
      problem: 'order-not-changeable', reason: 'order-not-changeable', instanceId: root.id,
    });
  }
  return undefined;
}

function invalid(orderNo: string, field: string, message: string): StratumError {
  return new StratumError('invalid', `change of order ${orderNo} is refused: ${field.slice(1)} ${message}`, { errors: [{ field, message }] });
}
