import pg from 'pg';
import { StratumError } from '../errors.js';
import { canonicalTimestamp, canonicalTimestampOrNull } from './iso-time.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';
import { byCreatedAtThenId, checkLimit, checkWaitsOfInstance, distinctGroups, pageOf } from './row-checks.js';
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

/**
 * The shared store: a `pg` pool on one PostgreSQL database that several
 * server processes use at once. Steps lock their instance row; timers and
 * jobs are claimed with SKIP LOCKED. Row locks are FOR NO KEY UPDATE: ids
 * never change, and the weaker lock lets another transaction's foreign-key
 * check (a grandchild naming its root) pass instead of deadlocking with it.
 */
export class PostgresStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly queue = new TransactionQueue(false);
  private closed = false;

  /** `config` is a pg pool configuration, e.g. `{ connectionString: 'postgres://…' }`. */
  constructor(config: pg.PoolConfig) {
    // without a timeout an unreachable host makes startup (and every step) hang for minutes
    this.pool = new pg.Pool({ connectionTimeoutMillis: 15_000, ...config });
    // An idle connection that breaks (server restart) must not crash the process;
    // the pool replaces it and the next query reports any lasting problem.
    this.pool.on('error', (error) => {
      console.error(`stratum: an idle PostgreSQL connection failed: ${error.message}`);
    });
  }

  async migrate(): Promise<void> {
    await this.queue.run('migrate', async () => {
      this.assertOpen();
      const client = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        try {
          // Two processes starting at once: the second waits here, then finds the schema current.
          await client.query("SELECT pg_advisory_xact_lock(hashtext('stratum.migrate:' || current_schema()))");
          await client.query('CREATE TABLE IF NOT EXISTS stratum_schema_version (version integer NOT NULL)');
          const current = await schemaVersionOf(client);
          if (current > POSTGRES_MIGRATIONS.length) {
            throw new Error(
              `the database has Stratum schema version ${current}, newer than this Stratum knows (${POSTGRES_MIGRATIONS.length}); upgrade Stratum`,
            );
          }
          for (let version = current + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
            await client.query(POSTGRES_MIGRATIONS[version - 1]!);
            await client.query('DELETE FROM stratum_schema_version');
            await client.query('INSERT INTO stratum_schema_version (version) VALUES ($1)', [version]);
          }
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
          throw error;
        }
      } finally {
        client.release(broken);
      }
    });
  }

  /** The schema version stored in the database (0 before `migrate`). */
  async schemaVersion(): Promise<number> {
    this.assertOpen();
    const exists = await this.pool.query<{ found: string | null }>(
      "SELECT to_regclass('stratum_schema_version')::text AS found",
    );
    if (!exists.rows[0]?.found) return 0;
    const client = await this.pool.connect();
    try {
      return await schemaVersionOf(client);
    } finally {
      client.release();
    }
  }

  async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.queue.run('transaction', () => this.inTransaction('BEGIN', true, work));
  }

  async read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.queue.run('read', () =>
      this.inTransaction('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', false, work),
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async inTransaction<T>(begin: string, writable: boolean, work: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.assertOpen();
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const tx = new PostgresTx(client, writable);
      try {
        const result = await work(tx);
        tx.finish();
        await client.query('COMMIT');
        return result;
      } catch (error) {
        tx.finish();
        // after a failed COMMIT the transaction is already gone; ROLLBACK then only warns
        await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
        throw rolledBackError(error);
      }
    } catch (error) {
      broken ??= isConnectionError(error) ? (error as Error) : undefined;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the PostgreSQL store is closed');
  }
}

// Column lists and row shapes

interface VersionRecord {
  key: string;
  version: number;
  name: string | null;
  xml: string;
  hash: string;
  calls: string[];
  deployment_id: string;
  deployed_by: string;
  deployed_at: Date;
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
  state: unknown;
  variables: Record<string, unknown>;
  incident: InstanceRow['incident'];
  revision: number;
  started_by: string | null;
  created_at: Date;
  updated_at: Date;
  ended_at: Date | null;
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
  candidate_groups: string[] | null;
  message_name: string | null;
  message_id: string | null;
  correlation_key: string | null;
  due_at: Date | null;
  job_type: string | null;
  job_retries: number | null;
  job_error: string | null;
  locked_by: string | null;
  lock_expires_at: Date | null;
  child_instance_id: string | null;
  variables: Record<string, unknown> | null;
  created_at: Date;
}

