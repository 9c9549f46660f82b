import { mkdirSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../engine/store/sqlite.js';
import { openStore } from '../../../engine/store/open.js';
import { SQLITE_MIGRATIONS } from '../../../engine/store/sqlite-schema.js';
import { describeStoreContract, instanceRow, versionRow, waitRow } from './store-contract.js';
import { incidentBeforeReasonSql, SCHEMA_BEFORE_INCIDENT_REASON } from './incident-before-reason.js';
import { jobBeforeRetriesSetSql, SCHEMA_BEFORE_JOB_RETRIES_SET } from './job-before-retries-set.js';
import { historyBeforeViaSql, SCHEMA_BEFORE_HISTORY_VIA } from './history-before-via.js';
import { refusedBeforeIndexSql, SCHEMA_BEFORE_REFUSED_INDEX } from './refused-before-index.js';
import { SCHEMA_BEFORE_SECRET_ROTATION, SUBSCRIPTION_AFTER_UPGRADE, webhooksBeforeRotationSql } from './webhooks-before-rotation.js';
import { IDEMPOTENCY_AFTER_CALLER, idempotencyBeforeCallerSql, SCHEMA_BEFORE_IDEMPOTENCY_CALLER } from './idempotency-before-caller.js';
import { SCHEMA_BEFORE_CANDIDATE_USER_ROWS, tasksBeforeCandidateUserRowsSql } from './tasks-before-candidate-user-rows.js';

const scratch = mkdtempSync(join(tmpdir(), 'stratum-sqlite-'));
let folders = 0;
const freshFolder = () => join(scratch, `store-${++folders}`, 'nested');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describeStoreContract('SQLite in memory', () => openStore({ dataDir: ':memory:' }));
describeStoreContract('SQLite file', () => openStore({ dataDir: freshFolder() }));

describe('SQLite file store', () => {
  it('creates the data folder and keeps everything across close and reopen', async () => {
    const dataDir = freshFolder();
    const first = await openStore({ dataDir });
    expect(first.kind).toBe('sqlite');
    expect(existsSync(join(dataDir, 'stratum.db'))).toBe(true);
    await first.transaction(async (tx) => {
      await tx.insertVersion(versionRow('order-to-cash', 1));
      await tx.insertInstance(instanceRow('i1', { businessKey: 'SO-1', variables: { customer: { name: 'Ørsted' } } }));
      await tx.replaceWaits('i1', [waitRow('task', 'i1', { candidateGroups: ['sales-director'] })]);
      await tx.appendHistory([{ instanceId: 'i1', at: '2026-03-01T08:00:00.000Z', actor: 'ann', event: 'instance.started', elementId: null, elementType: null, waitId: null, data: null }]);
    });
    await first.close();
    await first.close(); // closing twice is harmless

    const second = await openStore({ dataDir });
    try {
      await second.read(async (tx) => {
        expect((await tx.getVersion('order-to-cash', 1))?.xml).toBe(versionRow('order-to-cash', 1).xml);
        expect((await tx.getInstance('i1'))?.variables).toEqual({ customer: { name: 'Ørsted' } });
        expect((await tx.findWaits({ candidateGroup: 'sales-director' })).map((w) => w.id)).toEqual(['task']);
        expect(await tx.historyOf(['i1'])).toHaveLength(1);
      });
    } finally {
      await second.close();
    }
  });

  it('runs in WAL mode with foreign keys and records the schema version', async () => {
    const dataDir = freshFolder();
    const store = await openStore({ dataDir });
    await store.close();
    const db = new Database(join(dataDir, 'stratum.db'), { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT version FROM schema_version').all()).toEqual([{ version: SQLITE_MIGRATIONS.length }]);
    } finally {
      db.close();
    }
    const reopened = new SqliteStore({ dataDir });
    try {
      expect(await reopened.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
    } finally {
      await reopened.close();
    }
  });

  it('tells which of two stores opening one new file at once created it: the other found it created', async () => {
    const dataDir = freshFolder();
    const said: string[] = [];
    const stores = await Promise.all([1, 2].map(() => openStore({
      dataDir,
      onMigrated: ({ from, to }) => said.push(`migrated ${from} → ${to}`),
      onCurrent: (version) => said.push(`found ${version}`),
    })));
    await Promise.all(stores.map((store) => store.close()));
    expect(said.sort()).toEqual([`found ${SQLITE_MIGRATIONS.length}`, `migrated 0 → ${SQLITE_MIGRATIONS.length}`]);
  });

  it('refuses a database written by a newer Stratum instead of touching it', async () => {
    const dataDir = freshFolder();
    await (await openStore({ dataDir })).close();
    const db = new Database(join(dataDir, 'stratum.db'));
    db.prepare('UPDATE schema_version SET version = ?').run(SQLITE_MIGRATIONS.length + 1);
    db.close();
    await expect(openStore({ dataDir })).rejects.toThrow(/newer than this Stratum knows/);
  });

  it('upgrades a database whose incidents had no reason: the incident written then reads with none', async () => {
    const store = new SqliteStore({ dataDir: databaseAt(SCHEMA_BEFORE_INCIDENT_REASON, incidentBeforeReasonSql('')) });
    try {
      await store.migrate();
      expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
      expect(await store.read((tx) => tx.getIncident('old-incident'))).toMatchObject({
        instanceId: 'old-instance', elementId: 'Approve', message: 'task Approve: candidate groups =approverGroup gave "integration"', reason: null,
      });
    } finally {
      await store.close();
    }
  });

  it('upgrades a database whose jobs did not say whether their retries were set: a job that never failed reads with none set', async () => {
    const store = new SqliteStore({ dataDir: databaseAt(SCHEMA_BEFORE_JOB_RETRIES_SET, jobBeforeRetriesSetSql('')) });
    try {
      await store.migrate();
      expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
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

  it('upgrades a database whose candidate users had no rows of their own: each person finds the open tasks offered to them', async () => {
    const store = new SqliteStore({ dataDir: databaseAt(SCHEMA_BEFORE_CANDIDATE_USER_ROWS, tasksBeforeCandidateUserRowsSql('')) });
    try {
      await store.migrate();
      expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
      const offeredTo = (user: string) => store.read(async (tx) =>
        (await tx.findWaits({ kind: 'task', candidateUser: user, unclaimedOrClaimedBy: user })).map((wait) => wait.id));
      expect(await offeredTo('bo')).toEqual(['offered', 'later']);
      expect(await offeredTo('vera')).toEqual(['claimed']);
      expect(await offeredTo('sales-director')).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('upgrades a database whose history named no route: its entries and messages read with none, new ones keep theirs', async () => {
    const store = new SqliteStore({ dataDir: databaseAt(SCHEMA_BEFORE_HISTORY_VIA, historyBeforeViaSql('')) });
    try {
      await store.migrate();
      expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
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

  it('upgrades a database whose idempotency keys named no caller: each becomes its instance\'s starter\'s, and another caller\'s same key is theirs', async () => {
    const store = new SqliteStore({ dataDir: databaseAt(SCHEMA_BEFORE_IDEMPOTENCY_CALLER, idempotencyBeforeCallerSql('')) });
    try {
      await store.migrate();
      expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
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

  it('upgrades a database whose refused attempts had no index of their own: those kept before are listed across orders, from the index', async () => {
    const dataDir = databaseAt(SCHEMA_BEFORE_REFUSED_INDEX, refusedBeforeIndexSql(''));
    const store = new SqliteStore({ dataDir });
    try {
      await store.migrate();
      expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
      const refused = await store.read((tx) => tx.findRefused({ limit: 10 }));
      expect(refused.map(({ event, actor, via, businessKey, processKey, data }) => ({ event, actor, via, businessKey, processKey, reason: data!.reason }))).toEqual([
        { event: 'change.refused', actor: 'crm', via: 'camunda8', businessKey: 'SO-OLD', processKey: 'order-to-cash', reason: 'order-shipped' },
        { event: 'task.refused', actor: 'erp', via: 'api', businessKey: 'SO-OLD', processKey: 'credit-order-approval', reason: 'not-offered' },
      ]);
      const db = new Database(join(dataDir, 'stratum.db'), { readonly: true });
      try {
        // the index holds the refused entries only
        expect(db.prepare("SELECT count(*) AS n FROM history INDEXED BY history_refused_newest_first WHERE event LIKE '%.refused'").get()).toEqual({ n: 2 });
      } finally {
        db.close();
      }
    } finally {
      await store.close();
    }
  });

  it('upgrades a database whose webhook subscriptions kept no previous secret nor audit: each reads with none, and keeps what comes', async () => {
    const store = new SqliteStore({ dataDir: databaseAt(SCHEMA_BEFORE_SECRET_ROTATION, webhooksBeforeRotationSql('')) });
    try {
      await store.migrate();
      expect(await store.schemaVersion()).toBe(SQLITE_MIGRATIONS.length);
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

  it('sees commits another connection made to the same file', async () => {
    const dataDir = freshFolder();
    const one = await openStore({ dataDir });
    const two = await openStore({ dataDir });
    try {
      await one.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
      expect((await two.read((tx) => tx.latestVersion('order-to-cash')))?.version).toBe(1);
      await two.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 2)));
      expect((await one.read((tx) => tx.latestVersion('order-to-cash')))?.version).toBe(2);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('lets two stores on the same file in one process take turns instead of blocking each other', async () => {
    const dataDir = freshFolder();
    const one = new SqliteStore({ dataDir, busyTimeoutMs: 100 });
    const two = new SqliteStore({ dataDir, busyTimeoutMs: 100 });
    try {
      await one.migrate();
      await two.migrate();
      const deploy = (store: SqliteStore, version: number) =>
        store.transaction(async (tx) => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          await tx.insertVersion(versionRow('order-to-cash', version));
        });
      await Promise.all([deploy(one, 1), deploy(two, 2), deploy(one, 3), deploy(two, 4)]);
      expect((await two.read((tx) => tx.versionsOf('order-to-cash'))).map((v) => v.version)).toEqual([1, 2, 3, 4]);
    } finally {
      await one.close();
      await two.close();
    }
  });

  it('waits for another process\'s write lock with its event loop free, and takes the lock once it is released', async () => {
    const dataDir = freshFolder();
    const store = new SqliteStore({ dataDir, busyTimeoutMs: 2000 });
    await store.migrate();
    // a connection outside the store stands for another worker process holding the write lock
    const other = new Database(join(dataDir, 'stratum.db'));
    try {
      other.exec('CREATE TABLE other_process (x)');
      other.exec('BEGIN IMMEDIATE');
      other.exec('INSERT INTO other_process VALUES (1)');
      let ticks = 0;
      const ticking = setInterval(() => ticks++, 5);
      // released by a timer of this thread: SQLite's busy handler, sleeping the thread, would never let it run
      setTimeout(() => other.exec('COMMIT'), 150);
      const write = store.transaction(async (tx) => {
        await tx.insertVersion(versionRow('order-to-cash', 1));
        return ticks;
      });
      // reads answer meanwhile, from the last commit
      expect(await store.read((tx) => tx.latestVersion('order-to-cash'))).toBeUndefined();
      const ticksWhenWritten = await write;
      clearInterval(ticking);
      // about 30 on a quiet machine; a loaded one runs the 5 ms interval less often, and a thread asleep in SQLite's
      // busy handler would run it at most once (nor the COMMIT's timer: the write would fail SQLITE_BUSY)
      expect(ticksWhenWritten).toBeGreaterThanOrEqual(3);
      expect((await store.read((tx) => tx.latestVersion('order-to-cash')))?.version).toBe(1);
      expect(other.prepare('SELECT count(*) AS n FROM other_process').get()).toEqual({ n: 1 });
    } finally {
      other.close();
      await store.close();
    }
  });

  it('gives up with SQLITE_BUSY once the busy timeout is spent while another process keeps the write lock', async () => {
    const dataDir = freshFolder();
    const store = new SqliteStore({ dataDir, busyTimeoutMs: 100 });
    await store.migrate();
    const other = new Database(join(dataDir, 'stratum.db'));
    try {
      other.exec('BEGIN IMMEDIATE');
      const began = performance.now();
      await expect(store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(performance.now() - began).toBeGreaterThanOrEqual(95);
      other.exec('ROLLBACK');
      // the busy timeout is back for everything else, and the store writes once the lock is free
      await store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
      expect((await store.read((tx) => tx.latestVersion('order-to-cash')))?.version).toBe(1);
    } finally {
      other.close();
      await store.close();
    }
  });

  it('answers reads on its read connections while a transaction is open, from the last commit', async () => {
    const store = await openStore({ dataDir: freshFolder() });
    try {
      await store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
      let finishWrite!: () => void;
      const writeMayFinish = new Promise<void>((resolve) => (finishWrite = resolve));
      let writing!: () => void;
      const writeStarted = new Promise<void>((resolve) => (writing = resolve));
      const write = store.transaction(async (tx) => {
        await tx.insertVersion(versionRow('order-to-cash', 2));
        writing();
        await writeMayFinish;
      });
      await writeStarted;
      // the writer holds its transaction open: each read still answers, with the committed version
      const reads = await Promise.all([1, 2, 3].map(() => store.read((tx) => tx.latestVersion('order-to-cash'))));
      expect(reads.map((row) => row?.version)).toEqual([1, 1, 1]);
      finishWrite();
      await write;
      expect((await store.read((tx) => tx.latestVersion('order-to-cash')))?.version).toBe(2);
      await expect(store.transaction(() => store.read(() => Promise.resolve()))).rejects.toThrow(/inside another transaction/);
    } finally {
      await store.close();
    }
  });

  it('refuses to be used after close', async () => {
    const store = await openStore({ dataDir: ':memory:' });
    await store.close();
    await expect(store.read((tx) => tx.latestVersions())).rejects.toThrow(/closed/);
  });
});

describe('openStore', () => {
  it('uses SQLite when DATABASE_URL is empty', async () => {
    const store = await openStore({ databaseUrl: '  ', dataDir: ':memory:' });
    try {
      expect(store.kind).toBe('sqlite');
    } finally {
      await store.close();
    }
  });

  it('refuses a DATABASE_URL that is not PostgreSQL', async () => {
    await expect(openStore({ databaseUrl: 'mysql://user:secret@host/db' })).rejects.toThrow(/postgres:\/\/.*mysql:\/\/user:\*\*\*@host/);
  });
});

/** A database folder left at schema `version` by an older Stratum, holding the rows `seedSql` writes. */
function databaseAt(version: number, seedSql: string): string {
  const dataDir = freshFolder();
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, 'stratum.db'));
  db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
  for (const migration of SQLITE_MIGRATIONS.slice(0, version)) db.exec(migration);
  db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
  db.exec(seedSql);
  db.close();
  return dataDir;
}
