import { EventEmitter } from 'node:events';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { lostRace, NewerStoreError, StratumError } from '../errors.js';
import { failedCallerSelect, noFailedInstanceAbove } from './caller-chain.js';
import { historyEvents, instanceSelect, instanceWhere, waitCount, waitSelect } from './filters.js';
import type { Placeholder } from './placeholder.js';
import { canonicalTimestamp } from './iso-time.js';
import { INSTANCE_COLUMNS, WAIT_COLUMNS, WAIT_COLUMNS_OF_W, type Records, type SqliteColumns } from './records.js';
import {
  INCIDENT_COLUMNS, MESSAGE_COLUMNS, incidentSelect, incidentWhere, messageIncidentCodec, messageIncidentWrites, noOpenIncidentOf,
  type BufferedMessagesRecord, type IncidentRecord, type MessageRecord,
} from './message-incident-rows.js';
import { DECISION_COLUMNS, decisionCodec, decisionWrites, type DecisionVersionRecord } from './decision-rows.js';
import { byCreatedAtThenId, checkLimit, checkWaitsOfInstance, CANDIDATE_ROWS, everyPage } from './row-checks.js';
import { rowCodec, type NamedParameters } from './row-codec.js';
import { packState, packStateAhead, unpackState } from './state-codec.js';
import { rowWrites } from './row-writes.js';
import { noOpenChangeOf, orderChangeOf, orderChangeParameters, orderChangeStatements, releasesJobs, type OrderChangeRecord } from './order-change-rows.js';
import { OutboxRows, type OutboxDialect, type SqlRunner } from './outbox-rows.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { orderSelect, rootStatusCount, type OrderTables } from './order-filter.js';
import { refusedRow, refusedSelect, type RefusedRecord, type RefusedTables } from './refused-filter.js';
import { TransactionQueue } from './transaction-queue.js';
import { TxGuard } from './tx-guard.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { walCheckpointSettings, type WalCheckpointSettings, type WalCheckpointStats } from './wal-checkpoint-settings.js';
import type {
  DecisionVersionRow,
  BufferedMessages,
  HistoryEventFilter,
  HistoryRow,
  RefusedFilter,
  RefusedRow,
  OutboxTx,
  IdempotencyRow,
  IncidentFilter,
  IncidentMatch,
  IncidentResolution,
  IncidentRow,
  MessageRow,
  OrderChangeRow,
  OrderFilter,
  OrderRow,
  InstanceFilter,
  InstanceRow,
  ProcessVersionRow,
  SchemaChange,
  Store,
  StoreReplica,
  StoreTx,
  TreeMemberRevision,
  VersionCalls,
  WaitCountFilter,
  WaitFilter,
  WaitRow,
} from './types.js';

export interface SqliteStoreOptions {
  /** Folder of `stratum.db` (created when missing), or ':memory:'. */
  dataDir: string;
  /** How long a statement waits for another process's write lock. */
  busyTimeoutMs?: number;
  /** Read-only connections that serve `read()` beside the writer (default 2; an in-memory database has none). */
  readConnections?: number;
  /**
   * Who copies the WAL into the database file: a background thread (wal-checkpointer.ts) at these settings,
   * or, `off`, the commit that takes it past 1000 pages (SQLite's default; a store that only reads needs no
   * thread). Default: STRATUM_SQLITE_CHECKPOINT (wal-checkpoint-settings.ts). An in-memory database has no WAL.
   */
  checkpoint?: WalCheckpointSettings | 'off';
}

/** How long a connection waits for another process's lock on the file before it gives up. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;
const DEFAULT_SQLITE_READ_CONNECTIONS = 2;
/** How often a transaction tries again for the write lock another process holds (see beginWrite). */
const WRITE_LOCK_RETRY_MS = 1;

