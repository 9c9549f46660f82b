// The outbox as integrators use it: order events to pull, webhook
// subscriptions (from the API or a configuration file), their delivery log,
// dead letters and redelivery. Sending is webhook-delivery.ts's.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type {
  Actor, Clock, OrderEvent, OrderEventQuery, Outbox, WebhookDeliveryQuery, WebhookDeliveryView, WebhookSubscription, WebhookSubscriptionChange,
  WebhookSubscriptionInput,
} from '../api.js';
import { conflict, notFound, StratumError } from '../errors.js';
import type { Store, StoreTx, SubscriptionChangeRow, SubscriptionRow, WebhookDeliveryRow } from '../store/types.js';
import { BLOCKED_UNTIL } from '../store/outbox-rows.js';
import { ORDER_STATUSES } from '../orders/order-status.js';
import { orderEventType } from './order-events.js';
import { eventBody, type WebhookDelivery } from './webhook-delivery.js';
import { keptUrl, MASK, redactedUrl } from './redacted-url.js';
import { checkWebhookUrl } from './webhook-targets.js';

const SECRET = /^whsec_[A-Za-z0-9+/]+={0,2}$/;

export class Webhooks implements Outbox {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly sender: WebhookDelivery,
  ) {}

  async events(query: OrderEventQuery): Promise<{ items: OrderEvent[]; next: number }> {
    const rows = await this.store.read((tx) => tx.outbox.findOrderEvents(query));
    return {
      items: rows.map((row) => JSON.parse(eventBody(row)) as OrderEvent),
      next: rows.at(-1)?.seq ?? query.after,
    };
  }

  async subscribe(input: WebhookSubscriptionInput, actor: Actor): Promise<WebhookSubscription & { secret: string }> {
    const secret = input.secret ?? newSecret();
    checkSecret(secret);
    checkTypes(input.types, '/types');
    const known = input.id === undefined ? undefined : await this.store.read((tx) => tx.outbox.getSubscription(input.id!));
    const url = keptUrl(input.url, known?.url);
    const attempted = { url: url ?? input.url, types: [...new Set(input.types ?? [])], secret };
    if (known?.source === 'config') {
      await this.refused(known.id, known, attempted, actor, 'config-subscription');
      throw conflict(`subscription ${known.id} comes from the configuration file; change it there`, { reason: 'config-subscription' });
    }
    if (url === null) throw maskedWithoutStored(input.url);
    try {
      await checkWebhookUrl(attempted.url, this.sender.targets);
    } catch (error) {
      // an attempt to point a named subscription inside the network is kept; one without an id has nothing to be kept under
      if (input.id !== undefined && error instanceof StratumError && error.details?.reason === 'webhook-target') {
        await this.refused(input.id, known, attempted, actor, 'webhook-target');
      }
      throw error;
    }
    const row = await this.store.transaction(async (tx) => {
      // another server's change of this subscription commits first: this one reads what it left
      await tx.outbox.lockSubscriptionChanges();
      const existing = input.id === undefined ? undefined : await tx.outbox.getSubscription(input.id);
      if (existing?.source === 'config') throw conflict(`subscription ${existing.id} comes from the configuration file; change it there`, { reason: 'config-subscription' });
      const stored = keptUrl(input.url, existing?.url);
      if (stored === null) throw maskedWithoutStored(input.url);
      const saved: SubscriptionRow = {
        id: input.id ?? randomUUID(), url: stored, secret, ...this.previousSecret(existing, secret), types: [...new Set(input.types ?? [])], source: 'api',
        // a new subscription gets the events from now on; a replaced one keeps its place
        cursor: existing?.cursor ?? (await tx.outbox.latestEventSeq()),
        createdAt: existing?.createdAt ?? this.clock.now().toISOString(), createdBy: existing?.createdBy ?? actor.name,
      };
      await tx.outbox.saveSubscription(saved);
      await tx.outbox.appendSubscriptionChange(changeRow(existing ? 'replaced' : 'created', existing, saved, actor.name, 'api', this.clock));
      return saved;
    });
    return { ...subscriptionView(row, this.clock.now().toISOString()), secret };
  }

  async subscriptions(): Promise<WebhookSubscription[]> {
    const now = this.clock.now().toISOString();
    return (await this.store.read((tx) => tx.outbox.listSubscriptions())).map((row) => subscriptionView(row, now));
  }

  async subscription(id: string): Promise<WebhookSubscription | undefined> {
    const row = await this.store.read((tx) => tx.outbox.getSubscription(id));
    return row && subscriptionView(row, this.clock.now().toISOString());
  }

  async unsubscribe(id: string, actor: Actor): Promise<void> {
    const outcome = await this.store.transaction(async (tx) => {
      await tx.outbox.lockSubscriptionChanges();
      const existing = await tx.outbox.getSubscription(id);
      if (existing?.source === 'config') {
        // the next start would make it again from the file: refused, and the attempt kept (what it would have removed)
        await tx.outbox.appendSubscriptionChange(changeRow('refused', existing, undefined, actor.name, 'config', this.clock, id, 'config-subscription'));
        return 'config';
      }
      if (!existing || !(await tx.outbox.deleteSubscription(id))) return 'missing';
      await tx.outbox.appendSubscriptionChange(changeRow('deleted', existing, undefined, actor.name, existing.source, this.clock));
      return 'deleted';
    });
    if (outcome === 'config') throw conflict(`subscription ${id} comes from the configuration file (STRATUM_WEBHOOKS); remove it there, or it comes back at the next start`, { reason: 'config-subscription' });
    if (outcome === 'missing') throw notFound(`no webhook subscription ${id}`);
  }

  async subscriptionChanges(id: string, query: { after: number; limit: number }): Promise<{ items: WebhookSubscriptionChange[]; next: number | null } | undefined> {
    return this.store.read(async (tx) => {
      const rows = await tx.outbox.subscriptionChanges({ subscriptionId: id, after: query.after, limit: query.limit + 1 });
      if (!rows.length && !(await tx.outbox.getSubscription(id)) && !(await tx.outbox.subscriptionChanges({ subscriptionId: id, after: 0, limit: 1 })).length) return undefined;
      const page = rows.slice(0, query.limit);
      return { items: page.map(changeView), next: rows.length > query.limit ? page.at(-1)!.seq : null };
    });
  }

  /** A refused attempt on a subscription, kept in its audit (in a transaction of its own: the attempt's is refused). */
  private async refused(id: string, existing: SubscriptionRow | undefined, attempted: Audited, actor: Actor, reason: string): Promise<void> {
    const row = changeRow('refused', existing, attempted, actor.name, existing?.source ?? 'api', this.clock, id, reason);
    await this.store.transaction((tx) => tx.outbox.appendSubscriptionChange(row));
  }

  async configure(subscriptions: (WebhookSubscriptionInput & { id: string; secret: string })[]): Promise<void> {
    for (const subscription of subscriptions) checkSecret(subscription.secret);
    for (const subscription of subscriptions) checkTypes(subscription.types, `/subscriptions/${subscription.id}/types`);
    for (const subscription of subscriptions) await checkWebhookUrl(subscription.url, this.sender.targets, `/subscriptions/${subscription.id}/url`);
    await this.store.transaction(async (tx) => {
      await tx.outbox.lockSubscriptionChanges();
      const existing = new Map((await tx.outbox.listSubscriptions()).map((row) => [row.id, row]));
      const latest = await tx.outbox.latestEventSeq();
      const now = this.clock.now().toISOString();
      for (const subscription of subscriptions) {
        const before = existing.get(subscription.id);
        if (before?.source === 'api') throw conflict(`subscription ${subscription.id} of the configuration file was created through the API; give it another id`);
        const saved: SubscriptionRow = {
          id: subscription.id, url: subscription.url, secret: subscription.secret, ...this.previousSecret(before, subscription.secret), types: [...new Set(subscription.types ?? [])], source: 'config',
          cursor: before?.cursor ?? latest, createdAt: before?.createdAt ?? now, createdBy: before?.createdBy ?? 'system',
        };
        await tx.outbox.saveSubscription(saved);
        // read at every start: only what the file changed is kept
        const change = changeRow(before ? 'replaced' : 'created', before, saved, 'system', 'config', this.clock);
        if (change.data !== EMPTY_CHANGE) await tx.outbox.appendSubscriptionChange(change);
      }
      const kept = new Set(subscriptions.map((subscription) => subscription.id));
      for (const row of existing.values()) {
        if (row.source === 'config' && !kept.has(row.id) && await tx.outbox.deleteSubscription(row.id)) {
          await tx.outbox.appendSubscriptionChange(changeRow('deleted', row, undefined, 'system', 'config', this.clock));
        }
      }
    });
  }

  async deliveries(query: WebhookDeliveryQuery): Promise<{ items: WebhookDeliveryView[]; next: number | null }> {
    return this.store.read(async (tx) => {
      const rows = await tx.outbox.findDeliveries({ ...query, limit: query.limit + 1 });
      const page = await wholeEvents(tx, query, rows);
      return { items: await deliveryViews(tx, page.rows), next: page.next };
    });
  }

  async delivery(id: string): Promise<WebhookDeliveryView | undefined> {
    return this.store.read(async (tx) => {
      const row = await tx.outbox.getDelivery(id);
      return row && (await deliveryViews(tx, [row]))[0];
    });
  }

  async redeliver(id: string): Promise<WebhookDeliveryView> {
    const now = this.clock.now();
    const deadAfter = new Date(now.getTime() + this.sender.retryForMs).toISOString();
    const found = await this.store.transaction((tx) => tx.outbox.redeliver(id, now.toISOString(), deadAfter));
    if (!found) throw notFound(`no webhook delivery ${id}`);
    this.sender.wake();
    return (await this.delivery(id))!;
  }

  /**
   * A replaced secret is signed with beside the new one for the grace period, so a receiver can switch over
   * without losing events; a replacement that keeps the secret keeps the grace period running.
   */
  private previousSecret(existing: SubscriptionRow | undefined, secret: string): Pick<SubscriptionRow, 'previousSecret' | 'previousSecretUntil'> {
    if (existing && existing.secret !== secret) {
      if (this.sender.secretGraceMs <= 0) return { previousSecret: null, previousSecretUntil: null };
      return { previousSecret: existing.secret, previousSecretUntil: new Date(this.clock.now().getTime() + this.sender.secretGraceMs).toISOString() };
    }
    return { previousSecret: existing?.previousSecret ?? null, previousSecretUntil: existing?.previousSecretUntil ?? null };
  }

  startDelivery(): void {
    this.sender.start();
  }

  async deliverNow(): Promise<number> {
    const sent = await this.sender.round();
    await this.sender.settle();
    return sent;
  }
}

