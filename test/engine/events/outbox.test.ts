// Order events: written with the step that made them (never for one that
// rolled back), pulled in commit order, and delivered to webhooks signed,
// in order per order, retried while the receiver is down, dead-lettered,
// redelivered on request, and once per event across servers.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum, type WebhookDeliveryOptions } from '../../../engine/index.js';
import { StratumError } from '../../../engine/errors.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import type { Store } from '../../../engine/store/types.js';
import { describePostgres, freshSchema, inSchema, postgresAdmin } from '../../support/postgres.js';
import { director, enter, erp, ManualClock, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';
import { WebhookReceiver } from '../../support/webhook-receiver.js';

const SECRET = `whsec_${Buffer.from('a secret the ERP and Stratum share, 32 bytes!').toString('base64')}`;

/** A store whose next `failCommits` transactions roll back after their work ran (a full disk at COMMIT). */
function failing(base: Store) {
  const control = { failCommits: 0 };
  const transaction: Store['transaction'] = (work) => base.transaction(async (tx) => {
    const result = await work(tx);
    if (control.failCommits > 0) {
      control.failCommits--;
      throw new Error('the disk is full');
    }
    return result;
  });
  const store = new Proxy(base, {
    get(target, property) {
      if (property === 'transaction') return transaction;
      const value = Reflect.get(target, property, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, control };
}

async function approveAndFulfil(stratum: Stratum, orderNo: string, amount = 1_000_000.01) {
  await enter(stratum.runtime, order(orderNo, amount));
  for (const actor of amount > 1_000_000 ? [director, vicePresident] : amount > 500_000 ? [vicePresident] : []) {
    const [task] = await stratum.runtime.findTasks({ businessKey: orderNo });
    await stratum.runtime.completeTask(task.id, { approved: true }, actor);
  }
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    const [job] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'erp', businessKey: orderNo });
    await stratum.runtime.completeJob(job.id, {}, erp, 'erp');
  }
}

/**
 * Two subscriptions' deliveries of one event are leased; one subscription is deleted while its request is in
 * flight; both outcomes are then recorded in one transaction, as the delivery loop batches them. The deleted
 * one has nothing left to record; the other must be recorded all the same (it was re-sent once its lease ran out).
 */
async function finishAfterUnsubscribe(stratum: Stratum, store: Store, clock: ManualClock, hooks: WebhookReceiver, orderNo: string) {
  const gone = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
  const kept = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
  hooks.mode = 'fail';
  await enter(stratum.runtime, order(orderNo, 100));
  await stratum.outbox.deliverNow();
  clock.advance(10 * 60_000);
  const now = clock.now().toISOString();
  const claims = await store.transaction((tx) => tx.outbox.claimDeliveries(now, 'server-x', new Date(Date.parse(now) + 40_000).toISOString(), 10));
  expect(claims.map((claim) => claim.subscriptionId).sort()).toEqual([gone.id, kept.id].sort());
  await stratum.outbox.unsubscribe(gone.id, erp);
  await store.transaction(async (tx) => {
    for (const claim of claims) {
      await tx.outbox.finishAttempt(
        { deliveryId: claim.id, at: now, durationMs: 5, statusCode: 204, error: null },
        { owner: 'server-x', status: 'delivered', nextAttemptAt: now, at: now },
      );
    }
  });
  const [delivery] = (await stratum.outbox.deliveries({ subscriptionId: kept.id, limit: 10 })).items;
  expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, lastStatus: 204 });
  expect(await store.read((tx) => tx.outbox.findDeliveries({ subscriptionId: gone.id, limit: 10 }))).toEqual([]);
}

const FULFILLED_TRAIL = ['waiting-for-approval', 'in-planning', 'shipping', 'fulfilled'].map((status) => `stratum.order.${status}`);