/**
 * The embedded store: one better-sqlite3 connection to `<dataDir>/stratum.db`
 * for transactions, and a few read-only connections for `read()`. In WAL mode
 * a reader sees the last commit without waiting for the writer, so reads (and
 * `/healthz`) never queue behind a burst of writes. better-sqlite3 is
 * synchronous while a transaction's work awaits between statements, so each
 * connection runs its transactions one at a time.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  /** The database file, or ':memory:'. */
  readonly path: string;
  private readonly writer: SqliteConnection;
  private readonly queue: TransactionQueue;
  private readonly queueKey: string | null;
  private readonly readers: { connection: SqliteConnection; queue: TransactionQueue }[] = [];
  private readonly readConnections: number;
  private readonly busyTimeoutMs: number;
  private readonly dataDir: string;
  private closed = false;
  private readonly jobSignals = new EventEmitter().setMaxListeners(0);
  private readonly checkpointer: WalCheckpointer | undefined;

  constructor(options: SqliteStoreOptions) {
    this.dataDir = options.dataDir;
    if (options.dataDir === ':memory:') {
      this.path = ':memory:';
    } else {
      mkdirSync(options.dataDir, { recursive: true });
      this.path = join(options.dataDir, 'stratum.db');
    }
    this.busyTimeoutMs = Math.max(0, Math.trunc(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS));
    // an in-memory database exists only on its own connection
    this.readConnections = this.path === ':memory:' ? 0 : Math.max(0, Math.trunc(options.readConnections ?? DEFAULT_SQLITE_READ_CONNECTIONS));
    const db = new Database(this.path);
    try {
      // busy_timeout first: switching to WAL waits for another process's lock too
      db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
    } catch (error) {
      db.close();
      throw error;
    }
    this.writer = new SqliteConnection(db);
    const checkpoint = this.path === ':memory:' ? 'off' : (options.checkpoint ?? walCheckpointSettings(process.env.STRATUM_SQLITE_CHECKPOINT));
    if (checkpoint !== 'off') this.checkpointer = new WalCheckpointer(this.path, checkpoint, db);
    this.queueKey = this.path === ':memory:' ? null : realpathSync(this.path);
    this.queue = acquireQueue(this.queueKey);
  }

  async migrate(): Promise<SchemaChange> {
    return this.queue.run('migrate', async () => {
      this.assertOpen();
      const db = this.writer.db;
      db.exec('BEGIN IMMEDIATE');
      try {
        db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
        const row = db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
        const current = row.version ?? 0;
        if (current > SQLITE_MIGRATIONS.length) throw new NewerStoreError(current, SQLITE_MIGRATIONS.length, this.path);
        for (let version = current + 1; version <= SQLITE_MIGRATIONS.length; version++) {
          db.exec(SQLITE_MIGRATIONS[version - 1]);
          db.prepare('DELETE FROM schema_version').run();
          db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
        }
        db.exec('COMMIT');
        return { from: current, to: Math.max(current, SQLITE_MIGRATIONS.length) };
      } catch (error) {
        if (db.inTransaction) db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** The schema version stored in the database (0 before `migrate`). */
  async schemaVersion(): Promise<number> {
    return this.queue.run('schemaVersion', async () => {
      this.assertOpen();
      const exists = this.writer.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
        .get();
      if (!exists) return 0;
      const row = this.writer.db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
      return row.version ?? 0;
    });
  }

  async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    const fetchable = new Set<string>();
    const result = await this.queue.run('transaction', () => this.inTransaction(this.writer, 'BEGIN IMMEDIATE', true, work, fetchable));
    // announced outside the queue's scope: a listener may start a transaction of its own
    for (const jobType of fetchable) this.jobSignals.emit('job', jobType);
    return result;
  }

  async read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    // A deferred transaction gives one snapshot even while another connection writes the file.
    const reader = this.leastBusyReader();
    if (!reader) return this.queue.run('read', () => this.inTransaction(this.writer, 'BEGIN DEFERRED', false, work));
    return reader.queue.run('read', () => this.inTransaction(reader.connection, 'BEGIN DEFERRED', false, work));
  }

  replica(): StoreReplica | undefined {
    // an in-memory database exists only on its own connection
    return this.path === ':memory:' ? undefined : { kind: 'sqlite', dataDir: this.dataDir, busyTimeoutMs: this.busyTimeoutMs };
  }

  prepareState(state: unknown): void {
    if (state !== null && state !== undefined) packStateAhead(state);
  }

  async watchJobs(listener: (jobType: string) => void): Promise<() => Promise<void>> {
    this.jobSignals.on('job', listener);
    return async () => void this.jobSignals.off('job', listener);
  }

  /** What the background checkpointer did; undefined without one (`off`, in memory). */
  walCheckpoints(): WalCheckpointStats | undefined {
    return this.checkpointer?.stats();
  }

  storedJson(value: unknown): string {
    return JSON.stringify(value);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([this.queue.drain(), ...this.readers.map((reader) => reader.queue.drain())]);
    if (this.closed) return;
    this.closed = true;
    // before the connections: the last connection to close copies what is left and removes the WAL
    await this.checkpointer?.close();
    for (const reader of this.readers) reader.connection.close();
    this.writer.close();
    releaseQueue(this.queueKey);
  }

  /** The reader with the least work queued, opening another while fewer than allowed are open and all are busy. */
  private leastBusyReader(): { connection: SqliteConnection; queue: TransactionQueue } | undefined {
    if (this.readConnections === 0 || this.closed) return undefined;
    let best = this.readers[0];
    for (const reader of this.readers) if (reader.queue.pending < best.queue.pending) best = reader;
    if ((!best || best.queue.pending > 0) && this.readers.length < this.readConnections) {
      const db = new Database(this.path, { readonly: true, fileMustExist: true });
      db.pragma(`busy_timeout = ${this.busyTimeoutMs}`);
      // the write queue is the family: a read inside a transaction is still refused as nested
      best = { connection: new SqliteConnection(db), queue: new TransactionQueue(true, this.queue) };
      this.readers.push(best);
    }
    return best;
  }

  private async inTransaction<T>(
    connection: SqliteConnection,
    begin: string,
    writable: boolean,
    work: (tx: StoreTx) => Promise<T>,
    committedJobTypes?: Set<string>,
  ): Promise<T> {
    this.assertOpen();
    if (writable) await this.beginWrite(connection);
    else connection.statement(begin).run();
    const tx = new SqliteTx(connection, writable);
    try {
      const result = await work(tx);
      tx.finish();
      this.commit(connection);
      if (writable) this.checkpointer?.afterCommit();
      for (const jobType of tx.fetchableJobTypes) committedJobTypes?.add(jobType);
      return result;
    } catch (error) {
      tx.finish();
      if (connection.db.inTransaction) connection.statement('ROLLBACK').run();
      throw error;
    }
  }

  /**
   * BEGIN IMMEDIATE without SQLite's busy handler: that handler sleeps the
   * whole thread (better-sqlite3 is synchronous) for 1, 2, 5, 10, … ms while
   * another process holds the write lock, so a worker of `npm start` waiting
   * for the other one answered nothing meanwhile and woke up late. Here the
   * lock is tried without waiting and, while another process holds it, tried
   * again every millisecond with the event loop free in between (reads,
   * sockets, other requests' work go on), until the busy timeout is spent.
   */
  private async beginWrite(connection: SqliteConnection): Promise<void> {
    const giveUpAt = performance.now() + this.busyTimeoutMs;
    for (;;) {
      const busy = this.tryBeginWrite(connection);
      if (!busy) return;
      if (performance.now() >= giveUpAt) throw busy;
      await new Promise((resolve) => setTimeout(resolve, WRITE_LOCK_RETRY_MS));
    }
  }

  /** Takes the write lock at once, or returns the SQLITE_BUSY error of another process holding it. */
  private tryBeginWrite(connection: SqliteConnection): Error | undefined {
    connection.statement('PRAGMA busy_timeout = 0').run();
    try {
      connection.statement('BEGIN IMMEDIATE').run();
      return undefined;
    } catch (error) {
      if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return error as Error;
      throw error;
    } finally {
      // every other statement (reads, COMMIT, migrations) keeps the busy timeout
      connection.statement(`PRAGMA busy_timeout = ${this.busyTimeoutMs}`).run();
    }
  }

  private commit(connection: SqliteConnection): void {
    try {
      connection.statement('COMMIT').run();
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
        throw new StratumError(
          'invalid',
          'transaction rolled back: it would leave a row pointing to a process version or instance that does not exist',
        );
      }
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error(`the store ${this.path} is closed`);
  }
}

/** One better-sqlite3 connection with its statements, prepared once each. */
class SqliteConnection {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.statements.clear();
    this.db.close();
  }
}

