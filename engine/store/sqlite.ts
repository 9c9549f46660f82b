import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StratumError } from '../errors.js';
import { canonicalTimestamp, canonicalTimestampOrNull } from './iso-time.js';
import { byCreatedAtThenId, checkLimit, checkWaitsOfInstance, distinctGroups, pageOf } from './row-checks.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';
import { TransactionQueue } from './transaction-queue.js';
import type {
  HistoryRow,
  IdempotencyRow,
  InstanceFilter,
  InstanceRow,
  InstanceStatus,
  ProcessVersionRow,
  Store,
  StoreTx,
  WaitFilter,
  WaitKind,
  WaitRow,
} from './types.js';

export interface SqliteStoreOptions {
  /** Folder of `stratum.db` (created when missing), or ':memory:'. */
  dataDir: string;
  /** How long a statement waits for another process's write lock. */
  busyTimeoutMs?: number;
}

/**
 * The embedded store: one better-sqlite3 connection to `<dataDir>/stratum.db`.
 * better-sqlite3 is synchronous while a transaction's work awaits between
 * statements, so transactions and reads queue up and run one at a time.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  /** The database file, or ':memory:'. */
  readonly path: string;
  private readonly db: Database.Database;
  private readonly queue: TransactionQueue;
  private readonly queueKey: string | null;
  private readonly statements = new Map<string, Database.Statement>();
  private closed = false;

  constructor(options: SqliteStoreOptions) {
    if (options.dataDir === ':memory:') {
      this.path = ':memory:';
    } else {
      mkdirSync(options.dataDir, { recursive: true });
      this.path = join(options.dataDir, 'stratum.db');
    }
    this.db = new Database(this.path);
    try {
      // busy_timeout first: switching to WAL waits for another process's lock too
      this.db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutMs ?? 5000))}`);
      this.db.pragma('journal_mode = WAL');
      this.db.pragma('synchronous = NORMAL');
      this.db.pragma('foreign_keys = ON');
    } catch (error) {
      this.db.close();
      throw error;
    }
    this.queueKey = this.path === ':memory:' ? null : realpathSync(this.path);
    this.queue = acquireQueue(this.queueKey);
  }

  async migrate(): Promise<void> {
    await this.queue.run('migrate', async () => {
      this.assertOpen();
      this.db.exec('BEGIN IMMEDIATE');
      try {
        this.db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)');
        const row = this.db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
        const current = row.version ?? 0;
        if (current > SQLITE_MIGRATIONS.length) {
          throw new Error(
            `${this.path} has schema version ${current}, newer than this Stratum knows (${SQLITE_MIGRATIONS.length}); upgrade Stratum`,
          );
        }
        for (let version = current + 1; version <= SQLITE_MIGRATIONS.length; version++) {
          this.db.exec(SQLITE_MIGRATIONS[version - 1]!);
          this.db.prepare('DELETE FROM schema_version').run();
          this.db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(version);
        }
        this.db.exec('COMMIT');
      } catch (error) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw error;
      }
    });
  }

  /** The schema version stored in the database (0 before `migrate`). */
  async schemaVersion(): Promise<number> {
    return this.queue.run('schemaVersion', async () => {
      this.assertOpen();
      const exists = this.db
        .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
        .get();
      if (!exists) return 0;
      const row = this.db.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null };
      return row.version ?? 0;
    });
  }

  async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.queue.run('transaction', () => this.inTransaction('BEGIN IMMEDIATE', true, work));
  }

  async read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    // A deferred transaction gives one snapshot even while another process writes the file.
    return this.queue.run('read', () => this.inTransaction('BEGIN DEFERRED', false, work));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue.drain();
    if (this.closed) return;
    this.closed = true;
    this.statements.clear();
    this.db.close();
    releaseQueue(this.queueKey);
  }

  /** @internal A prepared statement, prepared once per store. */
  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private async inTransaction<T>(begin: string, writable: boolean, work: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.assertOpen();
    this.statement(begin).run();
    const tx = new SqliteTx(this, writable);
    try {
      const result = await work(tx);
      tx.finish();
      this.commit();
      return result;
    } catch (error) {
      tx.finish();
      if (this.db.inTransaction) this.statement('ROLLBACK').run();
      throw error;
    }
  }

  private commit(): void {
    try {
      this.statement('COMMIT').run();
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

// Column lists and row shapes

interface VersionRecord {
  key: string;
  version: number;
  name: string | null;
  xml: string;
  hash: string;
  calls: string;
  deployment_id: string;
  deployed_by: string;
  deployed_at: string;
  note: string | null;
}

interface InstanceRecord {
  id: string;
  process_key: string;
  version: number;
  business_key: string | null;
  parent_id: string | null;
  parent_element_id: string | null;
  parent_execution_id: string | null;
  root_id: string;
  status: string;
  state: string | null;
  variables: string;
  incident: string | null;
  revision: number;
  started_by: string | null;
  created_at: string;
  updated_at: string;
  ended_at: string | null;
}

interface WaitRecord {
  id: string;
  instance_id: string;
  root_id: string;
  business_key: string | null;
  kind: string;
  element_id: string;
  execution_id: string;
  name: string | null;
  candidate_groups: string | null;
  message_name: string | null;
  message_id: string | null;
  correlation_key: string | null;
  due_at: string | null;
  job_type: string | null;
  job_retries: number | null;
  job_error: string | null;
  locked_by: string | null;
  lock_expires_at: string | null;
  child_instance_id: string | null;
  variables: string | null;
  created_at: string;
}

interface HistoryRecord {
  seq: number;
  instance_id: string;
  at: string;
  actor: string | null;
  event: string;
  element_id: string | null;
  element_type: string | null;
  wait_id: string | null;
  data: string | null;
}

interface IdempotencyRecord {
  scope: string;
  key: string;
  request_hash: string;
  instance_id: string;
  created_at: string;
}

const INSTANCE_COLUMNS =
  'id, process_key, version, business_key, parent_id, parent_element_id, parent_execution_id, root_id, status, state, variables, incident, revision, started_by, created_at, updated_at, ended_at';
const WAIT_COLUMNS =
  'id, instance_id, root_id, business_key, kind, element_id, execution_id, name, candidate_groups, message_name, message_id, correlation_key, due_at, job_type, job_retries, job_error, locked_by, lock_expires_at, child_instance_id, variables, created_at';
const WAIT_COLUMNS_OF_W = WAIT_COLUMNS.split(', ')
  .map((column) => `w.${column}`)
  .join(', ');

class SqliteTx implements StoreTx {
  private active = true;

  constructor(
    private readonly store: SqliteStore,
    private readonly writable: boolean,
  ) {}

  finish(): void {
    this.active = false;
  }

  // process library

  async insertVersion(row: ProcessVersionRow): Promise<void> {
    this.assertWritable('insertVersion');
    const result = this.sql(
      `INSERT INTO process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
       VALUES (@key, @version, @name, @xml, @hash, @calls, @deploymentId, @deployedBy, @deployedAt, @note)
       ON CONFLICT DO NOTHING`,
    ).run({
      key: row.key,
      version: row.version,
      name: row.name,
      xml: row.xml,
      hash: row.hash,
      calls: JSON.stringify(row.calls),
      deploymentId: row.deploymentId,
      deployedBy: row.deployedBy,
      deployedAt: canonicalTimestamp(row.deployedAt, 'deployedAt'),
      note: row.note,
    });
    if (result.changes === 0) {
      throw new StratumError('conflict', `process ${row.key} version ${row.version} is already deployed`);
    }
  }

  async getVersion(key: string, version: number): Promise<ProcessVersionRow | undefined> {
    this.assertActive();
    const record = this.sql('SELECT * FROM process_versions WHERE key = ? AND version = ?').get(key, version);
    return record ? versionFromRecord(record as VersionRecord) : undefined;
  }

  async latestVersion(key: string): Promise<ProcessVersionRow | undefined> {
    this.assertActive();
    const record = this.sql('SELECT * FROM process_versions WHERE key = ? ORDER BY version DESC LIMIT 1').get(key);
    return record ? versionFromRecord(record as VersionRecord) : undefined;
  }

  async latestVersions(): Promise<ProcessVersionRow[]> {
    this.assertActive();
    const records = this.sql(
      `SELECT v.* FROM process_versions v
       JOIN (SELECT key, max(version) AS version FROM process_versions GROUP BY key) latest
         ON latest.key = v.key AND latest.version = v.version
       ORDER BY v.key`,
    ).all() as VersionRecord[];
    return records.map(versionFromRecord);
  }

  async versionsOf(key: string): Promise<ProcessVersionRow[]> {
    this.assertActive();
    const records = this.sql('SELECT * FROM process_versions WHERE key = ? ORDER BY version').all(key) as VersionRecord[];
    return records.map(versionFromRecord);
  }

  // instances

  async insertInstance(row: InstanceRow): Promise<void> {
    this.assertWritable('insertInstance');
    const result = this.sql(
      `INSERT INTO instances (${INSTANCE_COLUMNS})
       VALUES (@id, @processKey, @version, @businessKey, @parentId, @parentElementId, @parentExecutionId, @rootId, @status,
               @state, @variables, @incident, @revision, @startedBy, @createdAt, @updatedAt, @endedAt)
       ON CONFLICT DO NOTHING`,
    ).run(instanceParameters(row));
    if (result.changes === 0) throw new StratumError('conflict', `instance ${row.id} already exists`);
  }

  async getInstance(id: string, _options?: { lock?: boolean }): Promise<InstanceRow | undefined> {
    // No row locks in SQLite: a write transaction holds the whole database.
    this.assertActive();
    const record = this.sql(`SELECT ${INSTANCE_COLUMNS} FROM instances WHERE id = ?`).get(id);
    return record ? instanceFromRecord(record as InstanceRecord) : undefined;
  }

  async updateInstance(row: InstanceRow): Promise<boolean> {
    this.assertWritable('updateInstance');
    const result = this.sql(
      `UPDATE instances SET
         process_key = @processKey, version = @version, business_key = @businessKey, parent_id = @parentId,
         parent_element_id = @parentElementId, parent_execution_id = @parentExecutionId, root_id = @rootId,
         status = @status, state = @state, variables = @variables, incident = @incident, revision = @revision,
         started_by = @startedBy, updated_at = @updatedAt, ended_at = @endedAt
       WHERE id = @id AND revision = @revision - 1`,
    ).run(instanceParameters(row));
    return result.changes === 1;
  }

  async findInstances(filter: InstanceFilter): Promise<InstanceRow[]> {
    this.assertActive();
    const { where, parameters } = instanceWhere(filter);
    const { limit, offset } = pageOf(filter);
    const records = this.sql(
      `SELECT ${INSTANCE_COLUMNS} FROM instances ${where} ORDER BY created_at DESC, id LIMIT ? OFFSET ?`,
    ).all(...parameters, limit ?? -1, offset) as InstanceRecord[];
    return records.map(instanceFromRecord);
  }

  async countInstances(filter: InstanceFilter): Promise<number> {
    this.assertActive();
    const { where, parameters } = instanceWhere(filter);
    const row = this.sql(`SELECT count(*) AS n FROM instances ${where}`).get(...parameters) as { n: number };
    return row.n;
  }

  async childrenOf(parentId: string): Promise<InstanceRow[]> {
    this.assertActive();
    const records = this.sql(
      `SELECT ${INSTANCE_COLUMNS} FROM instances WHERE parent_id = ? ORDER BY created_at, id`,
    ).all(parentId) as InstanceRecord[];
    return records.map(instanceFromRecord);
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
      const parameters = waitParameters(wait);
      if (stored.has(wait.id)) {
        kept.add(wait.id);
        // createdAt and the job's lock state belong to the store, not to the engine's fresh rows
        this.sql(
          `UPDATE waits SET
             root_id = @rootId, business_key = @businessKey, kind = @kind, element_id = @elementId,
             execution_id = @executionId, name = @name, candidate_groups = @candidateGroups,
             message_name = @messageName, message_id = @messageId, correlation_key = @correlationKey,
             due_at = @dueAt, job_type = @jobType, child_instance_id = @childInstanceId, variables = @variables
           WHERE id = @id AND instance_id = @instanceId`,
        ).run(parameters);
      } else {
        this.insertWait(parameters);
      }
      this.writeGroups(wait);
    }
    for (const id of stored) {
      if (!kept.has(id)) this.sql('DELETE FROM waits WHERE id = ?').run(id);
    }
  }

  async getWait(id: string, _options?: { lock?: boolean }): Promise<WaitRow | undefined> {
    this.assertActive();
    const record = this.sql(`SELECT ${WAIT_COLUMNS} FROM waits WHERE id = ?`).get(id);
    return record ? waitFromRecord(record as WaitRecord) : undefined;
  }

  async findWaits(filter: WaitFilter): Promise<WaitRow[]> {
    this.assertActive();
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      conditions.push(`w.${column} = ?`);
      parameters.push(value);
    };
    equal('kind', filter.kind);
    equal('instance_id', filter.instanceId);
    equal('root_id', filter.rootId);
    equal('business_key', filter.businessKey);
    equal('message_name', filter.messageName);
    equal('correlation_key', filter.correlationKey);
    if (filter.candidateGroup !== undefined) {
      conditions.push('EXISTS (SELECT 1 FROM wait_groups g WHERE g.wait_id = w.id AND g.grp = ?)');
      parameters.push(filter.candidateGroup);
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const records = this.sql(`SELECT ${WAIT_COLUMNS_OF_W} FROM waits w ${where} ORDER BY w.created_at, w.id`).all(
      ...parameters,
    ) as WaitRecord[];
    return records.map(waitFromRecord);
  }

  async updateWait(row: WaitRow): Promise<void> {
    this.assertWritable('updateWait');
    const result = this.sql(
      `UPDATE waits SET
         root_id = @rootId, business_key = @businessKey, kind = @kind, element_id = @elementId,
         execution_id = @executionId, name = @name, candidate_groups = @candidateGroups,
         message_name = @messageName, message_id = @messageId, correlation_key = @correlationKey,
         due_at = @dueAt, job_type = @jobType, job_retries = @jobRetries, job_error = @jobError,
         locked_by = @lockedBy, lock_expires_at = @lockExpiresAt, child_instance_id = @childInstanceId,
         variables = @variables
       WHERE id = @id AND instance_id = @instanceId`,
    ).run(waitParameters(row));
    if (result.changes === 0) {
      throw new StratumError('not-found', `wait ${row.id} of instance ${row.instanceId} does not exist`);
    }
    this.writeGroups(row);
  }

  async dueTimers(now: string, limit: number): Promise<WaitRow[]> {
    this.assertActive();
    checkLimit('limit', limit);
    const records = this.sql(
      `SELECT ${WAIT_COLUMNS} FROM waits WHERE kind = 'timer' AND due_at <= ? ORDER BY due_at, id LIMIT ?`,
    ).all(canonicalTimestamp(now, 'now'), limit) as WaitRecord[];
    return records.map(waitFromRecord);
  }

  async lockJobs(type: string, workerId: string, now: string, lockExpiresAt: string, max: number): Promise<WaitRow[]> {
    this.assertWritable('lockJobs');
    checkLimit('max', max);
    const records = this.sql(
      `UPDATE waits SET locked_by = @workerId, lock_expires_at = @lockExpiresAt
       WHERE id IN (
         SELECT id FROM waits
         WHERE kind = 'job' AND job_type = @type
           AND (lock_expires_at IS NULL OR lock_expires_at < @now)
           AND (job_retries IS NULL OR job_retries > 0)
         ORDER BY created_at, id
         LIMIT @max)
       RETURNING ${WAIT_COLUMNS}`,
    ).all({
      type,
      workerId,
      now: canonicalTimestamp(now, 'now'),
      lockExpiresAt: canonicalTimestamp(lockExpiresAt, 'lockExpiresAt'),
      max,
    }) as WaitRecord[];
    return records.map(waitFromRecord).sort(byCreatedAtThenId);
  }

  // history

  async appendHistory(rows: HistoryRow[]): Promise<void> {
    this.assertWritable('appendHistory');
    const insert = this.sql(
      `INSERT INTO history (instance_id, at, actor, event, element_id, element_type, wait_id, data)
       VALUES (@instanceId, @at, @actor, @event, @elementId, @elementType, @waitId, @data)`,
    );
    for (const row of rows) {
      insert.run({
        instanceId: row.instanceId,
        at: canonicalTimestamp(row.at, 'at'),
        actor: row.actor,
        event: row.event,
        elementId: row.elementId,
        elementType: row.elementType,
        waitId: row.waitId,
        data: jsonOrNull(row.data),
      });
    }
  }

  async historyOf(instanceIds: string[]): Promise<HistoryRow[]> {
    this.assertActive();
    if (instanceIds.length === 0) return [];
    const records = this.sql(
      'SELECT * FROM history WHERE instance_id IN (SELECT value FROM json_each(?)) ORDER BY seq',
    ).all(JSON.stringify(instanceIds)) as HistoryRecord[];
    return records.map(historyFromRecord);
  }

  async findTaskCompletion(waitId: string): Promise<HistoryRow | undefined> {
    this.assertActive();
    const record = this.sql(
      "SELECT * FROM history WHERE wait_id = ? AND event = 'task.completed' ORDER BY seq LIMIT 1",
    ).get(waitId);
    return record ? historyFromRecord(record as HistoryRecord) : undefined;
  }

  // idempotency

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRow | undefined> {
    this.assertActive();
    const record = this.sql('SELECT * FROM idempotency WHERE scope = ? AND key = ?').get(scope, key) as
      | IdempotencyRecord
      | undefined;
    return record
      ? {
          scope: record.scope,
          key: record.key,
          requestHash: record.request_hash,
          instanceId: record.instance_id,
          createdAt: record.created_at,
        }
      : undefined;
  }

  async insertIdempotency(row: IdempotencyRow): Promise<void> {
    this.assertWritable('insertIdempotency');
    const result = this.sql(
      `INSERT INTO idempotency (scope, key, request_hash, instance_id, created_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(row.scope, row.key, row.requestHash, row.instanceId, canonicalTimestamp(row.createdAt, 'createdAt'));
    if (result.changes === 0) {
      throw new StratumError('conflict', `idempotency key ${JSON.stringify(row.key)} is already used in scope ${row.scope}`);
    }
  }

  // helpers

  private insertWait(parameters: Record<string, unknown>): void {
    const result = this.sql(
      `INSERT INTO waits (${WAIT_COLUMNS})
       VALUES (@id, @instanceId, @rootId, @businessKey, @kind, @elementId, @executionId, @name, @candidateGroups,
               @messageName, @messageId, @correlationKey, @dueAt, @jobType, @jobRetries, @jobError, @lockedBy,
               @lockExpiresAt, @childInstanceId, @variables, @createdAt)
       ON CONFLICT DO NOTHING`,
    ).run(parameters);
    if (result.changes === 0) {
      throw new StratumError('conflict', `wait ${String(parameters.id)} already belongs to another instance`);
    }
  }

  private writeGroups(wait: WaitRow): void {
    this.sql('DELETE FROM wait_groups WHERE wait_id = ?').run(wait.id);
    const insert = this.sql('INSERT INTO wait_groups (wait_id, grp) VALUES (?, ?)');
    for (const group of distinctGroups(wait.candidateGroups)) insert.run(wait.id, group);
  }

  private sql(text: string): Database.Statement {
    return this.store.statement(text);
  }

  private assertActive(): void {
    if (!this.active) {
      throw new Error('this transaction is over: use the tx of a running store.transaction() or store.read()');
    }
  }

  private assertWritable(method: string): void {
    this.assertActive();
    if (!this.writable) throw new Error(`${method}() writes: call it inside store.transaction(), not store.read()`);
  }
}