interface HistoryRecord {
  seq: string; // bigint
  instance_id: string;
  at: Date;
  actor: string | null;
  event: string;
  element_id: string | null;
  element_type: string | null;
  wait_id: string | null;
  data: Record<string, unknown> | null;
}

interface IdempotencyRecord {
  scope: string;
  key: string;
  request_hash: string;
  instance_id: string;
  created_at: Date;
}

const INSTANCE_COLUMNS =
  'id, process_key, version, business_key, parent_id, parent_element_id, parent_execution_id, root_id, status, state, variables, incident, revision, started_by, created_at, updated_at, ended_at';
const WAIT_COLUMNS =
  'id, instance_id, root_id, business_key, kind, element_id, execution_id, name, candidate_groups, message_name, message_id, correlation_key, due_at, job_type, job_retries, job_error, locked_by, lock_expires_at, child_instance_id, variables, created_at';
const WAIT_COLUMNS_OF_W = WAIT_COLUMNS.split(', ')
  .map((column) => `w.${column}`)
  .join(', ');

class PostgresTx implements StoreTx {
  private active = true;

  constructor(
    private readonly client: pg.PoolClient,
    private readonly writable: boolean,
  ) {}

  finish(): void {
    this.active = false;
  }

  // process library

  async insertVersion(row: ProcessVersionRow): Promise<void> {
    this.assertWritable('insertVersion');
    const result = await this.query(
      `INSERT INTO stratum_process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT DO NOTHING`,
      [
        row.key,
        row.version,
        row.name,
        row.xml,
        row.hash,
        jsonText(row.calls, 'calls'),
        row.deploymentId,
        row.deployedBy,
        canonicalTimestamp(row.deployedAt, 'deployedAt'),
        row.note,
      ],
    );
    if (result.rowCount === 0) {
      throw new StratumError('conflict', `process ${row.key} version ${row.version} is already deployed`);
    }
  }

  async getVersion(key: string, version: number): Promise<ProcessVersionRow | undefined> {
    const { rows } = await this.query<VersionRecord>(
      'SELECT * FROM stratum_process_versions WHERE key = $1 AND version = $2',
      [key, version],
    );
    return rows[0] && versionFromRecord(rows[0]);
  }

  async latestVersion(key: string): Promise<ProcessVersionRow | undefined> {
    const { rows } = await this.query<VersionRecord>(
      'SELECT * FROM stratum_process_versions WHERE key = $1 ORDER BY version DESC LIMIT 1',
      [key],
    );
    return rows[0] && versionFromRecord(rows[0]);
  }

  async latestVersions(): Promise<ProcessVersionRow[]> {
    const { rows } = await this.query<VersionRecord>(
      'SELECT DISTINCT ON (key) * FROM stratum_process_versions ORDER BY key, version DESC',
    );
    return rows.map(versionFromRecord);
  }

  async versionsOf(key: string): Promise<ProcessVersionRow[]> {
    const { rows } = await this.query<VersionRecord>(
      'SELECT * FROM stratum_process_versions WHERE key = $1 ORDER BY version',
      [key],
    );
    return rows.map(versionFromRecord);
  }

  // instances

  async insertInstance(row: InstanceRow): Promise<void> {
    this.assertWritable('insertInstance');
    const result = await this.query(
      `INSERT INTO stratum_instances (${INSTANCE_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
       ON CONFLICT DO NOTHING`,
      instanceParameters(row),
    );
    if (result.rowCount === 0) throw new StratumError('conflict', `instance ${row.id} already exists`);
  }

  async getInstance(id: string, options?: { lock?: boolean }): Promise<InstanceRow | undefined> {
    // read() runs in a read-only snapshot where a row lock means nothing
    const lock = options?.lock && this.writable ? ' FOR NO KEY UPDATE' : '';
    const { rows } = await this.query<InstanceRecord>(
      `SELECT ${INSTANCE_COLUMNS} FROM stratum_instances WHERE id = $1${lock}`,
      [id],
    );
    return rows[0] && instanceFromRecord(rows[0]);
  }