// helpers

/** What the audit of a subscription compares. */
type Audited = Pick<SubscriptionRow, 'url' | 'types' | 'secret'>;

const EMPTY_CHANGE = JSON.stringify({ changes: {} });

/** The first 12 hex digits of the secret's SHA-256: says which secret, gives nothing to sign with. */
function fingerprint(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 12);
}

/** What differs between two states of a subscription (either absent: created, deleted), with URLs masked and secrets fingerprinted. */
function changesOf(before: Audited | undefined, after: Audited | undefined): WebhookSubscriptionChange['changes'] {
  const changes: WebhookSubscriptionChange['changes'] = {};
  if (before?.url !== after?.url) {
    const from = before ? redactedUrl(before.url) : null;
    const to = after ? redactedUrl(after.url) : null;
    changes.url = { from, to, ...(from === to && { credentialsChanged: true as const }) };
  }
  if (JSON.stringify(before?.types) !== JSON.stringify(after?.types)) changes.types = { from: before?.types ?? null, to: after?.types ?? null };
  if (before?.secret !== after?.secret) changes.secret = { from: before ? fingerprint(before.secret) : null, to: after ? fingerprint(after.secret) : null };
  return changes;
}

function changeRow(
  action: SubscriptionChangeRow['action'], before: Audited | undefined, after: Audited | undefined, actor: string, source: SubscriptionRow['source'], clock: Clock,
  id = ((before ?? after) as SubscriptionRow).id, reason?: string,
): Omit<SubscriptionChangeRow, 'seq'> {
  return { subscriptionId: id, at: clock.now().toISOString(), actor, action, source, data: JSON.stringify({ changes: changesOf(before, after), ...(reason && { reason }) }) };
}

