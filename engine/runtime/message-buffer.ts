// Messages are buffered, not lost (Camunda 8 semantics): a message for a
// running order that finds nothing waiting is kept for its time-to-live and
// handed to the first matching catch the order opens, oldest message first,
// each once. A messageId makes a publish idempotent while the message is kept,
// and for as long as the order runs once the order has taken it (a payment
// resent with its reference must not pay a raise requested since).
// Every message that names an existing order leaves a history entry on it.
import { randomUUID } from 'node:crypto';
import type { MessageRefusal, MessageRequest } from '../api.js';
import { StratumError } from '../errors.js';
import { orderFailed } from '../orders/order-failed.js';
import { endedOrderStatus } from '../orders/order-status.js';
import { ENGINE_ROUTE, type HistoryRow, type InstanceRow, type MessageRow, type StoreTx, type WaitRow } from '../store/types.js';
import { KEPT_PER_PERSON, keptUnderLock, keptVariables, withLastKept } from './refused-attempts.js';

/** What became of a message whose waits were all gone: kept, or refused with a trace. */
export type Unwaited =
  | { kind: 'buffered'; message: MessageRow }
  | { kind: 'refused'; error: StratumError };

export class MessageBuffer {
  constructor(readonly defaultTimeToLiveMs: number) {}