  async updateInstance(row: InstanceRow): Promise<boolean> {
    this.assertWritable('updateInstance');
    const result = await this.query(
      `UPDATE stratum_instances SET
         process_key = $2, version = $3, business_key = $4, parent_id = $5, parent_element_id = $6,
         parent_execution_id = $7, root_id = $8, status = $9, state = $10, variables = $11, incident = $12,
         revision = $13, started_by = $14, updated_at = $15, ended_at = $16
       WHERE id = $1 AND revision = $13 - 1`,
      instanceParameters(row).filter((_, index) => index !== 14), // all but createdAt
    );
    return result.rowCount === 1;
  }

  async findInstances(filter: InstanceFilter): Promise<InstanceRow[]> {
    const { where, parameters } = instanceWhere(filter);
    const { limit, offset } = pageOf(filter);
    const n = parameters.length;
    const { rows } = await this.query<InstanceRecord>(
      `SELECT ${INSTANCE_COLUMNS} FROM stratum_instances ${where}
       ORDER BY created_at DESC, id LIMIT $${n + 1} OFFSET $${n + 2}`,
      [...parameters, limit, offset],
    );
    return rows.map(instanceFromRecord);
  }

  async countInstances(filter: InstanceFilter): Promise<number> {
    const { where, parameters } = instanceWhere(filter);
    const { rows } = await this.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM stratum_instances ${where}`,
      parameters,
    );
    return rows[0]!.n;
  }

  async childrenOf(parentId: string): Promise<InstanceRow[]> {
    const { rows } = await this.query<InstanceRecord>(
      `SELECT ${INSTANCE_COLUMNS} FROM stratum_instances WHERE parent_id = $1 ORDER BY created_at, id`,
      [parentId],
    );
    return rows.map(instanceFromRecord);
  }

  // waits

  async replaceWaits(instanceId: string, waits: WaitRow[]): Promise<void> {
    this.assertWritable('replaceWaits');
    checkWaitsOfInstance(instanceId, waits);
    const { rows } = await this.query<{ id: string }>(
      'SELECT id FROM stratum_waits WHERE instance_id = $1 FOR NO KEY UPDATE',
      [instanceId],
    );
    const stored = new Set(rows.map((row) => row.id));
    const kept = new Set<string>();
    for (const wait of waits) {
      const parameters = waitParameters(wait);
      if (stored.has(wait.id)) {
        kept.add(wait.id);
        // createdAt and the job's lock state belong to the store, not to the engine's fresh rows
        await this.query(
          `UPDATE stratum_waits SET
             root_id = $3, business_key = $4, kind = $5, element_id = $6, execution_id = $7, name = $8,
             candidate_groups = $9, message_name = $10, message_id = $11, correlation_key = $12, due_at = $13,
             job_type = $14, child_instance_id = $15, variables = $16
           WHERE id = $1 AND instance_id = $2`,
          [...parameters.slice(0, 14), parameters[18], parameters[19]],
        );
      } else {
        await this.insertWait(wait.id, parameters);
      }
      await this.writeGroups(wait);
    }
    const gone = [...stored].filter((id) => !kept.has(id));
    if (gone.length) await this.query('DELETE FROM stratum_waits WHERE id = ANY($1::text[])', [gone]);
  }

  async getWait(id: string, options?: { lock?: boolean }): Promise<WaitRow | undefined> {
    const lock = options?.lock && this.writable ? ' FOR NO KEY UPDATE' : '';
    const { rows } = await this.query<WaitRecord>(`SELECT ${WAIT_COLUMNS} FROM stratum_waits WHERE id = $1${lock}`, [id]);
    return rows[0] && waitFromRecord(rows[0]);
  }

  async findWaits(filter: WaitFilter): Promise<WaitRow[]> {
    const conditions: string[] = [];
    const parameters: unknown[] = [];
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined) return;
      parameters.push(value);
      conditions.push(`w.${column} = $${parameters.length}`);
    };
    equal('kind', filter.kind);
    equal('instance_id', filter.instanceId);
    equal('root_id', filter.rootId);
    equal('business_key', filter.businessKey);
    equal('message_name', filter.messageName);
    equal('correlation_key', filter.correlationKey);
    if (filter.candidateGroup !== undefined) {
      parameters.push(filter.candidateGroup);
      conditions.push(`EXISTS (SELECT 1 FROM stratum_wait_groups g WHERE g.wait_id = w.id AND g.grp = $${parameters.length})`);
    }
    const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
    const { rows } = await this.query<WaitRecord>(
      `SELECT ${WAIT_COLUMNS_OF_W} FROM stratum_waits w ${where} ORDER BY w.created_at, w.id`,
      parameters,
    );
    return rows.map(waitFromRecord);
  }

  async updateWait(row: WaitRow): Promise<void> {
    this.assertWritable('updateWait');
    const result = await this.query(
      `UPDATE stratum_waits SET
         root_id = $3, business_key = $4, kind = $5, element_id = $6, execution_id = $7, name = $8,
         candidate_groups = $9, message_name = $10, message_id = $11, correlation_key = $12, due_at = $13,
         job_type = $14, job_retries = $15, job_error = $16, locked_by = $17, lock_expires_at = $18,
         child_instance_id = $19, variables = $20
       WHERE id = $1 AND instance_id = $2`,
      waitParameters(row).slice(0, 20), // all but createdAt
    );
    if (result.rowCount === 0) {
      throw new StratumError('not-found', `wait ${row.id} of instance ${row.instanceId} does not exist`);
    }
    await this.writeGroups(row);
  }

  async dueTimers(now: string, limit: number): Promise<WaitRow[]> {
    checkLimit('limit', limit);
    const lock = this.writable ? ' FOR NO KEY UPDATE SKIP LOCKED' : '';
    const { rows } = await this.query<WaitRecord>(
      `SELECT ${WAIT_COLUMNS} FROM stratum_waits WHERE kind = 'timer' AND due_at <= $1
       ORDER BY due_at, id LIMIT $2${lock}`,
      [canonicalTimestamp(now, 'now'), limit],
    );
    return rows.map(waitFromRecord);
  }

  async lockJobs(type: string, workerId: string, now: string, lockExpiresAt: string, max: number): Promise<WaitRow[]> {
    this.assertWritable('lockJobs');
    checkLimit('max', max);
    const { rows } = await this.query<WaitRecord>(
      `WITH claimed AS (
         SELECT id FROM stratum_waits
         WHERE kind = 'job' AND job_type = $1
           AND (lock_expires_at IS NULL OR lock_expires_at < $3)
           AND (job_retries IS NULL OR job_retries > 0)
         ORDER BY created_at, id
         LIMIT $5
         FOR NO KEY UPDATE SKIP LOCKED)
       UPDATE stratum_waits w SET locked_by = $2, lock_expires_at = $4
       FROM claimed WHERE w.id = claimed.id
       RETURNING ${WAIT_COLUMNS_OF_W}`,
      [type, workerId, canonicalTimestamp(now, 'now'), canonicalTimestamp(lockExpiresAt, 'lockExpiresAt'), max],
    );
    return rows.map(waitFromRecord).sort(byCreatedAtThenId);
  }

  // history

  async appendHistory(rows: HistoryRow[]): Promise<void> {
    this.assertWritable('appendHistory');
    if (rows.length === 0) return;
    // one statement for the whole batch; unnest keeps the given order for seq
    const columns: unknown[][] = [[], [], [], [], [], [], [], []];
    for (const row of rows) {
      const values = [
        row.instanceId,
        canonicalTimestamp(row.at, 'at'),
        row.actor,
        row.event,
        row.elementId,
        row.elementType,
        row.waitId,
        jsonOrNull(row.data, 'data'),
      ];
      values.forEach((value, index) => columns[index]!.push(value));
    }
    await this.query(
      `INSERT INTO stratum_history (instance_id, at, actor, event, element_id, element_type, wait_id, data)
       SELECT instance_id, at, actor, event, element_id, element_type, wait_id, data
       FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[])
         WITH ORDINALITY AS batch (instance_id, at, actor, event, element_id, element_type, wait_id, data, position)
       ORDER BY position`,
      columns,
    );
  }

  async historyOf(instanceIds: string[]): Promise<HistoryRow[]> {
    if (instanceIds.length === 0) return [];
    const { rows } = await this.query<HistoryRecord>(
      'SELECT * FROM stratum_history WHERE instance_id = ANY($1::text[]) ORDER BY seq',
      [instanceIds],
    );
    return rows.map(historyFromRecord);
  }

  async findTaskCompletion(waitId: string): Promise<HistoryRow | undefined> {
    const { rows } = await this.query<HistoryRecord>(
      "SELECT * FROM stratum_history WHERE wait_id = $1 AND event = 'task.completed' ORDER BY seq LIMIT 1",
      [waitId],
    );
    return rows[0] && historyFromRecord(rows[0]);
  }

  // idempotency

  async getIdempotency(scope: string, key: string): Promise<IdempotencyRow | undefined> {
    const { rows } = await this.query<IdempotencyRecord>(
      'SELECT * FROM stratum_idempotency WHERE scope = $1 AND key = $2',
      [scope, key],
    );
    const record = rows[0];
    return record
      ? {
          scope: record.scope,
          key: record.key,
          requestHash: record.request_hash,
          instanceId: record.instance_id,
          createdAt: record.created_at.toISOString(),
        }
      : undefined;
  }

  async insertIdempotency(row: IdempotencyRow): Promise<void> {
    this.assertWritable('insertIdempotency');
    // DO NOTHING waits for a concurrent insert of the same key to commit, then reports 0 rows
    const result = await this.query(
      `INSERT INTO stratum_idempotency (scope, key, request_hash, instance_id, created_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [row.scope, row.key, row.requestHash, row.instanceId, canonicalTimestamp(row.createdAt, 'createdAt')],
    );
    if (result.rowCount === 0) {
      throw new StratumError('conflict', `idempotency key ${JSON.stringify(row.key)} is already used in scope ${row.scope}`);
    }
  }

  // helpers

  private async insertWait(id: string, parameters: unknown[]): Promise<void> {
    const result = await this.query(
      `INSERT INTO stratum_waits (${WAIT_COLUMNS})
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
       ON CONFLICT DO NOTHING`,
      parameters,
    );
    if (result.rowCount === 0) throw new StratumError('conflict', `wait ${id} already belongs to another instance`);
  }

  private async writeGroups(wait: WaitRow): Promise<void> {
    await this.query('DELETE FROM stratum_wait_groups WHERE wait_id = $1', [wait.id]);
    const groups = distinctGroups(wait.candidateGroups);
    if (groups.length) {
      await this.query(
        'INSERT INTO stratum_wait_groups (wait_id, grp) SELECT $1, grp FROM unnest($2::text[]) AS grp',
        [wait.id, groups],
      );
    }
  }

  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    if (!this.active) {
      throw new Error('this transaction is over: use the tx of a running store.transaction() or store.read()');
    }
    return this.client.query<R>(text, values);
  }

  private assertWritable(method: string): void {
    if (!this.active) {
      throw new Error('this transaction is over: use the tx of a running store.transaction() or store.read()');
    }
    if (!this.writable) throw new Error(`${method}() writes: call it inside store.transaction(), not store.read()`);
  }
}

