// The order events outbox and webhook delivery rows (migration 7), one set of
// statements for both stores: each store hands over a runner for its
// connection and the few words its SQL differs in (table prefix, row locks).
//   order_events          one row per order state change, written in the step's transaction
//   webhook_subscriptions who receives which event types; `cursor` is the last event fanned out
//   webhook_deliveries    one row per (subscription, event): pending → delivered | dead
//   webhook_attempts      the delivery log: every attempt with its answer
import type {
  DeliveryFilter, OrderEventFilter, OrderEventRow, OutboxTx, SubscriptionChangeRow, SubscriptionRow, WebhookAttemptRow, WebhookClaim, WebhookDeliveryRow,
} from './types.js';
import type { NamedParameters } from './row-codec.js';

/** `next_attempt_at` of a delivery waiting for an earlier event of its order (it sorts after every real time). */
export const BLOCKED_UNTIL = '9999-12-31T23:59:59.999Z';
/** Above every event number (SQLite's INTEGER and PostgreSQL's bigint): no event is younger than the cutoff. */
const MAX_SEQ = '9223372036854775807';

export interface SqlRunner {
  all(sql: string, parameters: NamedParameters): Promise<Record<string, unknown>[]>;
  /** Returns the number of rows changed. */
  run(sql: string, parameters: NamedParameters): Promise<number>;
}

export interface OutboxDialect {
  prefix: '' | 'stratum_';
  /** Appended to a claim's SELECT: PostgreSQL skips rows another server holds; SQLite writers run one at a time. */
  claimLock: string;
  /** Appended to the fan-out's SELECT of subscriptions. */
  subscriptionLock: string;
  /**
   * Appended to the SELECT of a delivery's subscription before its attempt is recorded, and to the SELECT
   * that locks a subscription before it is deleted: PostgreSQL makes the two wait for each other (a shared
   * lock against an exclusive one), so an attempt is never written for a delivery deleted meanwhile, nor a
   * delivery deleted under an attempt written meanwhile; SQLite writers run one at a time.
   */
  recordLock: string;
  deleteLock: string;
  /**
   * Appended to the check for an earlier pending delivery when one is stored blocked: PostgreSQL locks
   * that delivery, so its settling (which unblocks the next) waits for the insert to commit, or the
   * check waits for the settling and sees it; SQLite writers run one at a time.
   */
  pendingLock: string;
  /** Taken before an event is numbered, so numbers follow commit order (PostgreSQL: an advisory lock; SQLite: none needed). */
  outboxLock: string | null;
  /**
   * Taken first by every transaction that creates, replaces or deletes subscriptions: PostgreSQL runs them one at a
   * time, so each reads the row the one before it committed (the audit's `from`, the secret kept for the grace
   * period) and two creations of one new id are a creation and a replacement. SQLite: none needed.
   */
  subscriptionChangeLock: string | null;
}

export class OutboxRows implements OutboxTx {
  private readonly events: string;
  private readonly subscriptions: string;
  private readonly deliveries: string;
  private readonly attempts: string;
  private readonly changes: string;

  constructor(
    private readonly runner: SqlRunner,
    private readonly dialect: OutboxDialect,
    private readonly assertWritable: (method: string) => void,
  ) {
    this.events = `${dialect.prefix}order_events`;
    this.subscriptions = `${dialect.prefix}webhook_subscriptions`;
    this.deliveries = `${dialect.prefix}webhook_deliveries`;
    this.attempts = `${dialect.prefix}webhook_attempts`;
    this.changes = `${dialect.prefix}webhook_subscription_changes`;
  }

  // order events

  async lockOutbox(): Promise<void> {
    this.assertWritable('lockOutbox');
    if (this.dialect.outboxLock) await this.runner.all(this.dialect.outboxLock, {});
  }

  async lockSubscriptionChanges(): Promise<void> {
    this.assertWritable('lockSubscriptionChanges');
    if (this.dialect.subscriptionChangeLock) await this.runner.all(this.dialect.subscriptionChangeLock, {});
  }