  /**
   * Records the message as received. A kept message with the same name, key and
   * messageId, or one the running order it names has already taken, makes this one
   * a duplicate: nothing happens but a history entry.
   */
  async receive(tx: StoreTx, message: MessageRequest, timeToLiveMs: number, now: Date): Promise<{ row: MessageRow } | { duplicate: StratumError }> {
    const row: MessageRow = {
      id: randomUUID(),
      messageId: message.messageId ?? null,
      name: message.name,
      correlationKey: message.businessKey,
      variables: message.variables ?? {},
      rootId: null,
      state: 'received',
      receivedBy: message.actor ?? null,
      receivedVia: message.via ?? null,
      receivedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + timeToLiveMs).toISOString(),
      deliveredTo: null,
      deliveredAt: null,
    };
    if (row.messageId !== null) {
      const kept = await tx.findMessageById(row.name, row.correlationKey, row.messageId);
      // an expired message no longer holds its id (the purge may not have run yet)
      if (kept && kept.expiresAt <= row.receivedAt) await tx.deleteMessage(kept.id);
      else if (kept) return { duplicate: await this.duplicate(tx, row, keptAs(kept)) };
      const taken = await takenByRunningOrder(tx, row);
      if (taken) return { duplicate: await this.duplicate(tx, row, taken) };
    }
    // a concurrent publish of the same messageId commits first: this insert then finds its row
    if (!(await tx.insertMessage(row))) {
      const kept = await tx.findMessageById(row.name, row.correlationKey, row.messageId!);
      return { duplicate: await this.duplicate(tx, row, kept && keptAs(kept)) };
    }
    return { row };
  }

  /** The message reached `instanceId` (the first one it moved). */
  async delivered(tx: StoreTx, row: MessageRow, instanceId: string, rootId: string, now: Date): Promise<void> {
    await tx.updateMessage({ ...row, state: 'delivered', rootId, deliveredTo: instanceId, deliveredAt: now.toISOString() });
  }

  /**
   * Nothing waited for the message: keep it for a running order, or refuse it
   * (unknown key, failed or finished order, time-to-live 0) with an entry in the order's history.
   */
  async keepOrRefuse(tx: StoreTx, row: MessageRow): Promise<Unwaited> {
    const order = await orderOf(tx, row.correlationKey);
    const about = `message ${row.name} for ${row.correlationKey}`;
    if (!order) {
      await tx.deleteMessage(row.id);
      return { kind: 'refused', error: refusal('not-found', 'unknown-business-key', `${about}: no order or instance has this business key`, row) };
    }
    if (order.status === 'failed') {
      const failed = await orderFailedRefusal(tx, order, row, about);
      if (failed) return { kind: 'refused', error: failed };
    }
    if (order.status !== 'running') {
      await tx.deleteMessage(row.id);
      await keepRefused(tx, order.id, row, 'message.refused', { reason: 'order-finished', status: order.status });
      // named as GET /api/orders and the order events name it (fulfilled, not the instance's completed)
      const orderStatus = endedOrderStatus(order.status) ?? order.status;
      return {
        kind: 'refused',
        error: refusal('conflict', 'order-finished', `${about}: the order is ${orderStatus}, nothing will wait for this message any more`, row, { orderStatus, instanceId: order.id }),
      };
    }
    if (row.expiresAt <= row.receivedAt) {
      await tx.deleteMessage(row.id);
      await keepRefused(tx, order.id, row, 'message.refused', { reason: 'not-correlated', timeToLive: 0 });
      return { kind: 'refused', error: refusal('not-found', 'not-correlated', `${about}: nothing waits for it now and its time-to-live is 0, so it is not kept`, row) };
    }
    const buffered: MessageRow = { ...row, state: 'buffered', rootId: order.id };
    await tx.updateMessage(buffered);
    await tx.appendHistory([entry(order.id, row, 'message.buffered', { expiresAt: row.expiresAt })]);
    return { kind: 'buffered', message: buffered };
  }

  /**
   * The sender asked the message to move one instance at most (Camunda 7's `all: false`) and it waits in several:
   * refused, moving none, with an entry in the order's history naming them.
   */
  async refuseAmbiguous(tx: StoreTx, row: MessageRow, instanceIds: string[]): Promise<StratumError> {
    await tx.deleteMessage(row.id);
    const order = await orderOf(tx, row.correlationKey);
    if (order) await keepRefused(tx, order.id, row, 'message.refused', { reason: 'ambiguous-correlation', instanceIds });
    return refusal(
      'conflict',
      'ambiguous-correlation',
      `message ${row.name} for ${row.correlationKey}: ${instanceIds.length} instances wait for it and the sender asked for exactly one; it moved none (send all: true to move each)`,
      row,
      { instanceIds },
    );
  }

  /** The message catches a step has just opened. */
  newCatches(previousWaits: WaitRow[], waits: WaitRow[]): WaitRow[] {
    const before = new Set(previousWaits.map((wait) => wait.id));
    return waits.filter((wait) => wait.kind === 'message' && !before.has(wait.id) && wait.messageName && wait.correlationKey !== null);
  }

  /**
   * Takes the oldest buffered message for a catch (once: it is marked delivered in this transaction). A message is
   * kept for the order its key names (`rootId`): a catch of another call tree waiting under the same key (its
   * correlationKey names a variable that holds the order's number) does not take it from the order. With
   * `receivedSince`, only a message received at or after that instant is the catch's (messages-received-since.ts).
   */
  async claim(tx: StoreTx, wait: WaitRow, now: Date, receivedSince: string | null = null): Promise<MessageRow | undefined> {
    await tx.lockCorrelation(wait.messageName!, wait.correlationKey!);
    const message = await tx.oldestBufferedMessage(wait.messageName!, wait.correlationKey!, now.toISOString(), receivedSince);
    if (!message || (message.rootId !== null && message.rootId !== wait.rootId)) return undefined;
    const delivered: MessageRow = { ...message, state: 'delivered', deliveredTo: wait.instanceId, deliveredAt: now.toISOString() };
    await tx.updateMessage(delivered);
    return delivered;
  }

  /** The history entry of a buffered message reaching a catch: the actor is who sent it, by the route they sent it. */
  deliveryEntry(wait: WaitRow, message: MessageRow, at: string): HistoryRow {
    return {
      instanceId: wait.instanceId, at, actor: message.receivedBy, via: message.receivedVia, event: 'message.correlated',
      elementId: wait.elementId, elementType: null, waitId: wait.id,
      data: {
        name: message.name, businessKey: message.correlationKey, variables: message.variables,
        messageKey: message.id, messageId: message.messageId, buffered: true, receivedAt: message.receivedAt,
      },
    };
  }

  /** Drops messages past their time-to-live; one that was never delivered leaves `message.expired` on its order. */
  async purgeExpired(tx: StoreTx, now: Date, limit: number): Promise<number> {
    const expired = await tx.expiredMessages(now.toISOString(), limit);
    const history: HistoryRow[] = [];
    for (const message of expired) {
      await tx.deleteMessage(message.id);
      if (message.state === 'buffered' && message.rootId && (await tx.getInstance(message.rootId))) {
        history.push({ ...entry(message.rootId, message, 'message.expired', { expiresAt: message.expiresAt }), actor: null, via: ENGINE_ROUTE, at: now.toISOString() });
      }
    }
    await tx.appendHistory(history);
    return expired.length;
  }

  private async duplicate(tx: StoreTx, row: MessageRow, first: FirstMessage | undefined): Promise<StratumError> {
    const order = await orderOf(tx, row.correlationKey);
    if (order) await keepRefused(tx, order.id, row, 'message.duplicate', { first: first ?? null });
    return refusal(
      'conflict',
      'duplicate-message',
      `message ${row.name} for ${row.correlationKey} with messageId ${row.messageId} was already received${first ? ` at ${first.receivedAt} (${first.state})` : ''}; this one changes nothing`,
      row,
      first ? { first } : {},
    );
  }
}

