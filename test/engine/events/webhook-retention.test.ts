// Pruning the outbox (issue 13, item 3): deliveries delivered longer ago than
// the retention, their attempt logs and the events no delivery needs any more
// are removed by the delivery loop, by its clock; pending deliveries (and their
// events) stay, and so does each order's latest event. Dead letters are kept for
// a retention of their own after they died, then removed in batches.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum, type WebhookDeliveryOptions } from '../../../engine/index.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import type { Store } from '../../../engine/store/types.js';
import { describePostgres, freshSchema, inSchema } from '../../support/postgres.js';
import { enter, erp, ManualClock, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('a secret the ERP and Stratum share, 32 bytes!').toString('base64')}`;
const DAY = 24 * 60 * 60_000;

const dirs: string[] = [];
const opened: Stratum[] = [];
const receivers: WebhookReceiver[] = [];
afterEach(async () => {
  for (const stratum of opened.splice(0)) await stratum.close();
  for (const receiver of receivers.splice(0)) await receiver.stop();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// helpers

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-retention-'));
  dirs.push(dir);
  return openStore({ dataDir: dir });
}

async function postgresStore(): Promise<Store> {
  const store = new PostgresStore(inSchema(await freshSchema()));
  await store.migrate();
  return store;
}

async function open(webhooks: WebhookDeliveryOptions, store?: Store) {
  const clock = new ManualClock();
  const stratum = await openStratum({
    store: store ?? await sqliteStore(), clock, orderEntry: { rates: SAMPLE_RATES },
    webhooks: { allowPrivateTargets: true, backoff: { baseMs: 1000, maxMs: 60_000 }, ...webhooks },
  });
  opened.push(stratum);
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  return { stratum, clock };
}

async function receiver(): Promise<WebhookReceiver> {
  const started = await new WebhookReceiver(SECRET).start();
  receivers.push(started);
  return started;
}

/** An order that waits for the vice-president, approved: two events (waiting-for-approval, in-planning). */
async function enterApproved(stratum: Stratum, orderNo: string) {
  await enter(stratum.runtime, order(orderNo, 700_000));
  const [task] = await stratum.runtime.findTasks({ businessKey: orderNo });
  await stratum.runtime.completeTask(task.id, { approved: true }, vicePresident);
}

async function deliverAll(stratum: Stratum) {
  while (await stratum.outbox.deliverNow()) { /* until nothing is due */ }
}

async function eventTypes(stratum: Stratum, orderNo: string): Promise<string[]> {
  return (await stratum.outbox.events({ after: 0, limit: 100, orderNo })).items.map((event) => event.type);
}

async function deliveriesOf(stratum: Stratum, subscriptionId: string, orderNo: string) {
  return (await stratum.outbox.deliveries({ subscriptionId, limit: 100 })).items.filter((delivery) => delivery.orderNo === orderNo);
}

describe('pruning delivered webhook rows', () => {
  it('removes what was delivered more than 30 days ago, with its log and its events, and keeps the younger and each order\'s latest event', async () => {
    const { stratum, clock } = await open({ retentionMs: 30 * DAY, pruneEveryMs: 60 * 60_000 });
    const hooks = await receiver();
    const subscription = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    await enterApproved(stratum, 'OLD-1');
    await deliverAll(stratum);
    clock.advance(20 * DAY);
    await enterApproved(stratum, 'YOUNG-1');
    await deliverAll(stratum);
    expect(await deliveriesOf(stratum, subscription.id, 'OLD-1')).toHaveLength(2);

    clock.advance(9 * DAY); // OLD-1 delivered 29 days ago: kept
    await deliverAll(stratum);
    expect(await deliveriesOf(stratum, subscription.id, 'OLD-1')).toHaveLength(2);

    clock.advance(1 * DAY + 60_000); // 30 days and a minute
    await stratum.outbox.deliverNow();
    expect(await deliveriesOf(stratum, subscription.id, 'OLD-1')).toEqual([]);
    // the first event went with its delivery; the latest stays (the next event's previousStatus comes from it)
    expect(await eventTypes(stratum, 'OLD-1')).toEqual(['stratum.order.in-planning']);
    const young = await deliveriesOf(stratum, subscription.id, 'YOUNG-1');
    expect(young.map((delivery) => [delivery.status, delivery.log.length])).toEqual([['delivered', 1], ['delivered', 1]]);
    expect(await eventTypes(stratum, 'YOUNG-1')).toEqual(['stratum.order.waiting-for-approval', 'stratum.order.in-planning']);
    // an old order goes on as before: its next event follows the kept one
    for (const type of ['procurement-planning', 'production-planning']) {
      const [job] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'erp', businessKey: 'OLD-1' });
      await stratum.runtime.completeJob(job.id, {}, erp, 'erp');
    }
    const next = (await stratum.outbox.events({ after: 0, limit: 100, orderNo: 'OLD-1' })).items.at(-1)!;
    expect(next.data).toMatchObject({ status: 'shipping', previousStatus: 'in-planning' });
  });

  it('never removes a pending delivery, however old, nor a dead letter younger than its own retention, nor the events they need', async () => {
    const { stratum, clock } = await open({ retentionMs: 30 * DAY, pruneEveryMs: 60 * 60_000, retryForMs: 35 * DAY });
    const good = await receiver();
    const down = await receiver();
    down.mode = 'fail';
    const working = await stratum.outbox.subscribe({ url: good.url, secret: SECRET }, erp);
    const failing = await stratum.outbox.subscribe({ url: down.url, secret: SECRET }, erp);
    await enter(stratum.runtime, order('STUCK-1', 700_000)); // one event, day 0
    await deliverAll(stratum);
    clock.advance(5 * DAY);
    await enter(stratum.runtime, order('STUCK-2', 700_000)); // one event, day 5
    for (let day = 5; day < 37; day++) {
      await deliverAll(stratum);
      clock.advance(DAY);
    }
    await deliverAll(stratum);
    // day 37: the working subscription's deliveries of both orders are past the retention and gone
    expect(await deliveriesOf(stratum, working.id, 'STUCK-1')).toEqual([]);
    expect(await deliveriesOf(stratum, working.id, 'STUCK-2')).toEqual([]);
    // the failing one's: STUCK-1 dead-lettered after 35 days, STUCK-2 still retried; both kept with their logs
    const [dead] = await deliveriesOf(stratum, failing.id, 'STUCK-1');
    const [pending] = await deliveriesOf(stratum, failing.id, 'STUCK-2');
    expect(dead.status).toBe('dead');
    expect(pending.status).toBe('pending');
    expect(dead.log.length).toBeGreaterThan(30);
    expect(pending.log.length).toBeGreaterThan(25);
    expect(await eventTypes(stratum, 'STUCK-1')).toEqual(['stratum.order.waiting-for-approval']);
    // redelivered once the receiver is back, from the kept event
    down.mode = 'ok';
    await stratum.outbox.redeliver(dead.id);
    clock.advance(2 * 60_000); // the pending one's next attempt is due within the one-minute backoff cap
    await deliverAll(stratum);
    expect(down.typesOf('STUCK-1')).toEqual(['stratum.order.waiting-for-approval']);
    expect(down.typesOf('STUCK-2')).toEqual(['stratum.order.waiting-for-approval']);
  });

  it('prunes the old events when no event is younger than the retention (the read stops at the first younger one)', async () => {
    const { stratum, clock } = await open({ retentionMs: 30 * DAY, pruneEveryMs: 60 * 60_000 });
    await enterApproved(stratum, 'QUIET-1');
    await stratum.outbox.deliverNow();
    expect(await eventTypes(stratum, 'QUIET-1')).toEqual(['stratum.order.waiting-for-approval', 'stratum.order.in-planning']);
    clock.advance(31 * DAY); // nothing happened since: every event is older than the cutoff
    await stratum.outbox.deliverNow();
    expect(await eventTypes(stratum, 'QUIET-1')).toEqual(['stratum.order.in-planning']);
  });

  it('keeps everything with a retention of 0', async () => {
    const { stratum, clock } = await open({ retentionMs: 0 });
    const hooks = await receiver();
    const subscription = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    await enterApproved(stratum, 'KEEP-1');
    await deliverAll(stratum);
    clock.advance(400 * DAY);
    await stratum.outbox.deliverNow();
    expect(await deliveriesOf(stratum, subscription.id, 'KEEP-1')).toHaveLength(2);
    expect(await eventTypes(stratum, 'KEEP-1')).toHaveLength(2);
  });
});

/** Dead letters on each store: kept for their retention after they died, then removed with their logs, a batch at a time. */
function describeDeadLetterPruning(name: string, storeOf: () => Promise<Store>) {
  describe(`pruning dead letters on ${name}`, () => {
    it('removes dead letters 30 days after they died, with their logs, a batch per round, and never a pending or delivered delivery', async () => {
      const { stratum, clock } = await open({
        retentionMs: 90 * DAY, deadLetterRetentionMs: 30 * DAY, pruneEveryMs: 60 * 60_000, pruneBatch: 2, retryForMs: 60 * 60_000,
      }, await storeOf());
      const down = await receiver();
      const good = await receiver();
      down.mode = 'fail';
      const failing = await stratum.outbox.subscribe({ url: down.url, secret: SECRET }, erp);
      const working = await stratum.outbox.subscribe({ url: good.url, secret: SECRET }, erp);
      for (const orderNo of ['GONE-1', 'GONE-2', 'GONE-3', 'GONE-4']) await enter(stratum.runtime, order(orderNo, 700_000));
      await deliverAll(stratum);
      clock.advance(61 * 60_000); // past the one-hour retry period: the next failed attempt dead-letters them
      await deliverAll(stratum);
      const deadOf = async () => (await stratum.outbox.deliveries({ subscriptionId: failing.id, status: 'dead', limit: 100 })).items;
      const dead = await deadOf();
      expect(dead.map((delivery) => delivery.orderNo)).toEqual(['GONE-1', 'GONE-2', 'GONE-3', 'GONE-4']);
      // a younger one, dead-lettered 10 days later
      clock.advance(10 * DAY);
      await enter(stratum.runtime, order('YOUNG-DEAD', 700_000));
      await deliverAll(stratum);
      clock.advance(61 * 60_000);
      await deliverAll(stratum);

      clock.advance(20 * DAY - 2 * 60 * 60_000); // the first four died 30 days ago less an hour: kept
      await stratum.outbox.deliverNow();
      expect((await deadOf()).map((delivery) => delivery.orderNo)).toEqual(['GONE-1', 'GONE-2', 'GONE-3', 'GONE-4', 'YOUNG-DEAD']);

      clock.advance(2 * 60 * 60_000); // 30 days and an hour
      // a dead letter redelivered is live again: it stays, pending, whatever its age
      await stratum.outbox.redeliver(dead[2].id);
      await stratum.outbox.deliverNow(); // two go in this round (the batch) …
      expect((await deadOf()).map((delivery) => delivery.orderNo)).toEqual(['GONE-4', 'YOUNG-DEAD']);
      await stratum.outbox.deliverNow(); // … the third in the next
      expect((await deadOf()).map((delivery) => delivery.orderNo)).toEqual(['YOUNG-DEAD']);
      for (const gone of [dead[0], dead[1], dead[3]]) expect(await stratum.outbox.delivery(gone.id)).toBeUndefined();
      // the redelivered one is pending (still failing), the working subscription's deliveries are delivered: all kept with their logs
      const redelivered = await stratum.outbox.delivery(dead[2].id);
      expect(redelivered).toMatchObject({ status: 'pending', orderNo: 'GONE-3' });
      expect(redelivered!.log.length).toBeGreaterThan(2);
      const delivered = (await stratum.outbox.deliveries({ subscriptionId: working.id, limit: 100 })).items;
      expect(delivered.map((delivery) => [delivery.orderNo, delivery.status, delivery.log.length])).toEqual([
        ['GONE-1', 'delivered', 1], ['GONE-2', 'delivered', 1], ['GONE-3', 'delivered', 1], ['GONE-4', 'delivered', 1], ['YOUNG-DEAD', 'delivered', 1],
      ]);

      clock.advance(10 * DAY + 60 * 60_000); // the young one's 30 days too; the redelivered one died again meanwhile, and its 30 days start anew
      await stratum.outbox.deliverNow();
      expect((await deadOf()).map((delivery) => delivery.orderNo)).toEqual(['GONE-3']);
      expect((await stratum.outbox.deliveries({ subscriptionId: working.id, limit: 100 })).items).toHaveLength(5);
    });

    it('keeps dead letters with a dead-letter retention of 0', async () => {
      const { stratum, clock } = await open({ deadLetterRetentionMs: 0, retryForMs: 60 * 60_000 }, await storeOf());
      const down = await receiver();
      down.mode = 'fail';
      const failing = await stratum.outbox.subscribe({ url: down.url, secret: SECRET }, erp);
      await enter(stratum.runtime, order('KEPT-DEAD', 700_000));
      await deliverAll(stratum);
      clock.advance(61 * 60_000);
      await deliverAll(stratum);
      clock.advance(400 * DAY);
      await stratum.outbox.deliverNow();
      expect((await stratum.outbox.deliveries({ subscriptionId: failing.id, status: 'dead', limit: 100 })).items).toHaveLength(1);
    });
  });
}

describeDeadLetterPruning('SQLite', sqliteStore);
describePostgres('the outbox on PostgreSQL', () => describeDeadLetterPruning('PostgreSQL', postgresStore));