  async lastOrderStatus(orderNo: string): Promise<string | null> {
    const rows = await this.runner.all(`SELECT status FROM ${this.events} WHERE order_no = @orderNo ORDER BY seq DESC LIMIT 1`, { orderNo });
    return rows[0] ? String(rows[0].status) : null;
  }

  async insertOrderEvent(row: Omit<OrderEventRow, 'seq'>): Promise<number> {
    this.assertWritable('insertOrderEvent');
    const rows = await this.runner.all(
      `INSERT INTO ${this.events} (id, order_no, type, status, at, payload) VALUES (@id, @orderNo, @type, @status, @at, @payload) RETURNING seq`,
      { id: row.id, orderNo: row.orderNo, type: row.type, status: row.status, at: row.at, payload: row.payload },
    );
    return Number(rows[0].seq);
  }

  async findOrderEvents(filter: OrderEventFilter): Promise<OrderEventRow[]> {
    const conditions = ['seq > @after'];
    const parameters: NamedParameters = { after: filter.after, limit: filter.limit };
    if (filter.orderNo !== undefined) {
      conditions.push('order_no = @orderNo');
      parameters.orderNo = filter.orderNo;
    }
    if (filter.type !== undefined) {
      conditions.push('type = @type');
      parameters.type = filter.type;
    }
    const rows = await this.runner.all(`SELECT * FROM ${this.events} WHERE ${conditions.join(' AND ')} ORDER BY seq LIMIT @limit`, parameters);
    return rows.map(eventRow);
  }

  // subscriptions

  async saveSubscription(row: SubscriptionRow): Promise<void> {
    this.assertWritable('saveSubscription');
    const parameters = {
      id: row.id, url: row.url, secret: row.secret, previousSecret: row.previousSecret, previousSecretUntil: row.previousSecretUntil,
      types: JSON.stringify(row.types), source: row.source, cursor: row.cursor, createdAt: row.createdAt, createdBy: row.createdBy,
    };
    await this.runner.run(
      `INSERT INTO ${this.subscriptions} (id, url, secret, previous_secret, previous_secret_until, types, source, fanned_out, created_at, created_by)
       VALUES (@id, @url, @secret, @previousSecret, @previousSecretUntil, @types, @source, @cursor, @createdAt, @createdBy)
       ON CONFLICT (id) DO UPDATE SET url = excluded.url, secret = excluded.secret, previous_secret = excluded.previous_secret,
         previous_secret_until = excluded.previous_secret_until, types = excluded.types, source = excluded.source`,
      parameters,
    );
  }

  async getSubscription(id: string): Promise<SubscriptionRow | undefined> {
    const rows = await this.runner.all(`SELECT * FROM ${this.subscriptions} WHERE id = @id`, { id });
    return rows[0] && subscriptionRow(rows[0]);
  }

  async listSubscriptions(options: { lock?: boolean } = {}): Promise<SubscriptionRow[]> {
    const lock = options.lock ? this.dialect.subscriptionLock : '';
    const rows = await this.runner.all(`SELECT * FROM ${this.subscriptions} ORDER BY created_at, id${lock}`, {});
    return rows.map(subscriptionRow);
  }

  async deleteSubscription(id: string): Promise<boolean> {
    this.assertWritable('deleteSubscription');
    // locked first: an attempt being recorded for one of its deliveries commits before, and is deleted with them
    await this.runner.all(`SELECT id FROM ${this.subscriptions} WHERE id = @id${this.dialect.deleteLock}`, { id });
    await this.runner.run(`DELETE FROM ${this.attempts} WHERE delivery_id IN (SELECT id FROM ${this.deliveries} WHERE subscription_id = @id)`, { id });
    await this.runner.run(`DELETE FROM ${this.deliveries} WHERE subscription_id = @id`, { id });
    return (await this.runner.run(`DELETE FROM ${this.subscriptions} WHERE id = @id`, { id })) > 0;
  }