// row mapping

function instanceParameters(row: InstanceRow): Record<string, unknown> {
  return {
    id: row.id,
    processKey: row.processKey,
    version: row.version,
    businessKey: row.businessKey,
    parentId: row.parentId,
    parentElementId: row.parentElementId,
    parentExecutionId: row.parentExecutionId,
    rootId: row.rootId,
    status: row.status,
    state: jsonOrNull(row.state),
    variables: JSON.stringify(row.variables),
    incident: jsonOrNull(row.incident),
    revision: row.revision,
    startedBy: row.startedBy,
    createdAt: canonicalTimestamp(row.createdAt, 'createdAt'),
    updatedAt: canonicalTimestamp(row.updatedAt, 'updatedAt'),
    endedAt: canonicalTimestampOrNull(row.endedAt, 'endedAt'),
  };
}

function waitParameters(row: WaitRow): Record<string, unknown> {
  return {
    id: row.id,
    instanceId: row.instanceId,
    rootId: row.rootId,
    businessKey: row.businessKey,
    kind: row.kind,
    elementId: row.elementId,
    executionId: row.executionId,
    name: row.name,
    candidateGroups: jsonOrNull(row.candidateGroups),
    messageName: row.messageName,
    messageId: row.messageId,
    correlationKey: row.correlationKey,
    dueAt: canonicalTimestampOrNull(row.dueAt, 'dueAt'),
    jobType: row.jobType,
    jobRetries: row.jobRetries,
    jobError: row.jobError,
    lockedBy: row.lockedBy,
    lockExpiresAt: canonicalTimestampOrNull(row.lockExpiresAt, 'lockExpiresAt'),
    childInstanceId: row.childInstanceId,
    variables: jsonOrNull(row.variables),
    createdAt: canonicalTimestamp(row.createdAt, 'createdAt'),
  };
}