// row mapping

function instanceParameters(row: InstanceRow): unknown[] {
  return [
    row.id,
    row.processKey,
    row.version,
    row.businessKey,
    row.parentId,
    row.parentElementId,
    row.parentExecutionId,
    row.rootId,
    row.status,
    jsonOrNull(row.state, 'state'),
    jsonText(row.variables, 'variables'),
    jsonOrNull(row.incident, 'incident'),
    row.revision,
    row.startedBy,
    canonicalTimestamp(row.createdAt, 'createdAt'),
    canonicalTimestamp(row.updatedAt, 'updatedAt'),
    canonicalTimestampOrNull(row.endedAt, 'endedAt'),
  ];
}

function waitParameters(row: WaitRow): unknown[] {
  return [
    row.id,
    row.instanceId,
    row.rootId,
    row.businessKey,
    row.kind,
    row.elementId,
    row.executionId,
    row.name,
    jsonOrNull(row.candidateGroups, 'candidateGroups'),
    row.messageName,
    row.messageId,
    row.correlationKey,
    canonicalTimestampOrNull(row.dueAt, 'dueAt'),
    row.jobType,
    row.jobRetries,
    row.jobError,
    row.lockedBy,
    canonicalTimestampOrNull(row.lockExpiresAt, 'lockExpiresAt'),
    row.childInstanceId,
    jsonOrNull(row.variables, 'variables'),
    canonicalTimestamp(row.createdAt, 'createdAt'),
  ];
}