  async appendSubscriptionChange(row: Omit<SubscriptionChangeRow, 'seq'>): Promise<void> {
    this.assertWritable('appendSubscriptionChange');
    await this.runner.run(
      `INSERT INTO ${this.changes} (subscription_id, at, actor, action, source, data) VALUES (@subscriptionId, @at, @actor, @action, @source, @data)`,
      { subscriptionId: row.subscriptionId, at: row.at, actor: row.actor, action: row.action, source: row.source, data: row.data },
    );
  }

  async subscriptionChanges(filter: { subscriptionId: string; after: number; limit: number }): Promise<SubscriptionChangeRow[]> {
    const rows = await this.runner.all(
      `SELECT * FROM ${this.changes} WHERE subscription_id = @subscriptionId AND seq > @after ORDER BY seq LIMIT @limit`,
      { subscriptionId: filter.subscriptionId, after: filter.after, limit: filter.limit },
    );
    return rows.map((row) => ({
      seq: Number(row.seq), subscriptionId: String(row.subscription_id), at: String(row.at), actor: nullableText(row.actor),
      action: row.action as SubscriptionChangeRow['action'], source: row.source === 'config' ? 'config' : 'api', data: String(row.data),
    }));
  }

  async setSubscriptionCursor(id: string, cursor: number): Promise<void> {
    this.assertWritable('setSubscriptionCursor');
    await this.runner.run(`UPDATE ${this.subscriptions} SET fanned_out = @cursor WHERE id = @id`, { id, cursor });
  }

  async latestEventSeq(): Promise<number> {
    const rows = await this.runner.all(`SELECT max(seq) AS seq FROM ${this.events}`, {});
    return rows[0]?.seq === null || rows[0]?.seq === undefined ? 0 : Number(rows[0].seq);
  }

  // deliveries

  /**
   * A delivery behind an earlier pending event of its order (same subscription) is
   * stored blocked, due at BLOCKED_UNTIL, and made due when that one is settled: the
   * claim's scan of due deliveries then meets only the head of each order's queue.
   */
  async insertDelivery(row: Omit<WebhookDeliveryRow, 'eventId' | 'eventType'>): Promise<void> {
    this.assertWritable('insertDelivery');
    await this.runner.run(
      `INSERT INTO ${this.deliveries}
         (id, subscription_id, event_seq, order_no, status, attempts, next_attempt_at, dead_after, lease_owner, lease_until, last_status, last_error, created_at, delivered_at)
       VALUES (@id, @subscriptionId, @eventSeq, @orderNo, @status, @attempts,
               CASE WHEN EXISTS (${this.earlierPending('@subscriptionId', '@orderNo', '@eventSeq')}${this.dialect.pendingLock}) THEN @blocked ELSE @nextAttemptAt END,
               @deadAfter, NULL, NULL, NULL, NULL, @createdAt, NULL)
       ON CONFLICT (subscription_id, event_seq) DO NOTHING`,
      {
        id: row.id, subscriptionId: row.subscriptionId, eventSeq: row.eventSeq, orderNo: row.orderNo, status: row.status,
        attempts: row.attempts, nextAttemptAt: row.nextAttemptAt, deadAfter: row.deadAfter, createdAt: row.createdAt, blocked: BLOCKED_UNTIL,
      },
    );
  }

  /** A pending delivery of an earlier event of the same order to the same subscription. */
  private earlierPending(subscriptionId: string, orderNo: string, eventSeq: string): string {
    return `SELECT 1 FROM ${this.deliveries} p
             WHERE p.subscription_id = ${subscriptionId} AND p.order_no = ${orderNo} AND p.event_seq < ${eventSeq} AND p.status = 'pending'`;
  }

  /** Makes the next pending delivery of `id`'s order and subscription due at `at`, if it waited blocked behind `id`. */
  private async unblockNext(id: string, at: string): Promise<void> {
    await this.runner.run(
      `UPDATE ${this.deliveries} SET next_attempt_at = @at
        WHERE next_attempt_at = @blocked AND id = (
          SELECT n.id FROM ${this.deliveries} n JOIN ${this.deliveries} settled ON settled.id = @id
           WHERE n.subscription_id = settled.subscription_id AND n.order_no = settled.order_no
             AND n.event_seq > settled.event_seq AND n.status = 'pending'
           ORDER BY n.event_seq LIMIT 1)`,
      { id, at, blocked: BLOCKED_UNTIL },
    );
  }

