// Runs the store contract against PostgreSQL. Each store gets a fresh schema
// (tables resolved through search_path); all of them are dropped afterwards.
// Unreachable PostgreSQL skips these tests, unless STRATUM_REQUIRE_POSTGRES=1.
import { execFileSync } from 'node:child_process';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { databaseUrl, freshSchema, inSchema, postgresAdmin as admin, postgresRequired, postgresUnreachable } from '../../support/postgres.js';
import { isRetryableConflict, StoreUnavailableError, StratumError } from '../../../engine/errors.js';
import { openStore } from '../../../engine/store/open.js';
import { PostgresStore } from '../../../engine/store/postgres.js';
import { POSTGRES_MIGRATIONS } from '../../../engine/store/postgres-schema.js';
import { describeStoreContract, instanceRow, versionRow, waitRow, at } from './store-contract.js';
import { incidentBeforeReasonSql, SCHEMA_BEFORE_INCIDENT_REASON } from './incident-before-reason.js';
import { jobBeforeRetriesSetSql, SCHEMA_BEFORE_JOB_RETRIES_SET } from './job-before-retries-set.js';
import { historyBeforeViaSql, SCHEMA_BEFORE_HISTORY_VIA } from './history-before-via.js';
import { refusedBeforeIndexSql, SCHEMA_BEFORE_REFUSED_INDEX } from './refused-before-index.js';
import { SCHEMA_BEFORE_SECRET_ROTATION, SUBSCRIPTION_AFTER_UPGRADE, webhooksBeforeRotationSql } from './webhooks-before-rotation.js';
import { IDEMPOTENCY_AFTER_CALLER, idempotencyBeforeCallerSql, SCHEMA_BEFORE_IDEMPOTENCY_CALLER } from './idempotency-before-caller.js';
import { SCHEMA_BEFORE_CANDIDATE_USER_ROWS, tasksBeforeCandidateUserRowsSql } from './tasks-before-candidate-user-rows.js';

const unreachable = postgresUnreachable;
const required = postgresRequired;

