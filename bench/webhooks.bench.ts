// Webhooks benchmark (issue 13, item 2): order throughput with no subscription
// against 100 subscriptions whose receiver is down (connections refused), the
// delivery loop running in the same process; rounds alternate so a loaded
// machine weighs on both alike. Then the receiver comes back and every event
// must reach every subscription: the time that takes is reported. On SQLite,
// then on PostgreSQL.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, openStratum, type Store, type Stratum } from '../engine/index.js';
import { enter, erp, order, SAMPLE_RATES, shippedDiagrams } from '../test/support/stratum-fixture.js';
import { WebhookReceiver } from '../test/support/webhook-receiver.js';
import { freshBenchSchema } from './postgres-schema.js';
import { median, type BenchResult } from './report.js';

const ORDERS_PER_ROUND = Number(process.env.BENCH_WEBHOOK_ORDERS ?? 20);
const ROUNDS = Number(process.env.BENCH_WEBHOOK_ROUNDS ?? 3);
const SUBSCRIPTIONS = 100;
const SECRET = `whsec_${Buffer.from('bench secret of at least 24 bytes!').toString('base64')}`;


interface BenchStore {
  store: Store;
  dispose: () => Promise<void>;
}

async function sqliteStore(): Promise<BenchStore> {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-bench-webhooks-'));
  return { store: await openStore({ dataDir }), dispose: () => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })) };
}

/** A fresh schema on PostgreSQL, dropped afterwards; the reason when PostgreSQL cannot be reached. */
async function postgresStore(): Promise<BenchStore | string> {
  const schema = await freshBenchSchema('wh');
  if ('skipped' in schema) return schema.skipped;
  return { store: await openStore({ databaseUrl: schema.url }), dispose: () => schema.drop() };
}

async function measure({ store, dispose }: BenchStore): Promise<{ summary: Record<string, number>; rounds: { quiet: number[]; loaded: number[] } }> {
  const stratum = await openStratum({
    store, orderEntry: { rates: SAMPLE_RATES },
    // the receiver listens on 127.0.0.1, as an operator's STRATUM_WEBHOOKS_ALLOW_PRIVATE=1 allows
    webhooks: { backoff: { baseMs: 200, maxMs: 2000 }, intervalMs: 200, allowPrivateTargets: true },
  });
  const receiver = new WebhookReceiver(SECRET);
  await receiver.start();
  await receiver.stop(); // down: its port refuses connections
  let count = 0;
  try {
    await stratum.library.deploy(shippedDiagrams(), { user: 'bench' });
    stratum.outbox.startDelivery();
    const quiet: number[] = [];
    const loaded: number[] = [];
    let subscribedAfter = 0;
    for (let round = 0; round < ROUNDS; round++) {
      quiet.push(await ordersPerSecond(stratum, () => `Q-${++count}`));
      if (round === 0) {
        subscribedAfter = (await stratum.outbox.events({ after: 0, limit: 1000 })).next;
        for (let index = 0; index < SUBSCRIPTIONS; index++) await stratum.outbox.subscribe({ id: `sub-${index}`, url: `${receiver.url}?subscription=${index}`, secret: SECRET }, erp);
      }
      loaded.push(await ordersPerSecond(stratum, () => `L-${++count}`));
    }
    // every event since the subscriptions were made, to each of them (later rounds without load are after it too)
    const events = (await stratum.outbox.events({ after: subscribedAfter, limit: 1000 })).items;
    const expected = events.length * SUBSCRIPTIONS;
    const back = performance.now();
    await receiver.start();
    while (receiver.received.length < expected && performance.now() - back < 300_000) await new Promise((resolve) => setTimeout(resolve, 100));
    const catchUpSeconds = (performance.now() - back) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 3000)); // anything sent twice arrives meanwhile
    const summary = {
      ordersPerSecondWithoutSubscriptions: round1(median(quiet)),
      ordersPerSecondWith100SubscriptionsReceiverDown: round1(median(loaded)),
      throughputChangePercent: round1((median(loaded) / median(quiet) - 1) * 100),
      deliveriesExpected: expected,
      deliveriesReceived: receiver.received.length,
      sentTwice: receiver.received.length - new Set(receiver.received.map((entry) => `${entry.path} ${entry.id}`)).size,
      allVerified: receiver.received.every((entry) => entry.verified) ? 1 : 0,
      catchUpSeconds: round1(catchUpSeconds),
    };
    return { summary, rounds: { quiet, loaded } };
  } finally {
    await stratum.close();
    await receiver.stop();
    await dispose();
  }
}

export async function runWebhooksBench(): Promise<BenchResult> {
  const sqlite = await measure(await sqliteStore());
  const postgresOrReason = await postgresStore();
  if (typeof postgresOrReason === 'string') console.log(`webhooks: PostgreSQL skipped (${postgresOrReason})`);
  const postgres = typeof postgresOrReason === 'string' ? null : await measure(postgresOrReason);
  return {
    name: 'webhooks',
    description: `${ROUNDS} alternating rounds of ${ORDERS_PER_ROUND} orders (100 CNY, auto-approved, planned and shipped through the runtime API): ` +
      `without subscriptions, and with ${SUBSCRIPTIONS} subscriptions whose receiver refuses connections while the delivery loop retries ` +
      '(backoff 200 ms … 2 s); then the receiver comes back and every event must reach every subscription, verified with the Standard Webhooks package. ' +
      'On SQLite, then (`postgres.*`) on a fresh PostgreSQL schema.',
    summary: {
      ...sqlite.summary,
      ...(postgres && Object.fromEntries(Object.entries(postgres.summary).map(([key, value]) => [`postgres.${key}`, value]))),
    },
    rounds: sqlite.rounds,
    ...(postgres && { postgresRounds: postgres.rounds }),
  };
}

async function ordersPerSecond(stratum: Stratum, nextOrderNo: () => string): Promise<number> {
  const started = performance.now();
  for (let index = 0; index < ORDERS_PER_ROUND; index++) {
    const orderNo = nextOrderNo();
    await enter(stratum.runtime, order(orderNo, 100));
    for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
      const [job] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'bench', businessKey: orderNo });
      await stratum.runtime.completeJob(job.id, {}, erp, 'bench');
    }
  }
  return ORDERS_PER_ROUND / ((performance.now() - started) / 1000);
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