  /**
   * Leases up to `limit` due deliveries to `owner` until `leaseUntil`. A
   * delivery is due when no earlier event of the same order is still pending
   * for the same subscription: events of one order go out in order.
   */
  async claimDeliveries(now: string, owner: string, leaseUntil: string, limit: number): Promise<WebhookClaim[]> {
    this.assertWritable('claimDeliveries');
    const rows = await this.runner.all(
      `SELECT d.*, s.url, s.secret, s.previous_secret, s.previous_secret_until, e.id AS event_id, e.type AS event_type, e.payload
         FROM ${this.deliveries} d
         JOIN ${this.subscriptions} s ON s.id = d.subscription_id
         JOIN ${this.events} e ON e.seq = d.event_seq
        WHERE d.status = 'pending' AND d.next_attempt_at <= @now AND (d.lease_until IS NULL OR d.lease_until <= @now)
          AND NOT EXISTS (${this.earlierPending('d.subscription_id', 'd.order_no', 'd.event_seq')})
        ORDER BY d.next_attempt_at, d.event_seq
        LIMIT @limit${this.dialect.claimLock}`,
      { now, limit },
    );
    const claims: WebhookClaim[] = [];
    for (const row of rows) {
      const delivery = deliveryRow(row);
      await this.runner.run(`UPDATE ${this.deliveries} SET lease_owner = @owner, lease_until = @leaseUntil WHERE id = @id`, { owner, leaseUntil, id: delivery.id });
      claims.push({
        ...delivery, leaseOwner: owner, leaseUntil, url: String(row.url), secret: String(row.secret),
        previousSecret: nullableText(row.previous_secret), previousSecretUntil: nullableText(row.previous_secret_until), payload: String(row.payload),
      });
    }
    return claims;
  }

  /**
   * Records an attempt and its outcome; false (only the log row written) when `owner` no longer holds the lease,
   * and false with nothing written when the delivery was deleted with its subscription while it was in flight.
   */
  async finishAttempt(
    attempt: Omit<WebhookAttemptRow, 'seq'>,
    outcome: { owner: string; status: 'pending' | 'delivered' | 'dead'; nextAttemptAt: string; at: string },
  ): Promise<boolean> {
    this.assertWritable('finishAttempt');
    // an attempt row for a deleted delivery broke the foreign key and rolled back every outcome recorded with it
    const live = await this.runner.all(
      `SELECT s.id FROM ${this.subscriptions} s JOIN ${this.deliveries} d ON d.subscription_id = s.id WHERE d.id = @id${this.dialect.recordLock}`,
      { id: attempt.deliveryId },
    );
    if (!live.length) return false;
    await this.runner.run(
      `INSERT INTO ${this.attempts} (delivery_id, at, duration_ms, status_code, error) VALUES (@deliveryId, @at, @durationMs, @statusCode, @error)`,
      { deliveryId: attempt.deliveryId, at: attempt.at, durationMs: attempt.durationMs, statusCode: attempt.statusCode, error: attempt.error },
    );
    const changed = await this.runner.run(
      `UPDATE ${this.deliveries}
          SET status = @status, attempts = attempts + 1, next_attempt_at = @nextAttemptAt, lease_owner = NULL, lease_until = NULL,
              last_status = @statusCode, last_error = @error, delivered_at = CASE WHEN @status = 'delivered' THEN @at ELSE NULL END
        WHERE id = @id AND lease_owner = @owner AND status = 'pending'`,
      { status: outcome.status, nextAttemptAt: outcome.nextAttemptAt, statusCode: attempt.statusCode, error: attempt.error, at: outcome.at, id: attempt.deliveryId, owner: outcome.owner },
    );
    if (changed > 0 && outcome.status !== 'pending') await this.unblockNext(attempt.deliveryId, outcome.at);
    return changed > 0;
  }