function versionFromRecord(record: VersionRecord): ProcessVersionRow {
  return {
    key: record.key,
    version: record.version,
    name: record.name,
    xml: record.xml,
    hash: record.hash,
    calls: JSON.parse(record.calls) as string[],
    deploymentId: record.deployment_id,
    deployedBy: record.deployed_by,
    deployedAt: record.deployed_at,
    note: record.note,
  };
}

function instanceFromRecord(record: InstanceRecord): InstanceRow {
  // The engine state (kilobytes of JSON) is parsed only when a step needs it,
  // not for every row a listing or an instance view reads.
  let state: unknown;
  let stateParsed = false;
  return {
    id: record.id,
    processKey: record.process_key,
    version: record.version,
    businessKey: record.business_key,
    parentId: record.parent_id,
    parentElementId: record.parent_element_id,
    parentExecutionId: record.parent_execution_id,
    rootId: record.root_id,
    status: record.status as InstanceStatus,
    get state() {
      if (!stateParsed) {
        state = parseOrNull(record.state);
        stateParsed = true;
      }
      return state;
    },
    set state(value: unknown) {
      state = value;
      stateParsed = true;
    },
    variables: JSON.parse(record.variables) as Record<string, unknown>,
    incident: parseOrNull(record.incident) as InstanceRow['incident'],
    revision: record.revision,
    startedBy: record.started_by,
    createdAt: record.created_at,
    updatedAt: record.updated_at,
    endedAt: record.ended_at,
  };
}