describe('the order events outbox on SQLite', () => {
  const dirs: string[] = [];
  const opened: Stratum[] = [];
  const receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    for (const stratum of opened.splice(0)) await stratum.close();
    for (const receiver of receivers.splice(0)) await receiver.stop();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  async function open(webhooks: WebhookDeliveryOptions = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'stratum-outbox-'));
    dirs.push(dir);
    const clock = new ManualClock();
    const { store, control } = failing(await openStore({ dataDir: dir }));
    const stratum = await openStratum({ store, clock, orderEntry: { rates: SAMPLE_RATES }, webhooks: { allowPrivateTargets: true, ...webhooks } });
    opened.push(stratum);
    await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    return { stratum, store, clock, control };
  }

  async function receiver() {
    const started = await new WebhookReceiver(SECRET).start();
    receivers.push(started);
    return started;
  }

  it('writes one CloudEvent per status change of an order, numbered in commit order, for pull consumers', async () => {
    const { stratum } = await open();
    await approveAndFulfil(stratum, 'EV-1');
    const { items, next } = await stratum.outbox.events({ after: 0, limit: 100 });
    expect(items.map((event) => event.type)).toEqual(FULFILLED_TRAIL);
    expect(items[0]).toMatchObject({
      specversion: '1.0', source: '/stratum/orders', subject: 'EV-1', datacontenttype: 'application/json',
      data: { orderNo: 'EV-1', status: 'waiting-for-approval', previousStatus: null, customer: 'ACME', amount: '1000000.01', currency: 'CNY', paymentTerms: 'credit' },
    });
    expect(items[1].data).toMatchObject({ status: 'in-planning', previousStatus: 'waiting-for-approval' });
    expect(items.map((event) => event.stratumseq)).toEqual([...items.map((event) => event.stratumseq)].sort((a, b) => a - b));
    expect(next).toBe(items.at(-1)!.stratumseq);
    // a consumer that saw the first two asks for the rest
    const rest = await stratum.outbox.events({ after: items[1].stratumseq, limit: 100 });
    expect(rest.items.map((event) => event.type)).toEqual(FULFILLED_TRAIL.slice(2));
    expect((await stratum.outbox.events({ after: 0, limit: 100, type: 'stratum.order.fulfilled' })).items).toHaveLength(1);
  });

  it('writes no event for a step that rolled back, and the event once the step is taken again', async () => {
    const { stratum, control } = await open();
    await enter(stratum.runtime, order('EV-RB', 700_000));
    const [task] = await stratum.runtime.findTasks({ businessKey: 'EV-RB' });
    control.failCommits = 1;
    await expect(stratum.runtime.completeTask(task.id, { approved: true }, vicePresident)).rejects.toThrow('the disk is full');
    expect((await stratum.outbox.events({ after: 0, limit: 100 })).items.map((event) => event.type)).toEqual(['stratum.order.waiting-for-approval']);
    await stratum.runtime.completeTask(task.id, { approved: true }, vicePresident);
    expect((await stratum.outbox.events({ after: 0, limit: 100 })).items.map((event) => event.type))
      .toEqual(['stratum.order.waiting-for-approval', 'stratum.order.in-planning']);
  });

  it('writes no event when a step leaves the order where it stands (the director approves, the vice-president is next)', async () => {
    const { stratum } = await open();
    await enter(stratum.runtime, order('EV-SAME', 3_000_000));
    const [task] = await stratum.runtime.findTasks({ businessKey: 'EV-SAME' });
    await stratum.runtime.completeTask(task.id, { approved: true }, director);
    expect((await stratum.outbox.events({ after: 0, limit: 100 })).items).toHaveLength(1);
  });

  it('delivers signed events that the Standard Webhooks verifier accepts, in order per order, only the subscribed types', async () => {
    const { stratum } = await open();
    const hooks = await receiver();
    const all = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    const narrow = await receiver();
    await stratum.outbox.subscribe({ url: narrow.url, secret: SECRET, types: ['stratum.order.fulfilled'] }, erp);
    expect(all.secret).toBe(SECRET);
    await Promise.all([approveAndFulfil(stratum, 'WH-1'), approveAndFulfil(stratum, 'WH-2', 700_000), approveAndFulfil(stratum, 'WH-3', 100)]);
    while (await stratum.outbox.deliverNow()) { /* until nothing is due */ }
    expect(hooks.received.every((entry) => entry.verified)).toBe(true);
    expect(hooks.typesOf('WH-1')).toEqual(FULFILLED_TRAIL);
    expect(hooks.typesOf('WH-2')).toEqual(FULFILLED_TRAIL);
    expect(hooks.typesOf('WH-3')).toEqual(FULFILLED_TRAIL.slice(1));
    // the webhook-id is the event's id: a receiver deduplicates on it
    expect(hooks.received.map((entry) => entry.id)).toEqual(hooks.received.map((entry) => entry.event.id));
    expect(narrow.received.map((entry) => entry.event.type)).toEqual(Array(3).fill('stratum.order.fulfilled'));
    const log = await stratum.outbox.deliveries({ subscriptionId: all.id, limit: 100 });
    expect(log.items.every((delivery) => delivery.status === 'delivered' && delivery.log.length === 1 && delivery.log[0].statusCode === 204)).toBe(true);
  });

  it('pages the delivery log `limit` deliveries at a time, and never skips a delivery of an event that several subscriptions share', async () => {
    const { stratum } = await open();
    const hooks = await receiver();
    const first = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    await approveAndFulfil(stratum, 'PAGE-1', 100); // in-planning, shipping, fulfilled: 3 events, 6 deliveries
    while (await stratum.outbox.deliverNow()) { /* until nothing is due */ }
    const pages = async (query: { subscriptionId?: string; limit: number }) => {
      const seen: { items: { id: string }[]; next: number | null }[] = [];
      let after: number | undefined;
      do {
        seen.push(await stratum.outbox.deliveries({ ...query, ...(after !== undefined && { after }) }));
        after = seen.at(-1)!.next ?? undefined;
      } while (after !== undefined);
      return seen;
    };
    // one subscription: one delivery per event, so a page of 2 holds 2 (it held 1, its last event held back)
    const own = await pages({ subscriptionId: first.id, limit: 2 });
    expect(own.map((page) => page.items.length)).toEqual([2, 1]);
    // every subscription, 1 at a time: an event's two deliveries come on one page rather than one of them never
    const all = await pages({ limit: 1 });
    expect(new Set(all.flatMap((page) => page.items.map((item) => item.id))).size).toBe(6);
    expect(all.map((page) => page.items.length)).toEqual([2, 2, 2]);
    expect((await stratum.outbox.deliveries({ limit: 3 })).items).toHaveLength(2);
  });

  it('retries a receiver that is down with growing waits, holds later events of the order back, and delivers all once it is back', async () => {
    const { stratum, clock } = await open({ backoff: { baseMs: 1000, maxMs: 60_000 } });
    const hooks = await receiver();
    const subscription = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    await hooks.stop();
    await approveAndFulfil(stratum, 'DOWN-1', 700_000);
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      expect(await stratum.outbox.deliverNow()).toBe(1); // only the order's first event: the others wait behind it
      const [first] = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, status: 'pending', limit: 1 })).items;
      waits.push(Date.parse(first.nextAttemptAt!) - clock.now().getTime());
      expect(await stratum.outbox.deliverNow()).toBe(0); // not due yet
      clock.advance(120_000);
    }
    expect(waits[1]).toBeGreaterThan(waits[0] / 2);
    expect(waits[3]).toBeGreaterThanOrEqual(4000);
    expect(waits.every((wait, index) => wait <= 1000 * 2 ** index)).toBe(true);
    const [first] = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, limit: 1 })).items;
    expect(first.log).toHaveLength(4);
    expect(first.log[0].error).toMatch(/ECONNREFUSED/);
    // the later events wait blocked behind the first, without a time of their own, even when asked to be sent again
    const pending = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, status: 'pending', limit: 10 })).items;
    expect(pending.map((delivery) => delivery.nextAttemptAt === null)).toEqual([false, true, true, true]);
    expect((await stratum.outbox.redeliver(pending[2].id)).nextAttemptAt).toBeNull();
    await hooks.start();
    while (await stratum.outbox.deliverNow()) { /* until nothing is due */ }
    expect(hooks.typesOf('DOWN-1')).toEqual(FULFILLED_TRAIL);
  });

  it('dead-letters a delivery whose retries ran out, goes on with the order\'s next event, and redelivers on request', async () => {
    const { stratum, clock } = await open({ retryForMs: 60_000, backoff: { baseMs: 1000, maxMs: 5000 } });
    const hooks = await receiver();
    const subscription = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    hooks.mode = 'fail';
    await enter(stratum.runtime, order('DEAD-1', 700_000));
    await stratum.outbox.deliverNow();
    clock.advance(61_000);
    await stratum.outbox.deliverNow();
    const dead = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, status: 'dead', limit: 10 })).items;
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ orderNo: 'DEAD-1', eventType: 'stratum.order.waiting-for-approval', attempts: 2, lastStatus: 503 });
    hooks.mode = 'ok';
    const [task] = await stratum.runtime.findTasks({ businessKey: 'DEAD-1' });
    await stratum.runtime.completeTask(task.id, { approved: true }, vicePresident);
    await stratum.outbox.deliverNow();
    expect(hooks.typesOf('DEAD-1')).toEqual(['stratum.order.in-planning']);
    const redelivered = await stratum.outbox.redeliver(dead[0].id);
    expect(redelivered.status).toBe('pending');
    await stratum.outbox.deliverNow();
    expect(hooks.typesOf('DEAD-1')).toEqual(['stratum.order.in-planning', 'stratum.order.waiting-for-approval']);
    expect((await stratum.outbox.delivery(dead[0].id))).toMatchObject({ status: 'delivered', attempts: 3 });
  });

  it('records the other deliveries of a batch when one\'s subscription was deleted while it was in flight', async () => {
    const { stratum, store, clock } = await open();
    await finishAfterUnsubscribe(stratum, store, clock, await receiver(), 'GONE-1');
  });

  it('refuses a subscription to a type no event has, from the engine API and the file, and stores neither', async () => {
    const { stratum } = await open();
    const hooks = await receiver();
    const refusalOf = (call: Promise<unknown>) => call.then(() => null, (error: unknown) => error as StratumError);
    const subscribed = await refusalOf(stratum.outbox.subscribe({ url: hooks.url, secret: SECRET, types: ['stratum.order.fulfilled', 'order.fulfilled'] }, erp));
    expect(subscribed).toBeInstanceOf(StratumError);
    expect(subscribed?.code).toBe('invalid');
    expect(subscribed?.details?.errors?.map((error) => error.field)).toEqual(['/types/1']);
    const configured = await refusalOf(stratum.outbox.configure([{ id: 'erp', url: hooks.url, secret: SECRET, types: ['stratum.order.fullfilled'] }]));
    expect(configured?.message).toMatch(/no event has the type "stratum\.order\.fullfilled"; the types are stratum\.order\.waiting-for-approval, /);
    expect(configured?.details?.errors?.map((error) => error.field)).toEqual(['/subscriptions/erp/types/0']);
    expect(await stratum.outbox.subscriptions()).toEqual([]);
  });

  it('takes a 2xx as delivered when its status arrives, though the receiver never ends the body', async () => {
    const { stratum } = await open({ timeoutMs: 1000 });
    const hooks = await receiver();
    const subscription = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    hooks.mode = 'trickle';
    await enter(stratum.runtime, order('TRICKLE-1', 100));
    await stratum.outbox.deliverNow();
    const [delivery] = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, limit: 1 })).items;
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200, lastError: null });
    expect(hooks.typesOf('TRICKLE-1')).toEqual(['stratum.order.in-planning']);
  });

  it('lets order steps commit while a delivery hangs, and ends the attempt at its timeout', async () => {
    const { stratum } = await open({ timeoutMs: 1500, intervalMs: 20, concurrency: 2 });
    const hooks = await receiver();
    const subscription = await stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    hooks.mode = 'hang';
    stratum.outbox.startDelivery();
    await enter(stratum.runtime, order('HANG-1', 700_000));
    for (let wait = 0; wait < 100 && hooks.hanging === 0; wait++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(hooks.hanging).toBe(1);
    // the receiver holds the request; the vice-president's step commits all the same
    const [task] = await stratum.runtime.findTasks({ businessKey: 'HANG-1' });
    await stratum.runtime.completeTask(task.id, { approved: true }, vicePresident);
    const [delivery] = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, limit: 1 })).items;
    expect(delivery.log).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1800));
    const [after] = (await stratum.outbox.deliveries({ subscriptionId: subscription.id, limit: 1 })).items;
    expect(after.log[0]).toMatchObject({ statusCode: null, error: 'no answer within 1500 ms' });
    expect(after.log[0].durationMs).toBeGreaterThanOrEqual(1400);
  });
});