  private get deliveryWithEvent(): string {
    return `SELECT d.*, e.id AS event_id, e.type AS event_type FROM ${this.deliveries} d JOIN ${this.events} e ON e.seq = d.event_seq`;
  }

  async getDelivery(id: string): Promise<WebhookDeliveryRow | undefined> {
    const rows = await this.runner.all(`${this.deliveryWithEvent} WHERE d.id = @id`, { id });
    return rows[0] && deliveryRow(rows[0]);
  }

  /** Oldest event first; `after` is an event number. */
  async findDeliveries(filter: DeliveryFilter): Promise<WebhookDeliveryRow[]> {
    const conditions = ['d.event_seq > @after'];
    const parameters: NamedParameters = { after: filter.after ?? 0, limit: filter.limit };
    if (filter.subscriptionId !== undefined) {
      conditions.push('d.subscription_id = @subscriptionId');
      parameters.subscriptionId = filter.subscriptionId;
    }
    if (filter.status !== undefined) {
      conditions.push('d.status = @status');
      parameters.status = filter.status;
    }
    const rows = await this.runner.all(
      `${this.deliveryWithEvent} WHERE ${conditions.join(' AND ')} ORDER BY d.event_seq, d.subscription_id LIMIT @limit`, parameters,
    );
    return rows.map(deliveryRow);
  }

  async attemptsOf(deliveryIds: string[]): Promise<WebhookAttemptRow[]> {
    const attempts: WebhookAttemptRow[] = [];
    for (const deliveryId of deliveryIds) {
      const rows = await this.runner.all(`SELECT * FROM ${this.attempts} WHERE delivery_id = @deliveryId ORDER BY seq`, { deliveryId });
      attempts.push(...rows.map(attemptRow));
    }
    return attempts;
  }

  /** Removes deliveries delivered before `before` with their attempts, and events no delivery or cursor needs. */
  async pruneDelivered(before: string, limit: number): Promise<{ deliveries: number; attempts: number; events: number }> {
    this.assertWritable('pruneDelivered');
    const old = `SELECT id FROM ${this.deliveries} WHERE status = 'delivered' AND delivered_at < @before ORDER BY delivered_at LIMIT @limit`;
    const ids = (await this.runner.all(old, { before, limit })).map((row) => String(row.id));
    let attempts = 0;
    let deliveries = 0;
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = Object.fromEntries(ids.slice(start, start + 500).map((id, index) => [`d${index}`, id]));
      const list = Object.keys(chunk).map((name) => `@${name}`).join(', ');
      attempts += await this.runner.run(`DELETE FROM ${this.attempts} WHERE delivery_id IN (${list})`, chunk);
      deliveries += await this.runner.run(`DELETE FROM ${this.deliveries} WHERE id IN (${list})`, chunk);
    }
    // Events are numbered as they are written, so the old ones come first: the scan stops at the first
    // event of `before` or later instead of reading every event there is (at 100,000 waiting orders
    // that read held the write lock for most of a second, at start and every hour). An old event
    // numbered after a younger one (clocks of several servers) goes in a later round.
    const events = await this.runner.run(
      `DELETE FROM ${this.events}
        WHERE seq IN (
          SELECT e.seq FROM ${this.events} e
           WHERE e.at < @before
             AND e.seq < coalesce((SELECT r.seq FROM ${this.events} r WHERE r.at >= @before ORDER BY r.seq LIMIT 1), ${MAX_SEQ})
             AND e.seq <= (SELECT coalesce(min(s.fanned_out), e.seq) FROM ${this.subscriptions} s)
             AND NOT EXISTS (SELECT 1 FROM ${this.deliveries} d WHERE d.event_seq = e.seq)
             AND EXISTS (SELECT 1 FROM ${this.events} later WHERE later.order_no = e.order_no AND later.seq > e.seq)
           ORDER BY e.seq
           LIMIT @limit)`,
      { before, limit },
    );
    return { deliveries, attempts, events };
  }

  /**
   * Removes up to `limit` dead letters that died before `before`, with their attempts. A dead letter's
   * `next_attempt_at` is the moment it died (finishAttempt writes the attempt's time there). The rows are
   * locked as they are chosen (PostgreSQL skips one another server is redelivering): a dead letter
   * redelivered meanwhile is pending, and never chosen.
   */
  async pruneDead(before: string, limit: number): Promise<{ deliveries: number; attempts: number }> {
    this.assertWritable('pruneDead');
    const dead = `SELECT d.id FROM ${this.deliveries} d WHERE d.status = 'dead' AND d.next_attempt_at < @before ORDER BY d.next_attempt_at, d.event_seq LIMIT @limit${this.dialect.claimLock}`;
    const ids = (await this.runner.all(dead, { before, limit })).map((row) => String(row.id));
    let attempts = 0;
    let deliveries = 0;
    for (let start = 0; start < ids.length; start += 500) {
      const chunk = Object.fromEntries(ids.slice(start, start + 500).map((id, index) => [`d${index}`, id]));
      const list = Object.keys(chunk).map((name) => `@${name}`).join(', ');
      attempts += await this.runner.run(`DELETE FROM ${this.attempts} WHERE delivery_id IN (${list})`, chunk);
      deliveries += await this.runner.run(`DELETE FROM ${this.deliveries} WHERE id IN (${list}) AND status = 'dead'`, chunk);
    }
    return { deliveries, attempts };
  }

  /** Sends a delivery again (dead, delivered or pending): due now (or once an earlier event of its order is settled), with a new retry period. */
  async redeliver(id: string, now: string, deadAfter: string): Promise<boolean> {
    this.assertWritable('redeliver');
    const changed = await this.runner.run(
      `UPDATE ${this.deliveries}
          SET status = 'pending', dead_after = @deadAfter, lease_owner = NULL, lease_until = NULL, delivered_at = NULL,
              next_attempt_at = CASE WHEN EXISTS (${this.earlierPending(`${this.deliveries}.subscription_id`, `${this.deliveries}.order_no`, `${this.deliveries}.event_seq`)}${this.dialect.pendingLock})
                                     THEN @blocked ELSE @now END
        WHERE id = @id`,
      { id, now, deadAfter, blocked: BLOCKED_UNTIL },
    );
    return changed > 0;
  }
}