function versionFromRecord(record: VersionRecord): ProcessVersionRow {
  return {
    key: record.key,
    version: record.version,
    name: record.name,
    xml: record.xml,
    hash: record.hash,
    calls: record.calls,
    deploymentId: record.deployment_id,
    deployedBy: record.deployed_by,
    deployedAt: record.deployed_at.toISOString(),
    note: record.note,
  };
}

function instanceFromRecord(record: InstanceRecord): InstanceRow {
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
    state: record.state,
    variables: record.variables,
    incident: record.incident,
    revision: record.revision,
    startedBy: record.started_by,
    createdAt: record.created_at.toISOString(),
    updatedAt: record.updated_at.toISOString(),
    endedAt: isoOrNull(record.ended_at),
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
    candidateGroups: record.candidate_groups,
    messageName: record.message_name,
    messageId: record.message_id,
    correlationKey: record.correlation_key,
    dueAt: isoOrNull(record.due_at),
    jobType: record.job_type,
    jobRetries: record.job_retries,
    jobError: record.job_error,
    lockedBy: record.locked_by,
    lockExpiresAt: isoOrNull(record.lock_expires_at),
    childInstanceId: record.child_instance_id,
    variables: record.variables,
    createdAt: record.created_at.toISOString(),
  };
}

function historyFromRecord(record: HistoryRecord): HistoryRow {
  return {
    seq: Number(record.seq),
    instanceId: record.instance_id,
    at: record.at.toISOString(),
    actor: record.actor,
    event: record.event,
    elementId: record.element_id,
    elementType: record.element_type,
    waitId: record.wait_id,
    data: record.data,
  };
}