/** What became of the first message with a messageId, as a duplicate's refusal tells it. */
interface FirstMessage {
  messageKey: string;
  state: MessageRow['state'];
  receivedAt: string;
  /** Null once the message is no longer kept, only remembered by the order's history. */
  expiresAt: string | null;
}

function keptAs(kept: MessageRow): FirstMessage {
  return { messageKey: kept.id, state: kept.state, receivedAt: kept.receivedAt, expiresAt: kept.expiresAt };
}

/**
 * The message with this name and messageId that the running order under the key has already taken, found in
 * its call tree's history once the buffer no longer keeps it (past its time-to-live, or sent with none). Camunda
 * forgets a messageId with the message; an order does not, while it runs: a bank that resends a payment with its
 * reference a day later would otherwise pay a raise requested meanwhile with the payment of the old amount.
 */
async function takenByRunningOrder(tx: StoreTx, row: MessageRow): Promise<FirstMessage | undefined> {
  const roots = await tx.findInstances({ businessKey: row.correlationKey, rootOnly: true, status: 'running' });
  for (const root of roots) {
    const tree = await tx.findInstances({ rootId: root.id });
    const correlated = await tx.historyOf(tree.map((instance) => instance.id), { event: 'message.correlated' });
    const taken = correlated.find((one) => one.data?.name === row.name && one.data?.messageId === row.messageId);
    if (taken) {
      const receivedAt = typeof taken.data?.receivedAt === 'string' ? taken.data.receivedAt : taken.at;
      return { messageKey: String(taken.data?.messageKey), state: 'delivered', receivedAt, expiresAt: null };
    }
  }
  return undefined;
}

/** The order a correlation key names: its running root instance, else the latest root. */
async function orderOf(tx: StoreTx, businessKey: string): Promise<InstanceRow | undefined> {
  const roots = await tx.findInstances({ businessKey, rootOnly: true });
  return roots.find((root) => root.status === 'running') ?? roots[0];
}

/** A failed order's refusal (order-failed.ts), kept in its history; undefined when it has no incident open. */
async function orderFailedRefusal(tx: StoreTx, order: InstanceRow, row: MessageRow, about: string): Promise<StratumError | undefined> {
  const failed = await orderFailed(tx, order.id, 'message');
  if (!failed) return undefined;
  await tx.deleteMessage(row.id);
  await keepRefused(tx, order.id, row, 'message.refused', { reason: 'order-failed', incidentId: failed.incident.id });
  const { problem, ...details } = failed.details;
  return refusal('conflict', problem, `${about}: ${failed.message}`, row, details);
}

/**
 * A message refused or taken for a duplicate changes nothing, but its sender may send it again and again with a body
 * up to the server's limit: as a refused task completion is kept (refused-attempts.ts), the entry keeps its variables
 * only within a small budget (the others by name and size), and one sender's such entries of one kind and reason on
 * one order only up to KEPT_PER_PERSON, the last saying `lastKept`. Before, every resend wrote its whole body into the
 * order's history, which every view of the order returns. The bound is per reason (`order-finished`, `not-correlated`,
 * `order-failed`, `ambiguous-correlation`, and `variable-refused` kept by refused-attempts.ts): ten refusals of one
 * kind must not silence a later refusal of another, and since the reasons are the engine's own few words, a sender
 * still cannot grow the history beyond KEPT_PER_PERSON times their number.
 */
async function keepRefused(tx: StoreTx, orderId: string, row: MessageRow, event: string, data: Record<string, unknown>): Promise<void> {
  // counted under the lock a refused attempt's count takes: two messages under different names (their correlation
  // locks apart), refused at once on two servers, would otherwise both count nine and both be kept
  const kept = await keptUnderLock(tx, orderId, event, row.receivedBy, (one) => one.data?.reason === data.reason);
  if (kept >= KEPT_PER_PERSON) return;
  const refused = entry(orderId, row, event, withLastKept(data, kept));
  await tx.appendHistory([{ ...refused, data: keptVariables(refused.data ?? {}) }]);
}

function entry(instanceId: string, row: MessageRow, event: string, data: Record<string, unknown>): HistoryRow {
  return {
    instanceId, at: row.receivedAt, actor: row.receivedBy, via: row.receivedVia, event, elementId: null, elementType: null, waitId: null,
    data: { name: row.name, businessKey: row.correlationKey, messageKey: row.id, messageId: row.messageId, variables: row.variables, ...data },
  };
}

function refusal(code: 'not-found' | 'conflict', problem: MessageRefusal, message: string, row: MessageRow, extra: Record<string, unknown> = {}): StratumError {
  return new StratumError(code, message, { problem, name: row.name, businessKey: row.correlationKey, ...(row.messageId !== null && { messageId: row.messageId }), ...extra });
}
