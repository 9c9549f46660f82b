// Webhook delivery: a loop of its own, beside the steps, that never holds one
// up. Each round it
//   1. fans new outbox events out into one delivery row per matching subscription
//      (each subscription remembers the last event it took),
//   2. leases due deliveries (a lease, not a lock: another server takes a
//      delivery over when the lease of a crashed one runs out), at most as many
//      as it has free slots (bounded concurrency),
//   3. POSTs each as a CloudEvent (structured JSON) signed per Standard Webhooks,
//      with a timeout, and records the attempt: delivered on 2xx, else retried
//      with exponential backoff and full jitter until `retryForMs` has passed
//      since the event, then dead-lettered.
// Events of one order reach a subscription in order: a delivery is due only
// when no earlier event of its order is pending for that subscription.
// At least once: a delivery sent but not recorded (crash, lost lease) is sent
// again, with the same `webhook-id` (the event's id).
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Clock, WebhookDeliveryOptions } from '../api.js';
import type { OrderEventRow, Store, WebhookAttemptRow, WebhookClaim } from '../store/types.js';
import { withoutCredentials } from './redacted-url.js';
import { ForbiddenTargetError, postWebhook, type TargetPolicy } from './webhook-targets.js';

const DEFAULT_RETRY_FOR_MS = 24 * 60 * 60_000;
const DAY_MS = 24 * 60 * 60_000;
const DEFAULTS = {
  intervalMs: 1000, concurrency: 8, timeoutMs: 10_000, retryForMs: DEFAULT_RETRY_FOR_MS, secretGraceMs: DAY_MS, backoff: { baseMs: 5000, maxMs: 60 * 60_000 }, fanOutBatch: 500,
  retentionMs: 30 * DAY_MS, deadLetterRetentionMs: 30 * DAY_MS, pruneEveryMs: 60 * 60_000, pruneBatch: 1000,
};

/** The wait before attempt `attempts + 1`: exponential, capped, with full jitter over its upper half. */
function backoffMs(attempts: number, backoff: { baseMs: number; maxMs: number }, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}

/** What a receiver gets: the stored CloudEvent with its outbox number (`stratumseq`), the same bytes on every attempt. */
export function eventBody(event: Pick<OrderEventRow, 'seq' | 'payload'>): string {
  return JSON.stringify({ ...(JSON.parse(event.payload) as Record<string, unknown>), stratumseq: event.seq });
}