function changeView(row: SubscriptionChangeRow): WebhookSubscriptionChange {
  const data = JSON.parse(row.data) as Pick<WebhookSubscriptionChange, 'changes' | 'reason'>;
  return { seq: row.seq, subscriptionId: row.subscriptionId, at: row.at, actor: row.actor, action: row.action, source: row.source, changes: data.changes, ...(data.reason && { reason: data.reason }) };
}

function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

function checkSecret(secret: string): void {
  const bytes = SECRET.test(secret) ? Buffer.from(secret.slice('whsec_'.length), 'base64').length : 0;
  if (bytes < 24 || bytes > 64) {
    const message = 'a webhook secret is "whsec_" followed by the base64 of 24 to 64 random bytes (Standard Webhooks)';
    throw new StratumError('invalid', message, { errors: [{ field: '/secret', message }] });
  }
}

/** A type no event has (a typo in the STRATUM_WEBHOOKS file) would leave the subscription silently without its events. */
function checkTypes(types: string[] | undefined, field: string): void {
  const known = ORDER_STATUSES.map(orderEventType);
  const errors = (types ?? []).flatMap((type, index) => known.includes(type) ? [] : [{
    field: `${field}/${index}`, message: `no event has the type ${JSON.stringify(type)}; the types are ${known.join(', ')}`,
  }]);
  if (errors.length) throw new StratumError('invalid', `webhook subscription: ${errors[0].message}`, { errors });
}