// Stores on the same file in one process share one queue: better-sqlite3
// blocks the thread while it waits for a lock, so a second connection's BEGIN
// would wait for a commit that cannot happen until the wait gives up.

const sharedQueues = new Map<string, { queue: TransactionQueue; users: number }>();

function acquireQueue(file: string | null): TransactionQueue {
  if (file === null) return new TransactionQueue(true);
  let shared = sharedQueues.get(file);
  if (!shared) {
    shared = { queue: new TransactionQueue(true), users: 0 };
    sharedQueues.set(file, shared);
  }
  shared.users++;
  return shared.queue;
}

function releaseQueue(file: string | null): void {
  if (file === null) return;
  const shared = sharedQueues.get(file);
  if (shared && --shared.users === 0) sharedQueues.delete(file);
}

// How SQLite keeps what the rows hold: JSON as text, timestamps as the
// canonical ISO text (iso-time.ts), which sorts like the instants.

const codec = rowCodec<SqliteColumns>({
  readTime: (text) => text,
  readJson: <Value>(text: string) => JSON.parse(text) as Value,
  writeJson: (value) => JSON.stringify(value),
  // engine state deflated (state-codec.ts); rows stored as JSON text stay readable
  readState: unpackState,
  writeState: packState,
});
const WRITES = rowWrites('');
const ORDER_CHANGES = orderChangeStatements('');
const controlCodec = messageIncidentCodec<SqliteColumns>({
  readTime: (text) => text,
  readJson: <Value>(text: string) => JSON.parse(text) as Value,
  writeJson: (value) => JSON.stringify(value),
});
const CONTROL_WRITES = messageIncidentWrites('');
/** An incident reason's kind, read from its JSON text. */
const REASON_KIND = "json_extract(reason, '$.kind')";
const decisions = decisionCodec<SqliteColumns>({ readTime: (text) => text });
const DECISION_WRITES = decisionWrites('');
export const anonymous: Placeholder = () => '?';
export const WAIT_TABLES = { instances: 'instances', waits: 'waits', groups: 'wait_groups', users: 'wait_users' };

/**
 * Locks the oldest fetchable jobs of a type (StoreTx.lockJobs): the conditions say what a worker may not be
 * handed (a job held by an open order change, named by an open incident, of a failed instance or under a failed
 * caller). `index` and `ofOrder` choose how the candidates are read. Exported for the query-plan test: every poll
 * of every worker runs it.
 */
function lockJobsStatement(index: string, ofOrder: string, free = '(lock_expires_at IS NULL OR lock_expires_at < @now)'): string {
  return `UPDATE waits SET locked_by = @workerId, lock_expires_at = @lockExpiresAt
  WHERE id IN (
    SELECT id FROM waits INDEXED BY ${index}
    WHERE kind = 'job' AND job_type = @type
      AND ${ofOrder}
      AND ${free}
      AND (job_retries IS NULL OR job_retries > 0)
      AND ${noOpenChangeOf('', 'waits')}
      AND ${noOpenIncidentOf('', 'waits')}
      AND ${noFailedInstanceAbove('', 'waits')}
    ORDER BY created_at, id
    LIMIT @max)
  RETURNING ${WAIT_COLUMNS}`;
}

/**
 * A poll for a type. INDEXED BY: without statistics SQLite preferred waits_by_kind_created, whose (kind,
 * created_at, id) yields the ORDER BY whole, and read every job of every type older than the ones it handed out: a
 * poll for a rare type among 100,000 jobs of another read all of them. The type's index yields its jobs by
 * created_at; only the jobs of one instant are sorted by id (the plan's "TEMP B-TREE FOR LAST TERM OF ORDER BY"),
 * and the LIMIT still stops the read. Should the index ever go, the statement fails to prepare rather than slowly
 * reading by kind.
 */