export class WebhookDelivery {
  private readonly owner: string;
  private readonly settings: typeof DEFAULTS;
  private readonly random: () => number;
  readonly targets: TargetPolicy;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  /** The next round fans new events out first: a step of this server wrote some. */
  private fanOutDue = true;
  /** When (performance.now()) a round last fanned out. */
  private fannedOutAt = Number.NEGATIVE_INFINITY;
  private started = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** Attempt outcomes waiting for the next recording transaction. */
  private readonly unrecorded: (AttemptResult & { resolve: () => void; reject: (error: unknown) => void })[] = [];
  private recording: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  /** When (by the clock) the next pruning is due; the first round prunes. */
  private nextPruneAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    options: WebhookDeliveryOptions = {},
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    this.owner = options.owner ?? `stratum-${randomUUID()}`;
    this.random = options.random ?? Math.random;
    this.targets = { allowPrivate: options.allowPrivateTargets ?? false };
    this.settings = {
      intervalMs: options.intervalMs ?? DEFAULTS.intervalMs,
      concurrency: Math.max(1, options.concurrency ?? DEFAULTS.concurrency),
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      retryForMs: options.retryForMs ?? DEFAULTS.retryForMs,
      secretGraceMs: Math.max(0, options.secretGraceMs ?? DEFAULTS.secretGraceMs),
      backoff: options.backoff ?? DEFAULTS.backoff,
      fanOutBatch: options.fanOutBatch ?? DEFAULTS.fanOutBatch,
      retentionMs: options.retentionMs ?? DEFAULTS.retentionMs,
      deadLetterRetentionMs: options.deadLetterRetentionMs ?? DEFAULTS.deadLetterRetentionMs,
      pruneEveryMs: options.pruneEveryMs ?? DEFAULTS.pruneEveryMs,
      pruneBatch: options.pruneBatch ?? DEFAULTS.pruneBatch,
    };
  }

  get retryForMs(): number {
    return this.settings.retryForMs;
  }

  get secretGraceMs(): number {
    return this.settings.secretGraceMs;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.wake();
  }

  /** Runs a round soon that fans new events out first (a step wrote events). */
  wake(): void {
    this.fanOutDue = true;
    this.soon();
  }

  /** Runs a round soon (a delivery finished and freed a slot); it fans out only if a step or the interval asked. */
  private soon(): void {
    if (!this.started || this.stopping.signal.aborted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.loop(), 0);
  }

  /** Stops the rounds; requests in flight are cut off (their leases run out and another round sends them again). */
  async stop(): Promise<void> {
    this.started = false;
    this.stopping.abort();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await Promise.allSettled([...this.inFlight]);
  }

  /**
   * One round: fan out (unless `fanOut` is false), lease, send (without waiting for the answers).
   * Resolves with the number of deliveries sent.
   */
  async round(options: { fanOut?: boolean } = {}): Promise<number> {
    if (options.fanOut ?? true) await this.fanOut();
    await this.pruneIfDue();
    const slots = this.settings.concurrency - this.inFlight.size;
    if (slots <= 0) return 0;
    const now = this.clock.now();
    const leaseUntil = new Date(now.getTime() + this.settings.timeoutMs + 30_000).toISOString();
    const claims = await this.store.transaction((tx) => tx.outbox.claimDeliveries(now.toISOString(), this.owner, leaseUntil, slots));
    for (const claim of claims) {
      const sending: Promise<void> = this.send(claim)
        .catch((error: unknown) => this.onError(error))
        .finally(() => {
          this.inFlight.delete(sending);
          this.soon();
        });
      this.inFlight.add(sending);
    }
    return claims.length;
  }

  /** Waits until every request in flight is answered and recorded (tests). */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private loop(): void {
    this.timer = null;
    this.running = (async () => {
      try {
        // A round for a freed slot fans out only once an interval has passed (events another server
        // wrote): on PostgreSQL that read per delivery held catching up to a few dozen a second.
        const fanOut = this.fanOutDue || performance.now() - this.fannedOutAt >= this.settings.intervalMs;
        this.fanOutDue = false;
        if (fanOut) this.fannedOutAt = performance.now();
        await this.round({ fanOut });
      } catch (error) {
        this.onError(error);
      }
    })().finally(() => {
      this.running = null;
      if (!this.started) return;
      if (this.again) {
        this.again = false;
        this.timer = setTimeout(() => this.loop(), 0);
      } else {
        this.timer = setTimeout(() => this.loop(), this.settings.intervalMs);
      }
    });
  }

  private async fanOut(): Promise<void> {
    // A read first: most rounds have nothing new, and need no write transaction.
    const behind = await this.store.read(async (tx) => {
      const latest = await tx.outbox.latestEventSeq();
      return (await tx.outbox.listSubscriptions()).some((subscription) => subscription.cursor < latest);
    });
    if (!behind) return;
    await this.store.transaction(async (tx) => {
      const subscriptions = await tx.outbox.listSubscriptions({ lock: true });
      if (!subscriptions.length) return;
      const now = this.clock.now();
      const createdAt = now.toISOString();
      for (const subscription of subscriptions) {
        const events = await tx.outbox.findOrderEvents({ after: subscription.cursor, limit: this.settings.fanOutBatch });
        if (!events.length) continue;
        for (const event of events) {
          if (subscription.types.length && !subscription.types.includes(event.type)) continue;
          await tx.outbox.insertDelivery({
            id: randomUUID(), subscriptionId: subscription.id, eventSeq: event.seq, orderNo: event.orderNo, status: 'pending', attempts: 0,
            nextAttemptAt: createdAt, deadAfter: new Date(Date.parse(event.at) + this.settings.retryForMs).toISOString(),
            leaseOwner: null, leaseUntil: null, lastStatus: null, lastError: null, createdAt, deliveredAt: null,
          });
        }
        await tx.outbox.setSubscriptionCursor(subscription.id, events.at(-1)!.seq);
      }
    });
  }

  /**
   * Every `pruneEveryMs` (by the clock), removes the dead letters that died more than `deadLetterRetentionMs`
   * ago, then what was delivered more than `retentionMs` ago (with the events no delivery needs any more,
   * those of the dead letters just removed included), a batch of each per transaction (a full batch prunes
   * again next round). Pending deliveries are never removed.
   */
  private async pruneIfDue(): Promise<void> {
    const now = this.clock.now().getTime();
    const { retentionMs, deadLetterRetentionMs, pruneBatch } = this.settings;
    if ((retentionMs <= 0 && deadLetterRetentionMs <= 0) || now < this.nextPruneAt) return;
    const removed = await this.store.transaction(async (tx) => {
      const dead = deadLetterRetentionMs > 0 ? await tx.outbox.pruneDead(new Date(now - deadLetterRetentionMs).toISOString(), pruneBatch) : { deliveries: 0 };
      const delivered = retentionMs > 0 ? await tx.outbox.pruneDelivered(new Date(now - retentionMs).toISOString(), pruneBatch) : { deliveries: 0, events: 0 };
      return { dead: dead.deliveries, delivered: delivered.deliveries, events: delivered.events };
    });
    const more = removed.dead === pruneBatch || removed.delivered === pruneBatch || removed.events === pruneBatch;
    this.nextPruneAt = more ? now : now + this.settings.pruneEveryMs;
  }

  private async send(claim: WebhookClaim): Promise<void> {
    const body = eventBody({ seq: claim.eventSeq, payload: claim.payload });
    const sentAt = this.clock.now();
    // the signed timestamp is the real moment of sending: receivers refuse one outside their tolerance (replays)
    const signedAt = new Date();
    const began = performance.now();
    let statusCode: number | null = null;
    let error: string | null = null;
    const timeout = AbortSignal.timeout(this.settings.timeoutMs);
    try {
      // Standard Webhooks: several space-separated `v1,<sig>`; a receiver accepts the event if one verifies
      const secrets = claim.previousSecret && claim.previousSecretUntil && sentAt.toISOString() < claim.previousSecretUntil
        ? [claim.secret, claim.previousSecret] : [claim.secret];
      const signature = secrets.map((secret) => new Webhook(secret).sign(claim.eventId, signedAt, body)).join(' ');
      const answer = await postWebhook(claim.url, {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        'user-agent': 'Stratum-Webhooks/1',
        'webhook-id': claim.eventId,
        'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
        'webhook-signature': signature,
      }, body, AbortSignal.any([timeout, this.stopping.signal]), this.targets);
      statusCode = answer.status;
      // a redirect is not followed: it is a failed attempt like any other answer outside 2xx
      if (answer.status < 200 || answer.status > 299) error = `HTTP ${answer.status}: ${answer.text}`;
    } catch (failure) {
      error = timeout.aborted ? `no answer within ${this.settings.timeoutMs} ms` : describe(failure);
    }
    // the delivery log is shown to operators, who see the URL masked
    if (error !== null) error = withoutCredentials(error, claim.url);
    if (this.stopping.signal.aborted && statusCode === null) return; // shutting down: the lease runs out, the delivery is sent again
    const at = this.clock.now();
    const delivered = error === null;
    const dead = !delivered && at.toISOString() >= claim.deadAfter;
    const nextAttemptAt = delivered || dead ? at.toISOString() : new Date(at.getTime() + backoffMs(claim.attempts + 1, this.settings.backoff, this.random)).toISOString();
    await this.record({
      attempt: { deliveryId: claim.id, at: sentAt.toISOString(), durationMs: Math.round(performance.now() - began), statusCode, error },
      outcome: { owner: this.owner, status: delivered ? 'delivered' : dead ? 'dead' : 'pending', nextAttemptAt, at: at.toISOString() },
    });
  }

  /**
   * Records an attempt's outcome. Outcomes that arrive while a recording transaction runs are
   * written together in the next one: one transaction per batch, not per delivery (on PostgreSQL
   * a transaction is several round trips). A batch that fails leaves its deliveries leased; they
   * are sent again when the lease runs out (at least once, the same webhook-id).
   */
  private record(result: AttemptResult): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.unrecorded.push({ ...result, resolve, reject });
      this.recording ??= this.recordBatches().finally(() => (this.recording = null));
    });
  }

  private async recordBatches(): Promise<void> {
    while (this.unrecorded.length) {
      const batch = this.unrecorded.splice(0);
      try {
        await this.store.transaction(async (tx) => {
          for (const { attempt, outcome } of batch) await tx.outbox.finishAttempt(attempt, outcome);
        });
        for (const item of batch) item.resolve();
      } catch (error) {
        for (const item of batch) item.reject(error);
      }
    }
  }
}

interface AttemptResult {
  attempt: Omit<WebhookAttemptRow, 'seq'>;
  outcome: { owner: string; status: 'pending' | 'delivered' | 'dead'; nextAttemptAt: string; at: string };
}

// helpers

function describe(failure: unknown): string {
  if (failure instanceof ForbiddenTargetError) return failure.message;
  const error = failure as { name?: string; message?: string; code?: string; cause?: { code?: string; message?: string } };
  if (error.code && error.message && !error.message.includes(error.code)) return `${error.message} (${error.code})`.slice(0, 500);
  const cause = error.cause?.code ?? error.cause?.message;
  return `${error.message ?? String(failure)}${cause ? ` (${cause})` : ''}`.slice(0, 500);
}