/** A URL with a masked credential (`***`) that keptUrl has nothing to keep for: the credential itself is needed. */
function maskedWithoutStored(url: string): StratumError {
  const message = `webhook URL ${redactedUrl(url)} has ${MASK} for a credential, which keeps the stored one only when sent back for the same subscription `
    + 'with the scheme, host, port and path of its stored URL and a parameter (or user name) it has; send the credential itself';
  return new StratumError('invalid', message, { errors: [{ field: '/url', message }], reason: 'masked-credential' });
}

function subscriptionView(row: SubscriptionRow, now: string): WebhookSubscription {
  return {
    id: row.id, url: redactedUrl(row.url), types: row.types, source: row.source, createdAt: row.createdAt, createdBy: row.createdBy,
    previousSecretUntil: row.previousSecret && row.previousSecretUntil && now < row.previousSecretUntil ? row.previousSecretUntil : null,
  };
}

async function deliveryViews(tx: StoreTx, rows: WebhookDeliveryRow[]): Promise<WebhookDeliveryView[]> {
  const attempts = await tx.outbox.attemptsOf(rows.map((row) => row.id));
  return rows.map((row) => ({
    id: row.id, subscriptionId: row.subscriptionId, eventId: row.eventId, eventType: row.eventType, eventSeq: row.eventSeq, orderNo: row.orderNo,
    // a pending delivery blocked behind an earlier event of its order has no time of its own yet
    status: row.status, attempts: row.attempts, nextAttemptAt: row.status === 'pending' && row.nextAttemptAt !== BLOCKED_UNTIL ? row.nextAttemptAt : null, deadAfter: row.deadAfter,
    lastStatus: row.lastStatus, lastError: row.lastError, createdAt: row.createdAt, deliveredAt: row.deliveredAt,
    log: attempts.filter((attempt) => attempt.deliveryId === row.id)
      .map((attempt) => ({ at: attempt.at, durationMs: attempt.durationMs, statusCode: attempt.statusCode, error: attempt.error })),
  }));
}

/**
 * A page of the delivery log that ends after the whole of an event, since the cursor is an event number and
 * several subscriptions share one: `rows` are `limit + 1` rows, the one past the page saying whether the page's
 * last event goes on. If it does, the page ends before that event; if that event is all the page holds (more
 * subscriptions than `limit`), the page takes the rest of it, which no later page could name.
 */
async function wholeEvents(tx: StoreTx, query: WebhookDeliveryQuery, rows: WebhookDeliveryRow[]): Promise<{ rows: WebhookDeliveryRow[]; next: number | null }> {
  if (rows.length <= query.limit) return { rows, next: null };
  const page = rows.slice(0, query.limit);
  const last = page.at(-1)!.eventSeq;
  if (rows[query.limit].eventSeq !== last) return { rows: page, next: last };
  const before = page.filter((row) => row.eventSeq < last);
  if (before.length > 0) return { rows: before, next: before.at(-1)!.eventSeq };
  // an event has at most one delivery per subscription
  const subscriptions = (await tx.outbox.listSubscriptions()).length;
  const event = (await tx.outbox.findDeliveries({ ...query, after: last - 1, limit: subscriptions + 1 })).filter((row) => row.eventSeq === last);
  const more = await tx.outbox.findDeliveries({ ...query, after: last, limit: 1 });
  return { rows: event, next: more.length > 0 ? last : null };
}