if (unreachable) {
  if (required) {
    describe('PostgreSQL store', () => {
      it('needs a reachable PostgreSQL (STRATUM_REQUIRE_POSTGRES=1)', () => {
        throw new Error(`PostgreSQL is unreachable: ${unreachable}`);
      });
    });
  } else {
    console.warn(`PostgreSQL store tests skipped: PostgreSQL is unreachable: ${unreachable}. Set STRATUM_TEST_DATABASE_URL, or STRATUM_REQUIRE_POSTGRES=1 to fail instead.`);
    describe.skip(`PostgreSQL store (skipped: PostgreSQL unreachable: ${unreachable})`, () => {
      it('runs the store contract', () => undefined);
    });
  }
} else {
  // One schema for the contract's tests, migrated once and emptied for each (the contract opens one store per test
  // and closes it after): creating and migrating a schema per test was most of this file's PostgreSQL time.
  let contractSchema: string | undefined;
  describeStoreContract('PostgreSQL', async () => {
    if (contractSchema === undefined) {
      contractSchema = await freshSchema();
    } else {
      await emptySchema(contractSchema);
    }
    const store = new PostgresStore(inSchema(contractSchema));
    await store.migrate();
    return store;
  });

  describe('PostgreSQL store', () => {
    it('sends one query at a time on a transaction\'s connection, even when asked concurrently', async () => {
      const store = new PostgresStore(inSchema(await freshSchema()));
      await store.migrate();
      await store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
      const client = pg.Client.prototype as unknown as { query: (...args: unknown[]) => unknown };
      const original = client.query;
      let inFlight = 0;
      let most = 0;
      client.query = function (this: unknown, ...args: unknown[]) {
        const result = original.apply(this, args);
        if (!(result instanceof Promise)) return result;
        most = Math.max(most, ++inFlight);
        return result.finally(() => inFlight--);
      };
      try {
        await store.read((tx) => Promise.all(Array.from({ length: 5 }, () => tx.latestVersion('order-to-cash'))));
      } finally {
        client.query = original;
        await store.close();
      }
      expect(most).toBe(1);
    });

    it('tells openStore\'s caller when opening migrated a schema an older Stratum left, and not when it is current', async () => {
      const schema = await schemaAt(3, 'SELECT 1');
      const url = new URL(databaseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const changes: { from: number; to: number }[] = [];
      for (let round = 0; round < 2; round++) {
        const store = await openStore({ databaseUrl: url.toString(), onMigrated: (change) => changes.push(change) });
        await store.close();
      }
      expect(changes).toEqual([{ from: 3, to: POSTGRES_MIGRATIONS.length }]);
    });

    it('is what openStore returns for a postgres:// or postgresql:// URL, migrated', async () => {
      for (const scheme of ['postgres', 'postgresql']) {
        const schema = await freshSchema();
        const url = new URL(databaseUrl);
        url.protocol = `${scheme}:`;
        url.searchParams.set('options', `-c search_path=${schema}`);
        const store = await openStore({ databaseUrl: url.toString(), dataDir: '/nonexistent/never-created' });
        try {
          expect(store.kind).toBe('postgres');
          await store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
          const tables = await admin.query<{ table_name: string }>(
            'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
            [schema],
          );
          expect(tables.rows.map((row) => row.table_name)).toEqual([
            'stratum_decision_versions',
            'stratum_history',
            'stratum_idempotency',
            'stratum_incidents',
            'stratum_instances',
            'stratum_messages',
            'stratum_order_changes',
            'stratum_order_events',
            'stratum_orders',
            'stratum_process_versions',
            'stratum_schema_version',
            'stratum_wait_groups',
            'stratum_wait_users',
            'stratum_waits',
            'stratum_webhook_attempts',
            'stratum_webhook_deliveries',
            'stratum_webhook_subscription_changes',
            'stratum_webhook_subscriptions',
          ]);
        } finally {
          await store.close();
        }
      }
    });

    it('refuses, with a clear error, JSON that jsonb cannot hold, and the transaction stays usable', async () => {
      const store = new PostgresStore(inSchema(await freshSchema()));
      try {
        await store.migrate();
        const stored = await store.transaction(async (tx) => {
          await tx.insertVersion(versionRow('order-to-cash', 1));
          for (const text of ['nul \u0000 inside', 'lone \ud800 surrogate']) {
            const error = await tx.insertInstance(instanceRow('bad', { variables: { text } })).then(() => null, (e: unknown) => e);
            expect(error).toBeInstanceOf(StratumError);
            expect((error as StratumError).code).toBe('invalid');
            expect((error as Error).message).toMatch(/variables contains the character U\+0000 or an unpaired/);
          }
          // a backslash followed by "u0000" is ordinary text
          await tx.insertInstance(instanceRow('good', { variables: { text: 'C:\\u0000\\file 😀' } }));
          return tx.getInstance('good');
        });
        expect(stored?.variables).toEqual({ text: 'C:\\u0000\\file 😀' });
      } finally {
        await store.close();
      }
    });

    it('migrates safely when several processes start at once', async () => {
      const schema = await freshSchema();
      const stores = Array.from({ length: 4 }, () => new PostgresStore(inSchema(schema)));
      try {
        const changes = await Promise.all(stores.map((store) => store.migrate()));
        expect(await stores[0].schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
        // each says what it found under the lock: one created the schema, the others found it created
        const created = { from: 0, to: POSTGRES_MIGRATIONS.length };
        const found = { from: POSTGRES_MIGRATIONS.length, to: POSTGRES_MIGRATIONS.length };
        expect(changes.filter((change) => change.from === 0)).toEqual([created]);
        expect(changes.filter((change) => change.from !== 0)).toEqual([found, found, found]);
        const versions = await admin.query(`SELECT version FROM ${schema}.stratum_schema_version`);
        expect(versions.rows).toEqual([{ version: POSTGRES_MIGRATIONS.length }]);
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    it('refuses a schema written by a newer Stratum', async () => {
      const schema = await freshSchema();
      const store = new PostgresStore(inSchema(schema));
      try {
        await store.migrate();
        await admin.query(`UPDATE ${schema}.stratum_schema_version SET version = version + 1`);
        await expect(store.migrate()).rejects.toThrow(/newer than this Stratum knows/);
      } finally {
        await store.close();
      }
    });

    it('upgrades a schema whose incidents had no reason: the incident written then reads with none', async () => {
      const store = new PostgresStore(inSchema(await schemaAt(SCHEMA_BEFORE_INCIDENT_REASON, incidentBeforeReasonSql('stratum_'))));
      try {
        await store.migrate();
        expect(await store.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
        expect(await store.read((tx) => tx.getIncident('old-incident'))).toMatchObject({
          instanceId: 'old-instance', elementId: 'Approve', message: 'task Approve: candidate groups =approverGroup gave "integration"', reason: null,
        });
      } finally {
        await store.close();
      }
    });

    it('upgrades a schema whose jobs did not say whether their retries were set: a job that never failed reads with none set', async () => {
      const store = new PostgresStore(inSchema(await schemaAt(SCHEMA_BEFORE_JOB_RETRIES_SET, jobBeforeRetriesSetSql('stratum_'))));
      try {
        await store.migrate();
        expect(await store.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
        // what fetchAndLock hands a Camunda 7 worker: retries null for the job nobody touched, the count for the others
        const locked = await store.transaction((tx) => tx.lockJobs('procurement-planning', 'worker-1', '2026-03-02T08:00:00.000Z', '2026-03-02T08:05:00.000Z', 10));
        expect(locked.map(({ id, jobRetries, jobRetriesSet, jobError }) => ({ id, jobRetries, jobRetriesSet, jobError }))).toEqual([
          { id: 'failed', jobRetries: 2, jobRetriesSet: true, jobError: 'MRP down' },
          { id: 'operator-set', jobRetries: 5, jobRetriesSet: true, jobError: null },
          { id: 'untouched', jobRetries: 3, jobRetriesSet: false, jobError: null },
        ]);
        expect(await store.read((tx) => tx.getWait('task'))).toMatchObject({ kind: 'task', jobRetriesSet: false, candidateGroups: ['sales-director'] });
      } finally {
        await store.close();
      }
    });

    it('upgrades a schema whose candidate users had no rows of their own: each person finds the open tasks offered to them', async () => {
      const store = new PostgresStore(inSchema(await schemaAt(SCHEMA_BEFORE_CANDIDATE_USER_ROWS, tasksBeforeCandidateUserRowsSql('stratum_'))));
      try {
        await store.migrate();
        expect(await store.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
        const offeredTo = (user: string) => store.read(async (tx) =>
          (await tx.findWaits({ kind: 'task', candidateUser: user, unclaimedOrClaimedBy: user })).map((wait) => wait.id));
        expect(await offeredTo('bo')).toEqual(['offered', 'later']);
        expect(await offeredTo('vera')).toEqual(['claimed']);
        expect(await offeredTo('sales-director')).toEqual([]);
      } finally {
        await store.close();
      }
    });

    it('upgrades a schema whose history named no route: its entries and messages read with none, new ones keep theirs', async () => {
      const store = new PostgresStore(inSchema(await schemaAt(SCHEMA_BEFORE_HISTORY_VIA, historyBeforeViaSql('stratum_'))));
      try {
        await store.migrate();
        expect(await store.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
        await store.transaction((tx) => tx.appendHistory([{
          instanceId: 'old-approval', at: '2026-03-02T08:00:00.000Z', actor: 'erp', event: 'instance.cancelled', elementId: null, elementType: null, waitId: null, data: null, via: 'camunda7',
        }]));
        const history = await store.read((tx) => tx.historyOf(['old-approval']));
        expect(history.map(({ event, actor, via, data }) => ({ event, actor, via, data }))).toEqual([
          { event: 'task.completed', actor: 'vera', via: null, data: { name: 'Approve', variables: { approved: true } } },
          { event: 'instance.cancelled', actor: 'erp', via: 'camunda7', data: null },
        ]);
        expect(await store.read((tx) => tx.findMessageById('PaymentReceived', 'SO-OLD', 'bank-1'))).toMatchObject({ receivedBy: 'bank', receivedVia: null });
      } finally {
        await store.close();
      }
    });

    it('upgrades a schema whose webhook subscriptions kept no previous secret nor audit: each reads with none, and keeps what comes', async () => {
      const store = new PostgresStore(inSchema(await schemaAt(SCHEMA_BEFORE_SECRET_ROTATION, webhooksBeforeRotationSql('stratum_'))));
      try {
        await store.migrate();
        expect(await store.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
        expect(await store.read((tx) => tx.outbox.getSubscription('erp'))).toEqual(SUBSCRIPTION_AFTER_UPGRADE);
        const rotated = { ...SUBSCRIPTION_AFTER_UPGRADE, secret: 'whsec_bmV3IHNlY3JldCBuZXcgc2VjcmV0IG5ldyBzZWNyZXQh', previousSecret: SUBSCRIPTION_AFTER_UPGRADE.secret, previousSecretUntil: '2026-03-02T08:00:00.000Z' };
        await store.transaction((tx) => tx.outbox.saveSubscription(rotated));
        expect(await store.read((tx) => tx.outbox.getSubscription('erp'))).toEqual(rotated);
        // schema 19: its audit starts empty, and keeps what comes
        expect(await store.read((tx) => tx.outbox.subscriptionChanges({ subscriptionId: 'erp', after: 0, limit: 10 }))).toEqual([]);
        const change = { subscriptionId: 'erp', at: '2026-03-02T08:00:00.000Z', actor: 'otto', action: 'deleted' as const, source: 'api' as const, data: '{"changes":{}}' };
        await store.transaction((tx) => tx.outbox.appendSubscriptionChange(change));
        expect(await store.read((tx) => tx.outbox.subscriptionChanges({ subscriptionId: 'erp', after: 0, limit: 10 }))).toEqual([{ ...change, seq: 1 }]);
      } finally {
        await store.close();
      }
    });

    it('upgrades a schema whose refused attempts had no index of their own: those kept before are listed across orders', async () => {
      const schema = await schemaAt(SCHEMA_BEFORE_REFUSED_INDEX, refusedBeforeIndexSql('stratum_'));
      const store = new PostgresStore(inSchema(schema));
      try {
        await store.migrate();
        expect(await store.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
        const refused = await store.read((tx) => tx.findRefused({ limit: 10 }));
        expect(refused.map(({ event, actor, via, businessKey, processKey, data }) => ({ event, actor, via, businessKey, processKey, reason: data!.reason }))).toEqual([
          { event: 'change.refused', actor: 'crm', via: 'camunda8', businessKey: 'SO-OLD', processKey: 'order-to-cash', reason: 'order-shipped' },
          { event: 'task.refused', actor: 'erp', via: 'api', businessKey: 'SO-OLD', processKey: 'credit-order-approval', reason: 'not-offered' },
        ]);
        const { rows } = await admin.query<{ indexdef: string }>('SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = $2', [schema, 'stratum_history_refused_newest_first']);
        expect(rows.map((row) => row.indexdef)).toEqual([expect.stringMatching(/\(at DESC, seq\) WHERE \(event ~~ '%\.refused'::text\)$/)]);
      } finally {
        await store.close();
      }
    });

    it('upgrades a schema whose idempotency keys named no caller: each becomes its instance\'s starter\'s, and another caller\'s same key is theirs', async () => {
      const store = new PostgresStore(inSchema(await schemaAt(SCHEMA_BEFORE_IDEMPOTENCY_CALLER, idempotencyBeforeCallerSql('stratum_'))));
      try {
        await store.migrate();
        expect(await store.schemaVersion()).toBe(POSTGRES_MIGRATIONS.length);
        const [erp, nobody] = IDEMPOTENCY_AFTER_CALLER;
        expect(await store.read((tx) => tx.getIdempotency(erp.scope, 'erp', 'key-1'))).toEqual(erp);
        expect(await store.read((tx) => tx.getIdempotency(nobody.scope, '', 'key-2'))).toEqual(nobody);
        expect(await store.read((tx) => tx.getIdempotency(erp.scope, 'crm', 'key-1'))).toBeUndefined();
        await store.transaction((tx) => tx.insertIdempotency({ ...erp, caller: 'crm', instanceId: 'by-nobody' }));
        expect(await store.read((tx) => tx.getIdempotency(erp.scope, 'erp', 'key-1'))).toEqual(erp);
      } finally {
        await store.close();
      }
    });

    it('shares one database between two server processes: jobs and timers are claimed once', async () => {
      await withTwoServerProcesses(async (one, two) => {
        await two.migrate();
        await one.transaction(async (tx) => {
          await tx.insertVersion(versionRow('order-to-cash', 1));
          await tx.insertInstance(instanceRow('i1'));
          await tx.replaceWaits('i1', [
            ...Array.from({ length: 6 }, (_, n) => waitRow(`job-${n}`, 'i1', { kind: 'job', jobType: 'shipping', createdAt: at(n) })),
            ...Array.from({ length: 4 }, (_, n) => waitRow(`timer-${n}`, 'i1', { kind: 'timer', dueAt: at(n) })),
          ]);
        });
        let release!: () => void;
        const held = new Promise<void>((resolve) => (release = resolve));
        // process one claims jobs and timers and keeps its transaction open…
        const first = one.transaction(async (tx) => {
          const jobs = await tx.lockJobs('shipping', 'one', at(100), at(200), 4);
          const timers = await tx.dueTimers(at(100), 2);
          await held;
          return { jobs: jobs.map((j) => j.id), timers: timers.map((t) => t.id) };
        });
        await new Promise((resolve) => setTimeout(resolve, 100));
        // …while process two skips what one holds instead of waiting for it
        const second = await two.transaction(async (tx) => ({
          jobs: (await tx.lockJobs('shipping', 'two', at(100), at(200), 4)).map((j) => j.id),
          timers: (await tx.dueTimers(at(100), 10)).map((t) => t.id),
        }));
        release();
        const firstResult = await first;
        expect(firstResult).toEqual({ jobs: ['job-0', 'job-1', 'job-2', 'job-3'], timers: ['timer-0', 'timer-1'] });
        expect(second).toEqual({ jobs: ['job-4', 'job-5'], timers: ['timer-2', 'timer-3'] });
      });
    });

    it('lets a step that starts a grandchild commit while another step holds the root locked (no deadlock)', async () => {
      await withTwoServerProcesses(async (one, two) => {
        await one.transaction(async (tx) => {
          await tx.insertVersion(versionRow('order-to-cash', 1));
          await tx.insertInstance(instanceRow('root'));
          await tx.insertInstance(instanceRow('child', { parentId: 'root', rootId: 'root' }));
        });
        // one: a step of the child starts a grandchild, whose row references the root
        const first = one.transaction(async (tx) => {
          await tx.getInstance('child', { lock: true });
          await new Promise((resolve) => setTimeout(resolve, 150));
          await tx.insertInstance(instanceRow('grandchild', { parentId: 'child', rootId: 'root' }));
          return 'one committed';
        });
        await new Promise((resolve) => setTimeout(resolve, 30));
        // two: a step on the whole tree (cancel) locks the root, then the child
        const second = two.transaction(async (tx) => {
          await tx.getInstance('root', { lock: true });
          await tx.getInstance('child', { lock: true });
          return 'two committed';
        });
        expect(await Promise.all([first, second])).toEqual(['one committed', 'two committed']);
      });
    });

    it('reports a deadlock between two steps as a retryable conflict and rolls the loser back', async () => {
      await withTwoServerProcesses(async (one, two) => {
        await one.transaction(async (tx) => {
          await tx.insertVersion(versionRow('order-to-cash', 1));
          await tx.insertInstance(instanceRow('a'));
          await tx.insertInstance(instanceRow('b'));
        });
        // each step takes its first row, then waits until the other holds its own: a deadlock every time, on a busy machine too
        let holding = 0;
        let bothHold!: () => void;
        const barrier = new Promise<void>((resolve) => (bothHold = resolve));
        const step = (store: PostgresStore, firstId: string, secondId: string) =>
          store.transaction(async (tx) => {
            const first = await tx.getInstance(firstId, { lock: true });
            await tx.updateInstance({ ...first!, revision: first!.revision + 1, variables: { by: firstId } });
            if (++holding === 2) bothHold();
            await barrier;
            await tx.getInstance(secondId, { lock: true });
            return firstId;
          });
        const results = await Promise.allSettled([step(one, 'a', 'b'), step(two, 'b', 'a')]);
        const lost = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
        expect(lost).toHaveLength(1);
        expect(lost[0].reason).toBeInstanceOf(StratumError);
        expect(lost[0].reason).toMatchObject({ code: 'conflict', retryable: true, race: 'rollback', details: { postgresCode: '40P01' } });
        expect(isRetryableConflict(lost[0].reason)).toBe(true);
        const won = (results.find((r) => r.status === 'fulfilled') as PromiseFulfilledResult<string>).value;
        const loser = won === 'a' ? 'b' : 'a';
        expect(await one.read((tx) => tx.getInstance(won))).toMatchObject({ revision: 2 });
        expect(await one.read((tx) => tx.getInstance(loser))).toMatchObject({ revision: 1, variables: {} });
      });
    });

    it('makes a second step wait for the instance row another process locked', async () => {
      await withTwoServerProcesses(async (one, two) => {
        await one.transaction(async (tx) => {
          await tx.insertVersion(versionRow('order-to-cash', 1));
          await tx.insertInstance(instanceRow('i1'));
        });
        const order: string[] = [];
        const first = one.transaction(async (tx) => {
          const row = await tx.getInstance('i1', { lock: true });
          await new Promise((resolve) => setTimeout(resolve, 150));
          order.push('one writes');
          return tx.updateInstance({ ...row!, revision: row!.revision + 1, variables: { by: 'one' } });
        });
        await new Promise((resolve) => setTimeout(resolve, 30));
        const second = two.transaction(async (tx) => {
          const row = await tx.getInstance('i1', { lock: true });
          order.push(`two reads revision ${row!.revision}`);
          return tx.updateInstance({ ...row!, revision: row!.revision + 1, variables: { by: 'two' } });
        });
        expect(await Promise.all([first, second])).toEqual([true, true]);
        expect(order).toEqual(['one writes', 'two reads revision 2']);
      });
    });

    it('lives on when PostgreSQL ends a transaction\'s connection between its queries: nothing of it is kept, and the next one runs', async () => {
      await withLosableStore(async (store, terminate) => {
        const lost = store.transaction(async (tx) => {
          await tx.insertInstance(instanceRow('half-written'));
          // the connection ends while the step computes: no query is under way to hear of it
          await terminate();
          await new Promise((resolve) => setTimeout(resolve, 200));
          await tx.replaceWaits('half-written', [waitRow('w1', 'half-written')]);
        });
        await expect(lost).rejects.toBeInstanceOf(StoreUnavailableError);
        expect(await store.read((tx) => tx.getInstance('half-written'))).toBeUndefined();
        await store.transaction((tx) => tx.insertInstance(instanceRow('after')));
        expect(await store.read((tx) => tx.getInstance('after'))).toMatchObject({ id: 'after' });
      });
    });

    it('lives on when PostgreSQL ends a transaction\'s connection while it waits for a row another session locked', async () => {
      await withLosableStore(async (store, terminate) => {
        await store.transaction((tx) => tx.insertInstance(instanceRow('i1')));
        const holder = await admin.connect();
        try {
          await holder.query('BEGIN');
          await holder.query(`SELECT 1 FROM ${store.schemaForTest}.stratum_instances WHERE id = 'i1' FOR UPDATE`);
          // caught at once: the transaction may fail before terminate's own answer arrives
          const waiting = store.transaction(async (tx) => {
            const row = await tx.getInstance('i1', { lock: true });
            return tx.updateInstance({ ...row!, revision: row!.revision + 1, variables: { by: 'lost' } });
          }).catch((error: unknown) => error);
          await new Promise((resolve) => setTimeout(resolve, 150));
          await terminate();
          expect(await waiting).toBeInstanceOf(StoreUnavailableError);
        } finally {
          await holder.query('ROLLBACK');
          holder.release();
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
        expect(await store.read((tx) => tx.getInstance('i1'))).toMatchObject({ revision: 1, variables: {} });
        await store.transaction(async (tx) => {
          const row = await tx.getInstance('i1', { lock: true });
          return tx.updateInstance({ ...row!, revision: row!.revision + 1, variables: { by: 'next' } });
        });
        expect(await store.read((tx) => tx.getInstance('i1'))).toMatchObject({ revision: 2, variables: { by: 'next' } });
      });
    });

    it('serves the first read and the first transaction after PostgreSQL ended its idle connections, before the pool heard of their end', async () => {
      await withLosableStore(async (store, _terminate, terminateAtOnce) => {
        // two idle connections in each pool
        await Promise.all([1, 2].map(() => store.read((tx) => tx.getInstance('none'))));
        await Promise.all([1, 2].map((n) => store.transaction((tx) => tx.insertInstance(instanceRow(`before-${n}`)))));
        terminateAtOnce();
        // the pool hands out a connection whose end it has not heard of: its BEGIN fails, and a fresh one serves
        expect(await store.read((tx) => tx.getInstance('before-1'))).toMatchObject({ id: 'before-1' });
        terminateAtOnce();
        await store.transaction((tx) => tx.insertInstance(instanceRow('after')));
        expect(await store.read((tx) => tx.getInstance('after'))).toMatchObject({ id: 'after' });
      });
    });

    it('opens its job notification connection again when PostgreSQL ends it, says announcements may be missed, and hears the next job', async () => {
      await withLosableStore(async (store, terminate) => {
        await store.transaction((tx) => tx.insertInstance(instanceRow('i1')));
        const heard: string[] = [];
        let missed = 0;
        const stop = await store.watchJobs((jobType) => heard.push(jobType), () => missed++);
        try {
          await terminate();
          for (let round = 0; round < 100 && missed === 0; round++) await new Promise((resolve) => setTimeout(resolve, 50));
          expect(missed).toBe(1);
          await store.transaction((tx) => tx.replaceWaits('i1', [waitRow('j1', 'i1', { kind: 'job', jobType: 'shipping', jobRetries: 3 })]));
          for (let round = 0; round < 40 && heard.length === 0; round++) await new Promise((resolve) => setTimeout(resolve, 25));
          expect(heard).toEqual(['shipping']);
        } finally {
          await stop();
        }
      });
    });
  });
}

/** Two stores on one fresh, migrated schema, as two server processes would open it; both closed afterwards. */
async function withTwoServerProcesses(work: (one: PostgresStore, two: PostgresStore) => Promise<void>): Promise<void> {
  const schema = await freshSchema();
  const one = new PostgresStore(inSchema(schema));
  const two = new PostgresStore(inSchema(schema));
  try {
    await one.migrate();
    await work(one, two);
  } finally {
    await one.close();
    await two.close();
  }
}

/**
 * A migrated store on a fresh schema whose connections carry an application name of their own, and `terminate`,
 * which ends every one of them from outside as an administrator (or a PostgreSQL failover) would.
 */
async function withLosableStore(
  work: (store: PostgresStore & { schemaForTest: string }, terminate: () => Promise<void>, terminateAtOnce: () => void) => Promise<void>,
): Promise<void> {
  const schema = await freshSchema();
  const applicationName = `stratum_lost_${schema}`.slice(0, 63);
  const store = Object.assign(new PostgresStore({ ...inSchema(schema), application_name: applicationName }), { schemaForTest: schema });
  const ending = 'SELECT pg_terminate_backend(pid) AS ended FROM pg_stat_activity WHERE application_name = $1';
  const terminate = async () => {
    const { rows } = await admin.query<{ ended: boolean }>(ending, [applicationName]);
    expect(rows.length).toBeGreaterThan(0);
  };
  // from another process while this one's event loop waits for it: the store's pools cannot hear of the ends before
  // the store's next query, as a pool on a busy server does not
  const terminateAtOnce = () => {
    const script = `const pg = require('pg'); const client = new pg.Client(${JSON.stringify(databaseUrl)});
      client.connect().then(() => client.query(${JSON.stringify(ending)}, [${JSON.stringify(applicationName)}]))
        .then(({ rows }) => { process.stdout.write(String(rows.length)); return client.end(); })`;
    const ended = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(ended).toBeGreaterThan(0);
  };
  try {
    await store.migrate();
    await store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
    await work(store, terminate, terminateAtOnce);
  } finally {
    await store.close();
  }
}

/** A fresh schema left at schema `version` by an older Stratum, holding the rows `seedSql` writes. */
async function schemaAt(version: number, seedSql: string): Promise<string> {
  const schema = await freshSchema();
  const client = await admin.connect();
  try {
    await client.query(`SET search_path TO ${schema}`);
    await client.query('BEGIN');
    await client.query('CREATE TABLE stratum_schema_version (version integer NOT NULL)');
    for (const migration of POSTGRES_MIGRATIONS.slice(0, version)) await client.query(migration);
    await client.query('INSERT INTO stratum_schema_version (version) VALUES ($1)', [version]);
    await client.query(seedSql);
    await client.query('COMMIT');
  } finally {
    await client.query('RESET search_path');
    client.release();
  }
  return schema;
}

/** Every table of `schema` emptied, its identities restarted, as a fresh schema migrated to the same version would be. */
async function emptySchema(schema: string): Promise<void> {
  const { rows } = await admin.query<{ tablename: string }>(
    "SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename <> 'stratum_schema_version'", [schema],
  );
  if (rows.length > 0) await admin.query(`TRUNCATE ${rows.map((row) => `${schema}."${row.tablename}"`).join(', ')} RESTART IDENTITY CASCADE`);
}