/** A start's Idempotency-Key as one caller sent it (its primary key). */
export const GET_IDEMPOTENCY = 'SELECT * FROM idempotency WHERE scope = ? AND caller = ? AND key = ?';
/** The process versions one deployment stored (process_versions_by_deployment). */
export const DEPLOYMENT_VERSIONS = 'SELECT * FROM process_versions WHERE deployment_id = ? ORDER BY key';
/** The decision versions one deployment stored (decision_versions_by_deployment). */
export const DEPLOYMENT_DECISIONS = `SELECT ${DECISION_COLUMNS} FROM decision_versions WHERE deployment_id = ? ORDER BY decision_id`;

export const LOCK_JOBS = lockJobsStatement('waits_by_job_type', '@businessKey IS NULL');
/**
 * A poll for a type limited to one order (`businessKey` of fetch-and-lock or of a Camunda 7 fetchAndLock topic): the order's
 * index yields its few waits by created_at and id, where the type's index would read every job of the type.
 */
export const LOCK_ORDER_JOBS = lockJobsStatement('waits_by_business_key_created', 'business_key = @businessKey');
/** One job by its id (StoreTx.lockJob): on the poll's terms, except that the worker holding its lock renews it. */
export const LOCK_ONE_JOB = lockJobsStatement('sqlite_autoindex_waits_1', 'id = @jobId', '(lock_expires_at IS NULL OR lock_expires_at < @now OR locked_by = @workerId)');

type Stored = Records<SqliteColumns>;

/** The customer expression is the one index orders_by_customer is built on (migration 5). */
const SQLITE_ORDER_TABLES: OrderTables = { orders: 'orders', instances: 'instances', customerName: "json_extract(o.entered, '$.customer.name')", ordersFirst: 'CROSS JOIN' };

/** The page of orders a filter selects, its join chosen by how many instances have its root status (order-filter.ts). */
export function sqliteOrderSelect(filter: OrderFilter, count: (text: string, parameters: unknown[]) => number): { text: string; parameters: unknown[] } {
  const counting = rootStatusCount(filter, anonymous, SQLITE_ORDER_TABLES);
  return orderSelect(filter, anonymous, SQLITE_ORDER_TABLES, counting && count(counting.text, counting.parameters));
}

export const SQLITE_REFUSED_TABLES: RefusedTables = { history: 'history', instances: 'instances', event: 'h.event', reason: "json_extract(h.data, '$.reason')" };

/** Writers run one at a time: no row locks, no lock for event numbers. */
const SQLITE_OUTBOX: OutboxDialect = { prefix: '', claimLock: '', subscriptionLock: '', recordLock: '', deleteLock: '', pendingLock: '', outboxLock: null, subscriptionChangeLock: null };

class SqliteTx extends TxGuard implements StoreTx {
  readonly outbox: OutboxTx;

  constructor(
    private readonly connection: SqliteConnection,
    writable: boolean,
  ) {
    super(writable);
    const runner: SqlRunner = {
      all: async (text, parameters) => {
        this.assertActive();
        const statement = this.sql(text);
        return (Object.keys(parameters).length ? statement.all(parameters) : statement.all()) as Record<string, unknown>[];
      },
      run: async (text, parameters) => {
        this.assertActive();
        const statement = this.sql(text);
        return (Object.keys(parameters).length ? statement.run(parameters) : statement.run()).changes;
      },
    };
    this.outbox = new OutboxRows(runner, SQLITE_OUTBOX, (method) => this.assertWritable(method));
  }

  // process library

  /** Writers already run one at a time (BEGIN IMMEDIATE on one connection, a busy wait across processes). */
  async lockLibrary(): Promise<void> {
    this.assertWritable('lockLibrary');
  }

  async insertVersion(row: ProcessVersionRow): Promise<void> {
    this.assertWritable('insertVersion');
    const result = this.sql(WRITES.insertVersion).run(codec.versionParameters(row));
    if (result.changes === 0) {
      throw lostRace('duplicate', `process ${row.key} version ${row.version} is already deployed`);
    }
  }

  async getVersion(key: string, version: number): Promise<ProcessVersionRow | undefined> {
    this.assertActive();
    const record = this.sql('SELECT * FROM process_versions WHERE key = ? AND version = ?').get(key, version);
    return record ? codec.version(record as Stored['version']) : undefined;
  }

  async latestVersion(key: string): Promise<ProcessVersionRow | undefined> {
    this.assertActive();
    const record = this.sql('SELECT * FROM process_versions WHERE key = ? ORDER BY version DESC LIMIT 1').get(key);
    return record ? codec.version(record as Stored['version']) : undefined;
  }

  async latestVersionNumber(key: string): Promise<number | undefined> {
    this.assertActive();
    const record = this.sql('SELECT max(version) AS version FROM process_versions WHERE key = ?').get(key) as { version: number | null };
    return record.version ?? undefined;
  }

  async latestVersions(): Promise<ProcessVersionRow[]> {
    return this.latestVersionRecords('v.*').map(codec.version);
  }

  async latestCalls(): Promise<VersionCalls[]> {
    return this.latestVersionRecords('v.key, v.version, v.calls').map(codec.versionCalls);
  }

