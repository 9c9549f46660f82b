// The outbox as integrators use it: order events to pull, webhook
// subscriptions (from the API or a configuration file), their delivery log,
// dead letters and redelivery. Sending is webhook-delivery.ts's.
import { randomBytes, randomUUID } from 'node:crypto';
import type {
  Actor, Clock, OrderEvent, OrderEventQuery, Outbox, WebhookDeliveryQuery, WebhookDeliveryView, WebhookSubscription, WebhookSubscriptionInput,
} from '../api.js';
import { conflict, notFound, StratumError } from '../errors.js';
import type { Store, StoreTx, SubscriptionRow, WebhookDeliveryRow } from '../store/types.js';
import { BLOCKED_UNTIL } from '../store/outbox-rows.js';
import { ORDER_STATUSES } from '../orders/order-status.js';
import { orderEventType } from './order-events.js';
import { eventBody, type WebhookDelivery } from './webhook-delivery.js';
import { redactedUrl } from './redacted-url.js';
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
    await checkWebhookUrl(keptUrl(input.url, known), this.sender.targets);
    const row = await this.store.transaction(async (tx) => {
      const existing = input.id === undefined ? undefined : await tx.outbox.getSubscription(input.id);
      if (existing?.source === 'config') throw conflict(`subscription ${existing.id} comes from the configuration file; change it there`);
      const saved: SubscriptionRow = {
        id: input.id ?? randomUUID(), url: keptUrl(input.url, existing), secret, ...this.previousSecret(existing, secret), types: [...new Set(input.types ?? [])], source: 'api',
        // a new subscription gets the events from now on; a replaced one keeps its place
        cursor: existing?.cursor ?? (await tx.outbox.latestEventSeq()),
        createdAt: existing?.createdAt ?? this.clock.now().toISOString(), createdBy: existing?.createdBy ?? actor.name,
      };
      await tx.outbox.saveSubscription(saved);
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

  async unsubscribe(id: string): Promise<void> {
    const removed = await this.store.transaction((tx) => tx.outbox.deleteSubscription(id));
    if (!removed) throw notFound(`no webhook subscription ${id}`);
  }

  async configure(subscriptions: (WebhookSubscriptionInput & { id: string; secret: string })[]): Promise<void> {
    for (const subscription of subscriptions) checkSecret(subscription.secret);
    for (const subscription of subscriptions) checkTypes(subscription.types, `/subscriptions/${subscription.id}/types`);
    for (const subscription of subscriptions) await checkWebhookUrl(subscription.url, this.sender.targets, `/subscriptions/${subscription.id}/url`);
    await this.store.transaction(async (tx) => {
      const existing = new Map((await tx.outbox.listSubscriptions()).map((row) => [row.id, row]));
      const latest = await tx.outbox.latestEventSeq();
      const now = this.clock.now().toISOString();
      for (const subscription of subscriptions) {
        const before = existing.get(subscription.id);
        if (before?.source === 'api') throw conflict(`subscription ${subscription.id} of the configuration file was created through the API; give it another id`);
        await tx.outbox.saveSubscription({
          id: subscription.id, url: subscription.url, secret: subscription.secret, ...this.previousSecret(before, subscription.secret), types: [...new Set(subscription.types ?? [])], source: 'config',
          cursor: before?.cursor ?? latest, createdAt: before?.createdAt ?? now, createdBy: before?.createdBy ?? 'system',
        });
      }
      const kept = new Set(subscriptions.map((subscription) => subscription.id));
      for (const row of existing.values()) {
        if (row.source === 'config' && !kept.has(row.id)) await tx.outbox.deleteSubscription(row.id);
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

/**
 * The URL a replacement stores: the URL as GET shows it (its credentials masked), sent back to change the
 * types or the secret, keeps the stored one with its credentials; any other URL is stored as sent.
 */
function keptUrl(url: string, existing: SubscriptionRow | undefined): string {
  return existing && url !== existing.url && url === redactedUrl(existing.url) ? existing.url : url;
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