describePostgres('the order events outbox on PostgreSQL shared by two servers', () => {
  const opened: Stratum[] = [];
  const receivers: WebhookReceiver[] = [];
  afterEach(async () => {
    for (const stratum of opened.splice(0)) await stratum.close();
    for (const receiver of receivers.splice(0)) await receiver.stop();
  });

  async function twoServers(webhooks: WebhookDeliveryOptions = {}) {
    const schema = await freshSchema();
    const clock = new ManualClock();
    const open = async (owner: string) => {
      const store = new PostgresStore(inSchema(schema));
      await store.migrate();
      const stratum = await openStratum({ store, clock, orderEntry: { rates: SAMPLE_RATES }, webhooks: { allowPrivateTargets: true, ...webhooks, owner } });
      opened.push(stratum);
      return { stratum, store };
    };
    const first = await open('server-a');
    const second = await open('server-b');
    await first.stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    return { first, second, clock };
  }

  it('numbers events in commit order while both servers step orders at once, and delivers each event once', async () => {
    const { first, second } = await twoServers();
    const hooks = await new WebhookReceiver(SECRET).start();
    receivers.push(hooks);
    await first.stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    await Promise.all(['PG-1', 'PG-2', 'PG-3', 'PG-4'].map((orderNo, index) =>
      approveAndFulfil(index % 2 ? first.stratum : second.stratum, orderNo, index % 2 ? 700_000 : 100)));
    const events = (await second.stratum.outbox.events({ after: 0, limit: 100 })).items;
    expect(events.map((event) => event.stratumseq)).toEqual([...events.map((event) => event.stratumseq)].sort((a, b) => a - b));
    for (let round = 0; round < 20 && hooks.received.length < events.length; round++) {
      await Promise.all([first.stratum.outbox.deliverNow(), second.stratum.outbox.deliverNow()]);
    }
    expect(hooks.received.map((entry) => entry.id).sort()).toEqual(events.map((event) => event.id).sort());
    for (const orderNo of ['PG-1', 'PG-2', 'PG-3', 'PG-4']) {
      expect(hooks.typesOf(orderNo)).toEqual(events.filter((event) => event.subject === orderNo).map((event) => event.type));
    }
  });

  it('records the other deliveries of a batch when one\'s subscription was deleted while it was in flight', async () => {
    const { first, clock } = await twoServers();
    const hooks = await new WebhookReceiver(SECRET).start();
    receivers.push(hooks);
    await finishAfterUnsubscribe(first.stratum, first.store, clock, hooks, 'PG-GONE');
  });

  it('deletes a subscription while another server records an attempt of it: the delete waits for the record, and both commit', async () => {
    const { first, second, clock } = await twoServers();
    const hooks = await new WebhookReceiver(SECRET).start();
    receivers.push(hooks);
    const subscription = await first.stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    hooks.mode = 'fail';
    await enter(first.stratum.runtime, order('PG-RACE', 100));
    await first.stratum.outbox.deliverNow();
    clock.advance(10 * 60_000);
    const now = clock.now().toISOString();
    const [claim] = await first.store.transaction((tx) => tx.outbox.claimDeliveries(now, 'server-a', new Date(Date.parse(now) + 40_000).toISOString(), 10));
    // server a records the attempt and holds its transaction open; server b deletes the subscription meanwhile
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let recorded = () => undefined as void;
    const written = new Promise<void>((resolve) => (recorded = resolve));
    const recording = first.store.transaction(async (tx) => {
      await tx.outbox.finishAttempt({ deliveryId: claim.id, at: now, durationMs: 5, statusCode: 204, error: null }, { owner: 'server-a', status: 'delivered', nextAttemptAt: now, at: now });
      recorded();
      await held;
    });
    await written;
    const deleting = second.stratum.outbox.unsubscribe(subscription.id, erp).then(() => 'deleted', (error: Error) => error.message);
    // once server b waits for a lock server a holds, server a commits
    while (Number((await postgresAdmin.query<{ n: string }>(`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%stratum_webhook_%'`)).rows[0].n) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    release();
    await recording;
    expect(await deleting).toBe('deleted');
    expect(await second.stratum.outbox.subscriptions()).toEqual([]);
    expect(await second.store.read((tx) => tx.outbox.findDeliveries({ limit: 10 }))).toEqual([]);
  });

  it('sends a delivery again, with the same webhook-id, when the server that leased it died before recording it', async () => {
    const { first, second, clock } = await twoServers({ timeoutMs: 1000 });
    const hooks = await new WebhookReceiver(SECRET).start();
    receivers.push(hooks);
    await first.stratum.outbox.subscribe({ url: hooks.url, secret: SECRET }, erp);
    await enter(first.stratum.runtime, order('PG-KILL', 100));
    // server a fans out and leases the delivery, then is killed (-9) before it sends or records anything
    await first.stratum.outbox.deliverNow().catch(() => undefined);
    hooks.received.length = 0;
    const now = clock.now().toISOString();
    const leased = await first.store.transaction(async (tx) => {
      await tx.outbox.redeliver((await tx.outbox.findDeliveries({ limit: 1 }))[0].id, now, new Date(Date.parse(now) + 86_400_000).toISOString());
      return tx.outbox.claimDeliveries(now, 'server-a', new Date(Date.parse(now) + 31_000).toISOString(), 10);
    });
    expect(leased).toHaveLength(1);
    expect(await second.stratum.outbox.deliverNow()).toBe(0); // the lease holds
    clock.advance(32_000);
    expect(await second.stratum.outbox.deliverNow()).toBe(1);
    expect(hooks.received.map((entry) => entry.id)).toEqual([leased[0].eventId]);
  });
});