  /** `columns` of the latest version of every key, ordered by key. */
  private latestVersionRecords(columns: string): Stored['version'][] {
    this.assertActive();
    return this.sql(
      `SELECT ${columns} FROM process_versions v
       JOIN (SELECT key, max(version) AS version FROM process_versions GROUP BY key) latest
         ON latest.key = v.key AND latest.version = v.version
       ORDER BY v.key`,
    ).all() as Stored['version'][];
  }

  async everCalledKeys(): Promise<string[]> {
    this.assertActive();
    const records = this.sql(
      'SELECT DISTINCT called.value AS key FROM process_versions v, json_each(v.calls) called WHERE called.value <> v.key ORDER BY 1',
    ).all() as { key: string }[];
    return records.map((record) => record.key);
  }

  async versionsOf(key: string): Promise<ProcessVersionRow[]> {
    this.assertActive();
    const records = this.sql('SELECT * FROM process_versions WHERE key = ? ORDER BY version').all(
      key,
    ) as Stored['version'][];
    return records.map(codec.version);
  }

  // decisions

  async insertDecisionVersion(row: DecisionVersionRow): Promise<void> {
    this.assertWritable('insertDecisionVersion');
    const result = this.sql(DECISION_WRITES.insertDecisionVersion).run(decisions.decisionParameters(row));
    if (result.changes === 0) throw lostRace('duplicate', `decision ${row.decisionId} version ${row.version} is already deployed`);
  }

  async getDecisionVersion(decisionId: string, version: number): Promise<DecisionVersionRow | undefined> {
    this.assertActive();
    const record = this.sql(`SELECT ${DECISION_COLUMNS} FROM decision_versions WHERE decision_id = ? AND version = ?`).get(decisionId, version);
    return record ? decisions.decision(record as DecisionVersionRecord<SqliteColumns>) : undefined;
  }

  async latestDecisionVersions(): Promise<DecisionVersionRow[]> {
    this.assertActive();
    const records = this.sql(
      `SELECT ${DECISION_COLUMNS} FROM decision_versions d
       WHERE version = (SELECT max(version) FROM decision_versions l WHERE l.decision_id = d.decision_id)
       ORDER BY decision_id`,
    ).all() as DecisionVersionRecord<SqliteColumns>[];
    return records.map(decisions.decision);
  }

  async decisionVersionsOf(decisionId: string): Promise<DecisionVersionRow[]> {
    this.assertActive();
    const records = this.sql(`SELECT ${DECISION_COLUMNS} FROM decision_versions WHERE decision_id = ? ORDER BY version`)
      .all(decisionId) as DecisionVersionRecord<SqliteColumns>[];
    return records.map(decisions.decision);
  }

  async deploymentVersions(deploymentId: string): Promise<{ processes: ProcessVersionRow[]; decisions: DecisionVersionRow[] }> {
    this.assertActive();
    const processes = this.sql(DEPLOYMENT_VERSIONS).all(deploymentId) as Stored['version'][];
    const decisionRecords = this.sql(DEPLOYMENT_DECISIONS).all(deploymentId) as DecisionVersionRecord<SqliteColumns>[];
    return { processes: processes.map(codec.version), decisions: decisionRecords.map(decisions.decision) };
  }

  // instances

  async insertInstance(row: InstanceRow): Promise<void> {
    this.assertWritable('insertInstance');
    const result = this.sql(WRITES.insertInstance).run(codec.instanceParameters(row));
    if (result.changes === 0) throw lostRace('duplicate', `instance ${row.id} already exists`);
  }

  async getInstance(id: string, _options?: { lock?: boolean }): Promise<InstanceRow | undefined> {
    // No row locks in SQLite: a write transaction holds the whole database.
    this.assertActive();
    const record = this.sql(`SELECT ${INSTANCE_COLUMNS} FROM instances WHERE id = ?`).get(id);
    return record ? codec.instance(record as Stored['instance']) : undefined;
  }

  async updateInstance(row: InstanceRow): Promise<boolean> {
    this.assertWritable('updateInstance');
    const result = this.sql(WRITES.updateInstance).run(codec.instanceParameters(row));
    return result.changes === 1;
  }

  async findInstances(filter: InstanceFilter): Promise<InstanceRow[]> {
    this.assertActive();
    const { text, parameters } = instanceSelect(filter, anonymous, 'instances', INSTANCE_COLUMNS, -1);
    const records = this.sql(text).all(...parameters) as Stored['instance'][];
    return records.map(codec.instance);
  }

  async countInstances(filter: InstanceFilter): Promise<number> {
    this.assertActive();
    const { where, parameters } = instanceWhere(everyPage(filter), anonymous);
    const row = this.sql(`SELECT count(*) AS n FROM instances ${where}`).get(...parameters) as { n: number };
    return row.n;
  }

  async failedCallerOf(id: string): Promise<InstanceRow | undefined> {
    this.assertActive();
    const record = this.sql(failedCallerSelect('instances', anonymous)).get(id);
    return record ? codec.instance(record as Stored['instance']) : undefined;
  }

  async childrenOf(parentId: string): Promise<InstanceRow[]> {
    this.assertActive();
    const records = this.sql(
      `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE parent_id = ? ORDER BY created_at, id`,
    ).all(parentId) as Stored['instance'][];
    return records.map(codec.instance);
  }