// helpers

function eventRow(row: Record<string, unknown>): OrderEventRow {
  return {
    seq: Number(row.seq), id: String(row.id), orderNo: String(row.order_no), type: String(row.type), status: String(row.status),
    at: String(row.at), payload: String(row.payload),
  };
}

function subscriptionRow(row: Record<string, unknown>): SubscriptionRow {
  return {
    id: String(row.id), url: String(row.url), secret: String(row.secret),
    previousSecret: nullableText(row.previous_secret), previousSecretUntil: nullableText(row.previous_secret_until), types: JSON.parse(String(row.types)) as string[],
    source: row.source === 'config' ? 'config' : 'api', cursor: Number(row.fanned_out), createdAt: String(row.created_at),
    createdBy: nullableText(row.created_by),
  };
}

function deliveryRow(row: Record<string, unknown>): WebhookDeliveryRow {
  return {
    id: String(row.id), subscriptionId: String(row.subscription_id), eventSeq: Number(row.event_seq),
    eventId: String(row.event_id), eventType: String(row.event_type), orderNo: String(row.order_no),
    status: row.status as WebhookDeliveryRow['status'], attempts: Number(row.attempts), nextAttemptAt: String(row.next_attempt_at),
    deadAfter: String(row.dead_after), leaseOwner: nullableText(row.lease_owner), leaseUntil: nullableText(row.lease_until),
    lastStatus: row.last_status === null ? null : Number(row.last_status), lastError: nullableText(row.last_error),
    createdAt: String(row.created_at), deliveredAt: nullableText(row.delivered_at),
  };
}

function attemptRow(row: Record<string, unknown>): WebhookAttemptRow {
  return {
    seq: Number(row.seq), deliveryId: String(row.delivery_id), at: String(row.at), durationMs: Number(row.duration_ms),
    statusCode: row.status_code === null ? null : Number(row.status_code), error: nullableText(row.error),
  };
}

function nullableText(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
