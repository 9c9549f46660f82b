// A receiver down for ten minutes (issue 13, item 4), on a fake clock: orders
// are entered and worked while every connection to the receiver is refused;
// the delivery loop retries with its default backoff (about 5 s, doubling,
// full jitter over the upper half); once the receiver is back every event
// arrives, once, in order per order. The clock jumps straight to the next
// due attempt, so the attempt times in the log are the backoff itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum, type WebhookDeliveryView } from '../../../engine/index.js';
import { enter, erp, ManualClock, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('a secret the ERP and Stratum share, 32 bytes!').toString('base64')}`;
const MINUTE = 60_000;
const DOWN_FOR = 12 * MINUTE;

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

// helpers

/** Each order's first pending delivery (the one its later events wait behind). */
function heads(pending: WebhookDeliveryView[]): WebhookDeliveryView[] {
  const first = new Map<string, WebhookDeliveryView>();
  for (const delivery of pending) {
    const known = first.get(delivery.orderNo);
    if (!known || delivery.eventSeq < known.eventSeq) first.set(delivery.orderNo, delivery);
  }
  return [...first.values()];
}

describe('a receiver down for ten minutes while orders run', () => {
  it('gets every event once it is back, in order per order, after attempts spaced by growing, jittered waits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-down-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const clock = new ManualClock();
    // the default backoff (5 s base, 1 h cap) and retry period (24 h)
    const stratum: Stratum = await openStratum({ store: await openStore({ dataDir: dir }), clock, orderEntry: { rates: SAMPLE_RATES }, webhooks: { allowPrivateTargets: true } });
    cleanup.push(() => stratum.close());
    await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    const receiver = await new WebhookReceiver(SECRET).start();
    cleanup.push(() => receiver.stop());
    const subscription = await stratum.outbox.subscribe({ url: receiver.url, secret: SECRET }, erp);
    await receiver.stop();
    const start = clock.now().getTime();

    // the orders' steps, one a minute while the receiver is down: 5 orders entered, planned and shipped
    const steps: { at: number; run: () => Promise<unknown> }[] = [];
    for (let index = 0; index < 5; index++) {
      const orderNo = `DOWN-${index + 1}`;
      steps.push({ at: start + (index * 2 + 0.5) * MINUTE, run: () => enter(stratum.runtime, order(orderNo, 100)) });
      for (const [offset, type] of [[1, 'procurement-planning'], [1.5, 'production-planning'], [2, 'shipping']] as const) {
        steps.push({
          at: start + (index * 2 + 0.5 + offset) * MINUTE,
          run: async () => {
            const [job] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'erp', businessKey: orderNo });
            await stratum.runtime.completeJob(job.id, {}, erp, 'erp');
          },
        });
      }
    }
    steps.sort((a, b) => a.at - b.at);
    expect(steps.at(-1)!.at).toBeLessThan(start + DOWN_FOR);

    let back = false;
    for (let turn = 0; turn < 2000; turn++) {
      await stratum.outbox.deliverNow();
      const pending = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, status: 'pending', limit: 1000 })).items;
      if (!pending.length && !steps.length && back) break;
      const now = clock.now().getTime();
      const nextAttempt = Math.min(...heads(pending).map((delivery) => Date.parse(delivery.nextAttemptAt!)));
      const next = Math.max(now, Math.min(nextAttempt, steps[0]?.at ?? Infinity, back ? Infinity : start + DOWN_FOR));
      clock.advance(next - now);
      if (!back && next >= start + DOWN_FOR) {
        await receiver.start();
        back = true;
      }
      while (steps.length && steps[0].at <= next) await steps.shift()!.run();
    }

    expect(back).toBe(true);
    const events = (await stratum.outbox.events({ after: 0, limit: 1000 })).items;
    expect(events).toHaveLength(15); // in-planning, shipping, fulfilled of each
    // every event arrived, once, verified
    expect(receiver.received.map((entry) => entry.id).sort()).toEqual(events.map((event) => event.id).sort());
    expect(receiver.received.every((entry) => entry.verified)).toBe(true);
    // in order per order
    for (let index = 1; index <= 5; index++) {
      const orderNo = `DOWN-${index}`;
      expect(receiver.typesOf(orderNo)).toEqual(['stratum.order.in-planning', 'stratum.order.shipping', 'stratum.order.fulfilled']);
      const seqs = receiver.received.filter((entry) => entry.event.subject === orderNo).map((entry) => entry.event.stratumseq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }

    const log = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, limit: 1000 })).items;
    expect(log.every((delivery) => delivery.status === 'delivered')).toBe(true);
    // the first order's first event was tried over the whole outage: the waits between its attempts
    const first = log.find((delivery) => delivery.orderNo === 'DOWN-1' && delivery.eventType === 'stratum.order.in-planning')!;
    const times = first.log.map((attempt) => Date.parse(attempt.at));
    expect(first.log.at(-1)!.statusCode).toBe(204);
    expect(first.log.slice(0, -1).every((attempt) => attempt.statusCode === null && /ECONNREFUSED/.test(attempt.error ?? ''))).toBe(true);
    expect(times[0]).toBe(start + 0.5 * MINUTE);
    expect(times.at(-2)!).toBeLessThan(start + DOWN_FOR);
    const waits = times.slice(1).map((time, index) => time - times[index]);
    expect(waits.length).toBeGreaterThanOrEqual(7); // 5 s, 10 s, 20 s … past ten minutes
    // the failed attempts: each wait within [ceiling/2, ceiling] of its doubling ceiling (5 s · 2^n), so they grow
    for (const [index, wait] of waits.slice(0, -1).entries()) {
      const ceiling = Math.min(60 * MINUTE, 5000 * 2 ** index);
      expect(wait, `wait ${index + 1}`).toBeGreaterThanOrEqual(ceiling / 2 - 1);
      expect(wait, `wait ${index + 1}`).toBeLessThanOrEqual(ceiling + 1);
    }
    // jittered: not the bare ceilings, and not all at the same fraction of them
    const fractions = waits.slice(0, -1).map((wait, index) => wait / Math.min(60 * MINUTE, 5000 * 2 ** index));
    expect(new Set(fractions.map((fraction) => fraction.toFixed(3))).size).toBeGreaterThan(1);
    // the retry after the receiver came back is at most one ceiling after it
    expect(times.at(-1)! - (start + DOWN_FOR)).toBeLessThanOrEqual(Math.min(60 * MINUTE, 5000 * 2 ** (waits.length - 1)));
    // a later event of the order was not tried while the first waited: it went out once, after it
    const later = log.find((delivery) => delivery.orderNo === 'DOWN-1' && delivery.eventType === 'stratum.order.fulfilled')!;
    expect(later.log.length).toBeGreaterThanOrEqual(1);
    expect(Date.parse(later.log[0].at)).toBeGreaterThanOrEqual(times.at(-1)!);
  }, 120_000);
});