  async treeRevisions(rootId: string): Promise<TreeMemberRevision[]> {
    this.assertActive();
    return this.sql(
      `SELECT i.id, i.revision, (SELECT count(*) FROM history h WHERE h.instance_id = i.id) AS historyRows
       FROM instances i WHERE i.root_id = ?`,
    ).all(rootId) as TreeMemberRevision[];
  }

  // waits

  async replaceWaits(instanceId: string, waits: WaitRow[]): Promise<void> {
    this.assertWritable('replaceWaits');
    checkWaitsOfInstance(instanceId, waits);
    const stored = new Set(
      (this.sql('SELECT id FROM waits WHERE instance_id = ?').all(instanceId) as { id: string }[]).map((r) => r.id),
    );
    const kept = new Set<string>();
    for (const wait of waits) {
      const parameters = codec.waitParameters(wait);
      if (stored.has(wait.id)) {
        kept.add(wait.id);
        // createdAt and the job's lock state belong to the store, not to the engine's fresh rows
        this.sql(WRITES.refreshWait).run(parameters);
      } else {
        this.insertWait(parameters);
        this.noteFetchable(wait);
      }
      this.writeCandidates(wait);
    }
    for (const id of stored) {
      if (!kept.has(id)) this.sql('DELETE FROM waits WHERE id = ?').run(id);
    }
  }

  async getWait(id: string, _options?: { lock?: boolean }): Promise<WaitRow | undefined> {
    this.assertActive();
    const record = this.sql(`SELECT ${WAIT_COLUMNS} FROM waits WHERE id = ?`).get(id);
    return record ? codec.wait(record as Stored['wait']) : undefined;
  }

  async findWaits(filter: WaitFilter): Promise<WaitRow[]> {
    this.assertActive();
    const { text, parameters } = waitSelect(filter, anonymous, WAIT_TABLES, WAIT_COLUMNS_OF_W);
    const records = this.sql(text).all(...parameters) as Stored['wait'][];
    return records.map(codec.wait);
  }

  async countWaits(filter: WaitCountFilter): Promise<number> {
    this.assertActive();
    const { text, parameters } = waitCount(filter, anonymous, WAIT_TABLES);
    return (this.sql(text).get(...parameters) as { n: number }).n;
  }

  async updateWait(row: WaitRow): Promise<void> {
    this.assertWritable('updateWait');
    const result = this.sql(WRITES.updateWait).run(codec.waitParameters(row));
    if (result.changes === 0) {
      throw new StratumError('not-found', `wait ${row.id} of instance ${row.instanceId} does not exist`);
    }
    this.noteFetchable(row);
    this.writeCandidates(row);
  }

  async dueTimers(now: string, limit: number): Promise<WaitRow[]> {
    this.assertActive();
    checkLimit('limit', limit);
    const records = this.sql(
      `SELECT ${WAIT_COLUMNS} FROM waits WHERE kind = 'timer' AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
    ).all(canonicalTimestamp(now, 'now'), limit) as Stored['wait'][];
    return records.map(codec.wait);
  }

  async lockJobs(type: string, workerId: string, now: string, lockExpiresAt: string, max: number, businessKey?: string): Promise<WaitRow[]> {
    this.assertWritable('lockJobs');
    checkLimit('max', max);
    const records = this.sql(businessKey === undefined ? LOCK_JOBS : LOCK_ORDER_JOBS).all({
      type,
      workerId,
      now: canonicalTimestamp(now, 'now'),
      lockExpiresAt: canonicalTimestamp(lockExpiresAt, 'lockExpiresAt'),
      max,
      businessKey: businessKey ?? null,
    }) as Stored['wait'][];
    return records.map(codec.wait).sort(byCreatedAtThenId);
  }

  async lockJob(job: Pick<WaitRow, 'id' | 'jobType'>, workerId: string, now: string, lockExpiresAt: string): Promise<WaitRow | undefined> {
    this.assertWritable('lockJob');
    const [record] = this.sql(LOCK_ONE_JOB).all({
      type: job.jobType, jobId: job.id, workerId, now: canonicalTimestamp(now, 'now'), lockExpiresAt: canonicalTimestamp(lockExpiresAt, 'lockExpiresAt'), max: 1,
    }) as Stored['wait'][];
    return record && codec.wait(record);
  }

  // history

  async appendHistory(rows: HistoryRow[]): Promise<number[]> {
    this.assertWritable('appendHistory');
    const insert = this.sql(
      `INSERT INTO history (instance_id, at, actor, event, element_id, element_type, wait_id, data, via)
       VALUES (@instanceId, @at, @actor, @event, @elementId, @elementType, @waitId, @data, @via)`,
    );
    // seq is the table's rowid (INTEGER PRIMARY KEY)
    return rows.map((row) => Number(insert.run(codec.historyParameters(row)).lastInsertRowid));
  }

  async historyOf(instanceIds: string[], only?: HistoryEventFilter): Promise<HistoryRow[]> {
    this.assertActive();
    if (instanceIds.length === 0) return [];
    const records = (only
      ? this.sql(
        `SELECT * FROM history WHERE instance_id IN (SELECT value FROM json_each(@ids)) AND event IN (SELECT value FROM json_each(@events))
           AND (@actor IS NULL OR actor = @actor) ORDER BY seq`,
      ).all({ ids: JSON.stringify(instanceIds), events: JSON.stringify(historyEvents(only)), actor: only.actor ?? null })
      : this.sql('SELECT * FROM history WHERE instance_id IN (SELECT value FROM json_each(?)) ORDER BY seq').all(JSON.stringify(instanceIds))
    ) as Stored['history'][];
    return records.map(codec.history);
  }

  async findTaskCompletion(waitId: string): Promise<HistoryRow | undefined> {
    this.assertActive();
    const record = this.sql(
      "SELECT * FROM history WHERE wait_id = ? AND event = 'task.completed' ORDER BY seq LIMIT 1",
    ).get(waitId);
    return record ? codec.history(record as Stored['history']) : undefined;
  }

  async findRefused(filter: RefusedFilter): Promise<RefusedRow[]> {
    this.assertActive();
    const { text, parameters } = refusedSelect(filter, () => '?', SQLITE_REFUSED_TABLES);
    return (this.sql(text).all(...parameters) as RefusedRecord<SqliteColumns>[]).map((record) => refusedRow(record, codec.history));
  }

  // messages

  async insertMessage(row: MessageRow): Promise<boolean> {
    this.assertWritable('insertMessage');
    return this.sql(CONTROL_WRITES.insertMessage).run(controlCodec.messageParameters(row)).changes === 1;
  }

  async findMessageById(name: string, correlationKey: string, messageId: string): Promise<MessageRow | undefined> {
    this.assertActive();
    const record = this.sql(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE name = ? AND correlation_key = ? AND message_id = ?`,
    ).get(name, correlationKey, messageId);
    return record ? controlCodec.message(record as MessageRecord<SqliteColumns>) : undefined;
  }