function waitFromRecord(record: WaitRecord): WaitRow {
  return {
    id: record.id,
    instanceId: record.instance_id,
    rootId: record.root_id,
    businessKey: record.business_key,
    kind: record.kind as WaitKind,
    elementId: record.element_id,
    executionId: record.execution_id,
    name: record.name,
    candidateGroups: parseOrNull(record.candidate_groups) as string[] | null,
    messageName: record.message_name,
    messageId: record.message_id,
    correlationKey: record.correlation_key,
    dueAt: record.due_at,
    jobType: record.job_type,
    jobRetries: record.job_retries,
    jobError: record.job_error,
    lockedBy: record.locked_by,
    lockExpiresAt: record.lock_expires_at,
    childInstanceId: record.child_instance_id,
    variables: parseOrNull(record.variables) as Record<string, unknown> | null,
    createdAt: record.created_at,
  };
}

function historyFromRecord(record: HistoryRecord): HistoryRow {
  return {
    seq: record.seq,
    instanceId: record.instance_id,
    at: record.at,
    actor: record.actor,
    event: record.event,
    elementId: record.element_id,
    elementType: record.element_type,
    waitId: record.wait_id,
    data: parseOrNull(record.data) as Record<string, unknown> | null,
  };
}

function instanceWhere(filter: InstanceFilter): { where: string; parameters: unknown[] } {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  if (filter.processKey !== undefined) {
    conditions.push('process_key = ?');
    parameters.push(filter.processKey);
  }
  if (filter.businessKey !== undefined) {
    conditions.push('business_key = ?');
    parameters.push(filter.businessKey);
  }
  if (filter.status !== undefined) {
    conditions.push('status = ?');
    parameters.push(filter.status);
  }
  if (filter.rootOnly) conditions.push('parent_id IS NULL');
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', parameters };
}

function jsonOrNull(value: unknown): string | null {
  return value === null || value === undefined ? null : JSON.stringify(value);
}

function parseOrNull(text: string | null): unknown {
  return text === null ? null : JSON.parse(text);
}