function instanceWhere(filter: InstanceFilter): { where: string; parameters: unknown[] } {
  const conditions: string[] = [];
  const parameters: unknown[] = [];
  const equal = (column: string, value: string | undefined) => {
    if (value === undefined) return;
    parameters.push(value);
    conditions.push(`${column} = $${parameters.length}`);
  };
  equal('process_key', filter.processKey);
  equal('business_key', filter.businessKey);
  equal('status', filter.status);
  if (filter.rootOnly) conditions.push('parent_id IS NULL');
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', parameters };
}

async function schemaVersionOf(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM stratum_schema_version');
  return rows[0]?.version ?? 0;
}

/**
 * Errors of a rolled-back transaction in the engine's terms: a deferred foreign
 * key failing at COMMIT is an invalid write; a deadlock or serialization
 * failure is a conflict the caller may retry (the runtime retries conflicts).
 */
function rolledBackError(error: unknown): unknown {
  const code = (error as { code?: string }).code;
  const message = (error as Error).message;
  if (code === '23503') {
    return new StratumError(
      'invalid',
      `transaction rolled back: it would leave a row pointing to a process version or instance that does not exist (${message})`,
    );
  }
  if (code === '40P01' || code === '40001') {
    return new StratumError('conflict', `transaction rolled back by PostgreSQL, retry it (${message})`, {
      retryable: true,
      postgresCode: code,
    });
  }
  return error;
}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return typeof code === 'string' && (code.startsWith('08') || code.startsWith('57P') || /^E[A-Z]+$/.test(code));
}

// JSON.stringify writes U+0000 and unpaired surrogates as \u escapes, which jsonb refuses
const NOT_STORABLE_IN_JSONB = /(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f][0-9a-f]{2})/;

/** JSON text for a jsonb column, refusing with a clear error what jsonb cannot hold. */
function jsonText(value: unknown, field: string): string {
  const text = JSON.stringify(value);
  if (NOT_STORABLE_IN_JSONB.test(text)) {
    throw new StratumError(
      'invalid',
      `${field} contains the character U+0000 or an unpaired UTF-16 surrogate, which PostgreSQL cannot store`,
    );
  }
  return text;
}

function jsonOrNull(value: unknown, field: string): string | null {
  return value === null || value === undefined ? null : jsonText(value, field);
}

function isoOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