  async updateMessage(row: MessageRow): Promise<void> {
    this.assertWritable('updateMessage');
    if (this.sql(CONTROL_WRITES.updateMessage).run(controlCodec.messageParameters(row)).changes === 0) {
      throw new StratumError('not-found', `message ${row.id} does not exist`);
    }
  }

  async deleteMessage(id: string): Promise<void> {
    this.assertWritable('deleteMessage');
    this.sql('DELETE FROM messages WHERE id = ?').run(id);
  }

  async lockCorrelation(_name: string, _correlationKey: string): Promise<void> {
    // A write transaction holds the whole database: steps are serialised already.
    this.assertWritable('lockCorrelation');
  }

  async oldestBufferedMessage(name: string, correlationKey: string, now: string, receivedSince: string | null = null): Promise<MessageRow | undefined> {
    this.assertActive();
    const record = this.sql(
      `SELECT ${MESSAGE_COLUMNS} FROM messages
       WHERE name = ? AND correlation_key = ? AND state = 'buffered' AND expires_at > ? AND received_at >= ?
       ORDER BY received_at, seq LIMIT 1`,
    ).get(name, correlationKey, canonicalTimestamp(now, 'now'), receivedSince === null ? '' : canonicalTimestamp(receivedSince, 'receivedSince'));
    return record ? controlCodec.message(record as MessageRecord<SqliteColumns>) : undefined;
  }

  async bufferedMessages(names: readonly string[], now: string): Promise<BufferedMessages[]> {
    this.assertActive();
    if (names.length === 0) return [];
    const records = this.sql(
      `SELECT name, correlation_key, count(*) AS count, max(expires_at) AS last_expires_at FROM messages
       WHERE name IN (SELECT value FROM json_each(?)) AND state = 'buffered' AND expires_at > ?
       GROUP BY name, correlation_key`,
    ).all(JSON.stringify(names), canonicalTimestamp(now, 'now')) as BufferedMessagesRecord<SqliteColumns>[];
    return records.map(controlCodec.bufferedMessages);
  }

  async expiredMessages(now: string, limit: number): Promise<MessageRow[]> {
    this.assertActive();
    checkLimit('limit', limit);
    const records = this.sql(
      `SELECT ${MESSAGE_COLUMNS} FROM messages WHERE expires_at <= ? ORDER BY expires_at, seq LIMIT ?`,
    ).all(canonicalTimestamp(now, 'now'), limit) as MessageRecord<SqliteColumns>[];
    return records.map(controlCodec.message);
  }

  // incidents

  async insertIncident(row: IncidentRow): Promise<void> {
    this.assertWritable('insertIncident');
    this.sql(CONTROL_WRITES.insertIncident).run(controlCodec.incidentParameters(row));
  }

  async getIncident(id: string): Promise<IncidentRow | undefined> {
    this.assertActive();
    const record = this.sql(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?`).get(id);
    return record ? controlCodec.incident(record as IncidentRecord<SqliteColumns>) : undefined;
  }

  async findIncidents(filter: IncidentFilter): Promise<IncidentRow[]> {
    this.assertActive();
    const { text, parameters } = incidentSelect(filter, anonymous, 'incidents', -1, REASON_KIND);
    const records = this.sql(text).all(...parameters) as IncidentRecord<SqliteColumns>[];
    return records.map(controlCodec.incident);
  }

  async countIncidents(match: IncidentMatch): Promise<number> {
    this.assertActive();
    const { where, parameters } = incidentWhere(match, anonymous, REASON_KIND);
    const row = this.sql(`SELECT count(*) AS n FROM incidents ${where}`).get(...parameters) as { n: number };
    return row.n;
  }

  async resolveIncident(id: string, resolution: { resolvedAt: string; resolvedBy: string | null; resolution: IncidentResolution }): Promise<boolean> {
    this.assertWritable('resolveIncident');
    const result = this.sql(CONTROL_WRITES.resolveIncident).run({
      id,
      resolvedAt: canonicalTimestamp(resolution.resolvedAt, 'resolvedAt'),
      resolvedBy: resolution.resolvedBy,
      resolution: resolution.resolution,
    });
    if (result.changes === 1 && resolution.resolution === 'retried') this.noteFreedJobs(id);
    return result.changes === 1;
  }

  /**
   * A retry runs again what its incident's failure held (lockJobs hands out no job of a failed instance or under a
   * failed caller): the fetchable jobs of its order's call tree are announced, so fetches waiting for them try again.
   */
  private noteFreedJobs(incidentId: string): void {
    const records = this.sql(
      `SELECT ${WAIT_COLUMNS} FROM waits WHERE root_id = (SELECT root_id FROM incidents WHERE id = ?) AND kind = 'job'`,
    ).all(incidentId) as Stored['wait'][];
    for (const record of records) this.noteFetchable(codec.wait(record));
  }

  // idempotency

  async getIdempotency(scope: string, caller: string, key: string): Promise<IdempotencyRow | undefined> {
    this.assertActive();
    const record = this.sql(GET_IDEMPOTENCY).get(scope, caller, key);
    return record ? codec.idempotency(record as Stored['idempotency']) : undefined;
  }

  async insertIdempotency(row: IdempotencyRow): Promise<void> {
    this.assertWritable('insertIdempotency');
    const result = this.sql(WRITES.insertIdempotency).run(codec.idempotencyParameters(row));
    if (result.changes === 0) {
      throw lostRace('duplicate', `idempotency key ${JSON.stringify(row.key)} is already used in scope ${row.scope} by ${JSON.stringify(row.caller)}`);
    }
  }

  // orders

  async insertOrder(row: OrderRow): Promise<void> {
    this.assertWritable('insertOrder');
    const result = this.sql(WRITES.insertOrder).run(codec.orderParameters(row));
    if (result.changes === 0) throw lostRace('duplicate', `order ${JSON.stringify(row.orderNo)} was already entered`);
  }

  async getOrder(orderNo: string): Promise<OrderRow | undefined> {
    this.assertActive();
    const record = this.sql('SELECT * FROM orders WHERE order_no = ?').get(orderNo);
    return record ? codec.order(record as Stored['order']) : undefined;
  }

  async insertOrderChange(row: OrderChangeRow): Promise<void> {
    this.assertWritable('insertOrderChange');
    const result = this.sql(ORDER_CHANGES.insertOrderChange).run(orderChangeParameters(row));
    if (result.changes === 0) throw lostRace('duplicate', `order ${JSON.stringify(row.orderNo)} already has change ${JSON.stringify(row.changeId)}`);
  }

  async orderChanges(orderNo: string): Promise<OrderChangeRow[]> {
    this.assertActive();
    return (this.sql(ORDER_CHANGES.orderChanges).all({ orderNo }) as OrderChangeRecord[]).map(orderChangeOf);
  }

  async updateOrderChange(row: OrderChangeRow): Promise<void> {
    this.assertWritable('updateOrderChange');
    const result = this.sql(ORDER_CHANGES.updateOrderChange).run({ orderNo: row.orderNo, changeId: row.changeId, status: row.status, settledAt: row.settledAt });
    if (result.changes === 1 && releasesJobs(row.status)) this.noteReleasedJobs(row.orderNo);
  }

  /**
   * A settled change releases what it held (lockJobs hands out no job of an order with an open change): the
   * order's fetchable jobs are announced, unless another change still holds them, so fetches waiting for them
   * try again.
   */
  private noteReleasedJobs(orderNo: string): void {
    const records = this.sql(ORDER_CHANGES.jobsNoChangeHolds).all({ orderNo }) as Stored['wait'][];
    for (const record of records) this.noteFetchable(codec.wait(record));
  }

  async findOrders(filter: OrderFilter): Promise<OrderRow[]> {
    this.assertActive();
    const { text, parameters } = sqliteOrderSelect(filter, (count, values) => (this.sql(count).get(...values) as { n: number }).n);
    return (this.sql(text).all(...parameters) as Stored['order'][]).map(codec.order);
  }

  /** Writers already run one at a time (BEGIN IMMEDIATE on one connection, a busy wait across processes). */
  async lockBusinessKey(_businessKey: string): Promise<void> {
    this.assertWritable('lockBusinessKey');
  }

  /** Nothing to take: a refusal's count and its append run in one write transaction, and writers run one at a time. */
  async lockRefusedAttempts(_instanceId: string): Promise<void> {
    this.assertWritable('lockRefusedAttempts');
  }

  // helpers

  private insertWait(parameters: NamedParameters): void {
    const result = this.sql(WRITES.insertWait).run(parameters);
    if (result.changes === 0) {
      throw lostRace('duplicate', `wait ${String(parameters.id)} already belongs to another instance`);
    }
  }

  private writeCandidates(wait: WaitRow): void {
    for (const { table, column, names } of CANDIDATE_ROWS) {
      this.sql(`DELETE FROM ${table} WHERE wait_id = ?`).run(wait.id);
      const insert = this.sql(`INSERT INTO ${table} (wait_id, ${column}, created_at) SELECT id, ?, created_at FROM waits WHERE id = ?`);
      for (const name of names(wait)) insert.run(name, wait.id);
    }
  }

  private sql(text: string): Database.Statement {
    return this.connection.statement(text);
  }
}
