import pg from 'pg';
import { lostRace, NewerStoreError, StoreConnectError, StoreUnavailableError, StratumError } from '../errors.js';
import { failedCallerSelect, noFailedInstanceAbove } from './caller-chain.js';
import { historyEvents, instanceSelect, instanceWhere, waitCount, waitSelect } from './filters.js';
import type { Placeholder } from './placeholder.js';
import { orderSelect, type OrderTables } from './order-filter.js';
import { refusedRow, refusedSelect, type RefusedRecord, type RefusedTables } from './refused-filter.js';
import { canonicalTimestamp } from './iso-time.js';
import { numberedAll, valuesFor, type NumberedStatement } from './numbered-parameters.js';
import { noOpenChangeOf, orderChangeOf, orderChangeParameters, orderChangeStatements, releasesJobs, type OrderChangeRecord } from './order-change-rows.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';
import { OutboxRows, type OutboxDialect, type SqlRunner } from './outbox-rows.js';
import { INSTANCE_COLUMNS, WAIT_COLUMNS, WAIT_COLUMNS_OF_W, type PostgresColumns, type Records } from './records.js';
import {
  INCIDENT_COLUMNS, MESSAGE_COLUMNS, incidentSelect, incidentWhere, messageIncidentCodec, messageIncidentWrites, noOpenIncidentOf,
  type BufferedMessagesRecord, type IncidentRecord, type MessageRecord,
} from './message-incident-rows.js';
import { DECISION_COLUMNS, decisionCodec, decisionWrites, type DecisionVersionRecord } from './decision-rows.js';
import { byCreatedAtThenId, checkLimit, checkWaitsOfInstance, CANDIDATE_ROWS, everyPage } from './row-checks.js';
import { rowCodec, type NamedParameters } from './row-codec.js';
import { rowWrites } from './row-writes.js';
import { TransactionQueue } from './transaction-queue.js';
import { TxGuard } from './tx-guard.js';
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
import { inJsonbOrder } from './jsonb-order.js';

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
  /** Serves `read()`: a burst of steps holding every write connection never delays a read or /healthz. */
  private readonly readPool: pg.Pool;
  private readonly queue = new TransactionQueue(false);
  private closed = false;
  /** The job watches' stops (watchJobs), called by close. */
  private readonly listeners = new Set<() => Promise<void>>();

  /**
   * `config` is a pg pool configuration, e.g. `{ connectionString: 'postgres://…' }`,
   * used for both pools; `readPoolSize` caps the read pool (default 4).
   */
  constructor(private readonly config: pg.PoolConfig, options: { readPoolSize?: number } = {}) {
    // without a timeout an unreachable host makes startup (and every step) hang for minutes
    this.pool = new pg.Pool({ connectionTimeoutMillis: 15_000, ...config });
    this.readPool = new pg.Pool({ connectionTimeoutMillis: 15_000, ...config, max: options.readPoolSize ?? DEFAULT_POSTGRES_READ_POOL });
    // An idle connection that breaks (server restart) must not crash the process;
    // the pool replaces it and the next query reports any lasting problem.
    for (const pool of [this.pool, this.readPool]) {
      pool.on('error', (error) => {
        console.error(`stratum: an idle PostgreSQL connection failed: ${error.message}`);
      });
    }
  }

  async migrate(): Promise<SchemaChange> {
    return this.queue.run('migrate', async () => {
      this.assertOpen();
      // migrate is the store's first connection: a failure here is where PostgreSQL is, not what it holds
      const client = await this.pool.connect().catch((error: Error) => {
        throw new StoreConnectError(error);
      });
      const watch = watchCheckedOut(client);
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        try {
          // Two processes starting at once: the second waits here, then finds the schema current.
          await client.query("SELECT pg_advisory_xact_lock(hashtext('stratum.migrate:' || current_schema()))");
          await client.query('CREATE TABLE IF NOT EXISTS stratum_schema_version (version integer NOT NULL)');
          const current = await schemaVersionOf(client);
          if (current > POSTGRES_MIGRATIONS.length) throw new NewerStoreError(current, POSTGRES_MIGRATIONS.length, 'the database');
          for (let version = current + 1; version <= POSTGRES_MIGRATIONS.length; version++) {
            await client.query(POSTGRES_MIGRATIONS[version - 1]);
            await client.query('DELETE FROM stratum_schema_version');
            await client.query('INSERT INTO stratum_schema_version (version) VALUES ($1)', [version]);
          }
          await client.query('COMMIT');
          return { from: current, to: Math.max(current, POSTGRES_MIGRATIONS.length) };
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: Error) => (broken = rollbackError));
          throw error;
        }
      } finally {
        client.release(watch.stop() ?? broken);
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
    const watch = watchCheckedOut(client);
    try {
      return await schemaVersionOf(client);
    } finally {
      client.release(watch.stop());
    }
  }

  async transaction<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.queue.run('transaction', () => this.inTransaction(this.pool, 'BEGIN', true, work));
  }

  async read<T>(work: (tx: StoreTx) => Promise<T>): Promise<T> {
    return this.queue.run('read', () =>
      this.inTransaction(this.readPool, 'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY', false, work),
    );
  }

  replica(): StoreReplica | undefined {
    try {
      // a configuration with functions (a password callback) cannot go to another thread
      return { kind: 'postgres', config: structuredClone(this.config) as Record<string, unknown> };
    } catch {
      return undefined;
    }
  }

  /**
   * One LISTEN connection per subscriber. Notifications carry the schema, so
   * stores on other schemas of the same database (tests) do not wake each other.
   * A connection that ends (pg_terminate_backend, a PostgreSQL restart, a cut
   * network) is opened again, after 1 s and then up to 30 s apart, and `missed`
   * is called once it listens again: notifications sent meanwhile are lost.
   */
  async watchJobs(listener: (jobType: string) => void, missed?: () => void): Promise<() => Promise<void>> {
    this.assertOpen();
    let client = await this.listen(listener);
    let stopped = false;
    let retry: NodeJS.Timeout | undefined;
    const reopenAfter = (delayMs: number) => {
      retry = setTimeout(() => {
        if (stopped) return;
        this.listen(listener).then((opened) => {
          if (stopped) return void opened.end().catch(() => undefined);
          client = opened;
          opened.once('end', () => reopenIfLost(opened));
          missed?.();
        }, (error: Error) => {
          console.error(`stratum: the job notification connection could not be opened again: ${error.message}`);
          reopenAfter(Math.min(delayMs * 2, MAX_LISTEN_RETRY_MS));
        });
      }, delayMs);
      retry.unref();
    };
    const reopenIfLost = (ended: pg.Client) => {
      if (!stopped && ended === client) reopenAfter(FIRST_LISTEN_RETRY_MS);
    };
    const first = client;
    first.once('end', () => reopenIfLost(first));
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(retry);
      this.listeners.delete(stop);
      await client.end().catch(() => undefined);
    };
    this.listeners.add(stop);
    return stop;
  }

  /** A connection that LISTENs for `JOB_CHANNEL` and hands `listener` this schema's job types. */
  private async listen(listener: (jobType: string) => void): Promise<pg.Client> {
    const client = new pg.Client(this.config);
    client.on('error', (error) => console.error(`stratum: the job notification connection failed: ${error.message}`));
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string }>('SELECT current_schema() AS schema');
      const prefix = `${rows[0].schema}\n`;
      client.on('notification', (message) => {
        if (message.channel === JOB_CHANNEL && message.payload?.startsWith(prefix)) listener(message.payload.slice(prefix.length));
      });
      await client.query(`LISTEN ${JOB_CHANNEL}`);
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
  }

  storedJson(value: unknown): string {
    return JSON.stringify(inJsonbOrder(JSON.parse(jsonText(value, 'value'))));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const listeners = [...this.listeners];
    this.listeners.clear();
    await Promise.all([this.pool.end(), this.readPool.end(), ...listeners.map((stop) => stop())]);
  }

  private async inTransaction<T>(pool: pg.Pool, begin: string, writable: boolean, work: (tx: StoreTx) => Promise<T>): Promise<T> {
    this.assertOpen();
    const { client, watch } = await begun(pool, begin);
    let broken: Error | undefined;
    try {
      const tx = new PostgresTx(client, writable);
      try {
        const result = await work(tx);
        tx.finish();
        // delivered to every listening server when (and only if) the transaction commits
        for (const jobType of tx.fetchableJobTypes) await client.query(NOTIFY_JOB, [jobType]);
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
      const lost = watch.stop();
      // a refusal decided before the connection ended stays the refusal; anything else is the store not answering
      throw (lost ?? broken) && !(error instanceof StratumError) ? new StoreUnavailableError(lost ?? (error as Error)) : error;
    } finally {
      client.release(watch.stop() ?? broken);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('the PostgreSQL store is closed');
  }
}

/**
 * A pooled connection with transaction `begin` under way. A connection PostgreSQL ended while it sat idle in the
 * pool (pg_terminate_backend, a failover, a restart) is handed out until the pool hears of its end; its BEGIN then
 * fails with nothing of the transaction sent, so the next connection is asked for, at most `BEGIN_ATTEMPTS` times:
 * the first request after the loss is served, where it was answered 503. A step is never run twice here: only BEGIN.
 */
async function begun(pool: pg.Pool, begin: string): Promise<{ client: pg.PoolClient; watch: ReturnType<typeof watchCheckedOut> }> {
  for (let attempt = 1; ; attempt++) {
    const client = await pool.connect().catch((error: Error) => {
      throw new StoreUnavailableError(error);
    });
    const watch = watchCheckedOut(client);
    try {
      await client.query(begin);
      return { client, watch };
    } catch (error) {
      const lost = watch.stop() ?? (isConnectionError(error) ? (error as Error) : undefined);
      client.release(lost ?? (error as Error));
      if (lost && attempt < BEGIN_ATTEMPTS) continue;
      throw lost ? new StoreUnavailableError(lost) : error;
    }
  }
}

/** Connections tried for one transaction's BEGIN: the pool hears of its other ended idle connections meanwhile. */
const BEGIN_ATTEMPTS = 3;
const DEFAULT_POSTGRES_READ_POOL = 4;
/** How long a job watch waits before it opens its ended LISTEN connection again, doubled per failure up to the most. */
const FIRST_LISTEN_RETRY_MS = 1000;
const MAX_LISTEN_RETRY_MS = 30_000;

/** Job types made fetchable: `<schema>\n<job type>` on one channel. */
const JOB_CHANNEL = 'stratum_jobs';
const NOTIFY_JOB = `SELECT pg_notify('${JOB_CHANNEL}', current_schema() || E'\\n' || $1)`;

// How PostgreSQL keeps what the rows hold: jsonb, which the driver parses,
// and timestamptz, which it returns as a Date.

const codec = rowCodec<PostgresColumns>({
  readTime: (date) => date.toISOString(),
  readJson: <Value>(value: Value) => value,
  writeJson: jsonText,
});
const WRITES = numberedAll(rowWrites('stratum_'));
const ORDER_CHANGES = numberedAll(orderChangeStatements('stratum_'));
const controlCodec = messageIncidentCodec<PostgresColumns>({
  readTime: (date) => date.toISOString(),
  readJson: <Value>(value: Value) => value,
  writeJson: jsonText,
});
const CONTROL_WRITES = numberedAll(messageIncidentWrites('stratum_'));
/** An incident reason's kind, a field of its jsonb. */
const REASON_KIND = "reason->>'kind'";
const decisions = decisionCodec<PostgresColumns>({ readTime: (date) => date.toISOString() });
const DECISION_WRITES = numberedAll(decisionWrites('stratum_'));
export const numberedPlaceholder: Placeholder = (position) => `$${position}`;
export const WAIT_TABLES = { instances: 'stratum_instances', waits: 'stratum_waits', groups: 'stratum_wait_groups', users: 'stratum_wait_users' };

/**
 * Locks the oldest fetchable jobs of a type (StoreTx.lockJobs), skipping rows another transaction claims: the
 * conditions say what a worker may not be handed (a job held by an open order change, named by an open incident,
 * of a failed instance or under a failed caller). Parameters: type, worker, now, lock expiry, max, business key
 * (null, or the order `ofOrder` compares with it). Exported for the query-plan test: every poll of every worker
 * runs it.
 */
function lockJobsStatement(ofOrder: string, free = '(lock_expires_at IS NULL OR lock_expires_at < $3)'): string {
  return `WITH claimed AS (
    SELECT id FROM stratum_waits
    WHERE kind = 'job' AND job_type = $1
      AND ${ofOrder}
      AND ${free}
      AND (job_retries IS NULL OR job_retries > 0)
      AND ${noOpenChangeOf('stratum_', 'stratum_waits')}
      AND ${noOpenIncidentOf('stratum_', 'stratum_waits')}
      AND ${noFailedInstanceAbove('stratum_', 'stratum_waits')}
    ORDER BY created_at, id
    LIMIT $5
    FOR NO KEY UPDATE SKIP LOCKED)
  UPDATE stratum_waits w SET locked_by = $2, lock_expires_at = $4
  FROM claimed WHERE w.id = claimed.id
  RETURNING ${WAIT_COLUMNS_OF_W}`;
}

/** A poll for a type, of every order. */
/** A start's Idempotency-Key as one caller sent it (its primary key). */
export const GET_IDEMPOTENCY = 'SELECT * FROM stratum_idempotency WHERE scope = $1 AND caller = $2 AND key = $3';
/** The process versions one deployment stored (stratum_process_versions_by_deployment). */
export const DEPLOYMENT_VERSIONS = 'SELECT * FROM stratum_process_versions WHERE deployment_id = $1 ORDER BY key';
/** The decision versions one deployment stored (stratum_decision_versions_by_deployment). */
export const DEPLOYMENT_DECISIONS = `SELECT ${DECISION_COLUMNS} FROM stratum_decision_versions WHERE deployment_id = $1 ORDER BY decision_id`;

export const LOCK_JOBS = lockJobsStatement('$6::text IS NULL');
/**
 * A poll for a type limited to one order (`businessKey` of fetch-and-lock or of a Camunda 7 fetchAndLock topic): an equality the planner can
 * read through stratum_waits_by_business_key_created, where `$6 IS NULL OR business_key = $6` planned for every
 * order reads the type's whole range.
 */
export const LOCK_ORDER_JOBS = lockJobsStatement('business_key = $6');
/** One job by its id, $6 (StoreTx.lockJob): on the poll's terms, except that the worker holding its lock renews it. */
export const LOCK_ONE_JOB = lockJobsStatement('id = $6', '(lock_expires_at IS NULL OR lock_expires_at < $3 OR locked_by = $2)');

/** History parameters in the order of appendHistory's unnest arrays ($1 … $9). */
const HISTORY_ORDER = ['instanceId', 'at', 'actor', 'event', 'elementId', 'elementType', 'waitId', 'data', 'via'] as const;

type Stored = Records<PostgresColumns>;

/** The customer expression is the one index stratum_orders_by_customer is built on (migration 5). */
export const POSTGRES_ORDER_TABLES: OrderTables = { orders: 'stratum_orders', instances: 'stratum_instances', customerName: "(o.entered->'customer'->>'name')" };

export const POSTGRES_REFUSED_TABLES: RefusedTables = { history: 'stratum_history', instances: 'stratum_instances', event: 'h.event COLLATE "C"', reason: "(h.data->>'reason')" };

/**
 * Claims skip the rows another server leased or is leasing; event numbers are
 * drawn under a transaction lock held to commit, so they follow commit order
 * (a reader of `GET /api/events?after=` never sees n+1 while n is uncommitted).
 */
const POSTGRES_OUTBOX: OutboxDialect = {
  prefix: 'stratum_',
  claimLock: ' FOR UPDATE OF d SKIP LOCKED',
  // NO KEY UPDATE: a fan-out does not wait for (or skip) a subscription whose attempts are being recorded
  subscriptionLock: ' FOR NO KEY UPDATE SKIP LOCKED',
  recordLock: ' FOR KEY SHARE OF s',
  deleteLock: ' FOR UPDATE',
  pendingLock: ' FOR UPDATE',
  outboxLock: "SELECT pg_advisory_xact_lock(hashtext('stratum.outbox:' || current_schema()))",
  subscriptionChangeLock: "SELECT pg_advisory_xact_lock(hashtext('stratum.webhook-subscriptions:' || current_schema()))",
};

/** Each statement numbered once (pg takes $n parameters only). */
const numberedStatements = new Map<string, NumberedStatement>();

function numberedOnce(text: string): NumberedStatement {
  let statement = numberedStatements.get(text);
  if (!statement) {
    statement = numberedAll({ text }).text;
    numberedStatements.set(text, statement);
  }
  return statement;
}

class PostgresTx extends TxGuard implements StoreTx {
  /** The last query asked for: the next one starts after it settles. */
  private previous: Promise<unknown> = Promise.resolve();
  readonly outbox: OutboxTx;

  constructor(
    private readonly client: pg.PoolClient,
    writable: boolean,
  ) {
    super(writable);
    const runner: SqlRunner = {
      all: async (text, parameters) => {
        const statement = numberedOnce(text);
        return (await this.query(statement.text, valuesFor(statement, parameters))).rows;
      },
      run: async (text, parameters) => {
        const statement = numberedOnce(text);
        return (await this.query(statement.text, valuesFor(statement, parameters))).rowCount ?? 0;
      },
    };
    this.outbox = new OutboxRows(runner, POSTGRES_OUTBOX, (method) => this.assertWritable(method));
  }

  // process library

  async lockLibrary(): Promise<void> {
    this.assertWritable('lockLibrary');
    // released when the transaction ends; per schema, as the library is
    await this.query("SELECT pg_advisory_xact_lock(hashtext('stratum.library:' || current_schema()))");
  }

  async insertVersion(row: ProcessVersionRow): Promise<void> {
    this.assertWritable('insertVersion');
    const result = await this.write(WRITES.insertVersion, codec.versionParameters(row));
    if (result.rowCount === 0) {
      throw lostRace('duplicate', `process ${row.key} version ${row.version} is already deployed`);
    }
  }

  async getVersion(key: string, version: number): Promise<ProcessVersionRow | undefined> {
    const { rows } = await this.query<Stored['version']>(
      'SELECT * FROM stratum_process_versions WHERE key = $1 AND version = $2',
      [key, version],
    );
    return rows[0] && codec.version(rows[0]);
  }

  async latestVersion(key: string): Promise<ProcessVersionRow | undefined> {
    const { rows } = await this.query<Stored['version']>(
      'SELECT * FROM stratum_process_versions WHERE key = $1 ORDER BY version DESC LIMIT 1',
      [key],
    );
    return rows[0] && codec.version(rows[0]);
  }

  async latestVersionNumber(key: string): Promise<number | undefined> {
    const { rows } = await this.query<{ version: number | null }>('SELECT max(version) AS version FROM stratum_process_versions WHERE key = $1', [key]);
    return rows[0].version ?? undefined;
  }

  async latestVersions(): Promise<ProcessVersionRow[]> {
    const { rows } = await this.query<Stored['version']>(
      'SELECT DISTINCT ON (key) * FROM stratum_process_versions ORDER BY key, version DESC',
    );
    return rows.map(codec.version);
  }

  async latestCalls(): Promise<VersionCalls[]> {
    const { rows } = await this.query<Stored['version']>(
      'SELECT DISTINCT ON (key) key, version, calls FROM stratum_process_versions ORDER BY key, version DESC',
    );
    return rows.map(codec.versionCalls);
  }

  async everCalledKeys(): Promise<string[]> {
    const { rows } = await this.query<{ key: string }>(
      `SELECT DISTINCT called.key FROM stratum_process_versions v CROSS JOIN LATERAL jsonb_array_elements_text(v.calls) AS called(key)
       WHERE called.key <> v.key ORDER BY 1`,
    );
    return rows.map((row) => row.key);
  }

  async versionsOf(key: string): Promise<ProcessVersionRow[]> {
    const { rows } = await this.query<Stored['version']>(
      'SELECT * FROM stratum_process_versions WHERE key = $1 ORDER BY version',
      [key],
    );
    return rows.map(codec.version);
  }

  // decisions

  async insertDecisionVersion(row: DecisionVersionRow): Promise<void> {
    this.assertWritable('insertDecisionVersion');
    const result = await this.write(DECISION_WRITES.insertDecisionVersion, decisions.decisionParameters(row));
    if (result.rowCount === 0) throw lostRace('duplicate', `decision ${row.decisionId} version ${row.version} is already deployed`);
  }

  async getDecisionVersion(decisionId: string, version: number): Promise<DecisionVersionRow | undefined> {
    const { rows } = await this.query<DecisionVersionRecord<PostgresColumns>>(
      `SELECT ${DECISION_COLUMNS} FROM stratum_decision_versions WHERE decision_id = $1 AND version = $2`, [decisionId, version]);
    return rows[0] && decisions.decision(rows[0]);
  }

  async latestDecisionVersions(): Promise<DecisionVersionRow[]> {
    const { rows } = await this.query<DecisionVersionRecord<PostgresColumns>>(
      `SELECT DISTINCT ON (decision_id) ${DECISION_COLUMNS} FROM stratum_decision_versions ORDER BY decision_id, version DESC`);
    return rows.map(decisions.decision);
  }

  async decisionVersionsOf(decisionId: string): Promise<DecisionVersionRow[]> {
    const { rows } = await this.query<DecisionVersionRecord<PostgresColumns>>(
      `SELECT ${DECISION_COLUMNS} FROM stratum_decision_versions WHERE decision_id = $1 ORDER BY version`, [decisionId]);
    return rows.map(decisions.decision);
  }

  async deploymentVersions(deploymentId: string): Promise<{ processes: ProcessVersionRow[]; decisions: DecisionVersionRow[] }> {
    const processes = await this.query<Stored['version']>(DEPLOYMENT_VERSIONS, [deploymentId]);
    const decisionRows = await this.query<DecisionVersionRecord<PostgresColumns>>(DEPLOYMENT_DECISIONS, [deploymentId]);
    return { processes: processes.rows.map(codec.version), decisions: decisionRows.rows.map(decisions.decision) };
  }

  // instances

  async insertInstance(row: InstanceRow): Promise<void> {
    this.assertWritable('insertInstance');
    const result = await this.write(WRITES.insertInstance, codec.instanceParameters(row));
    if (result.rowCount === 0) throw lostRace('duplicate', `instance ${row.id} already exists`);
  }

  async getInstance(id: string, options?: { lock?: boolean }): Promise<InstanceRow | undefined> {
    const { rows } = await this.query<Stored['instance']>(
      `SELECT ${INSTANCE_COLUMNS} FROM stratum_instances WHERE id = $1${this.rowLock(options)}`,
      [id],
    );
    return rows[0] && codec.instance(rows[0]);
  }

  async updateInstance(row: InstanceRow): Promise<boolean> {
    this.assertWritable('updateInstance');
    const result = await this.write(WRITES.updateInstance, codec.instanceParameters(row));
    return result.rowCount === 1;
  }

  async findInstances(filter: InstanceFilter): Promise<InstanceRow[]> {
    const { text, parameters } = instanceSelect(filter, numberedPlaceholder, 'stratum_instances', INSTANCE_COLUMNS, null);
    const { rows } = await this.query<Stored['instance']>(text, parameters);
    return rows.map(codec.instance);
  }

  async countInstances(filter: InstanceFilter): Promise<number> {
    const { where, parameters } = instanceWhere(everyPage(filter), numberedPlaceholder);
    const { rows } = await this.query<{ n: number }>(
      `SELECT count(*)::integer AS n FROM stratum_instances ${where}`,
      parameters,
    );
    return rows[0].n;
  }

  async failedCallerOf(id: string): Promise<InstanceRow | undefined> {
    const { rows } = await this.query<Stored['instance']>(failedCallerSelect('stratum_instances', numberedPlaceholder), [id]);
    return rows[0] && codec.instance(rows[0]);
  }

  async childrenOf(parentId: string): Promise<InstanceRow[]> {
    const { rows } = await this.query<Stored['instance']>(
      `SELECT ${INSTANCE_COLUMNS} FROM stratum_instances WHERE parent_id = $1 ORDER BY created_at, id`,
      [parentId],
    );
    return rows.map(codec.instance);
  }

  async treeRevisions(rootId: string): Promise<TreeMemberRevision[]> {
    const { rows } = await this.query<TreeMemberRevision>(
      `SELECT i.id, i.revision, (SELECT count(*)::integer FROM stratum_history h WHERE h.instance_id = i.id) AS "historyRows"
       FROM stratum_instances i WHERE i.root_id = $1`,
      [rootId],
    );
    return rows;
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
      const parameters = codec.waitParameters(wait);
      if (stored.has(wait.id)) {
        kept.add(wait.id);
        // createdAt and the job's lock state belong to the store, not to the engine's fresh rows
        await this.write(WRITES.refreshWait, parameters);
        await this.writeCandidates(wait);
      } else {
        await this.insertWait(wait.id, parameters);
        this.noteFetchable(wait);
        await this.writeCandidates(wait, { isNew: true });
      }
    }
    const gone = [...stored].filter((id) => !kept.has(id));
    if (gone.length) await this.query('DELETE FROM stratum_waits WHERE id = ANY($1::text[])', [gone]);
  }

  async getWait(id: string, options?: { lock?: boolean }): Promise<WaitRow | undefined> {
    const lock = this.rowLock(options);
    const { rows } = await this.query<Stored['wait']>(`SELECT ${WAIT_COLUMNS} FROM stratum_waits WHERE id = $1${lock}`, [id]);
    return rows[0] && codec.wait(rows[0]);
  }

  async findWaits(filter: WaitFilter): Promise<WaitRow[]> {
    const { text, parameters } = waitSelect(filter, numberedPlaceholder, WAIT_TABLES, WAIT_COLUMNS_OF_W);
    const { rows } = await this.query<Stored['wait']>(text, parameters);
    return rows.map(codec.wait);
  }

  async countWaits(filter: WaitCountFilter): Promise<number> {
    const { text, parameters } = waitCount(filter, numberedPlaceholder, WAIT_TABLES, '::integer');
    const { rows } = await this.query<{ n: number }>(text, parameters);
    return rows[0].n;
  }

  async updateWait(row: WaitRow): Promise<void> {
    this.assertWritable('updateWait');
    const result = await this.write(WRITES.updateWait, codec.waitParameters(row));
    if (result.rowCount === 0) {
      throw new StratumError('not-found', `wait ${row.id} of instance ${row.instanceId} does not exist`);
    }
    this.noteFetchable(row);
    await this.writeCandidates(row);
  }

  async dueTimers(now: string, limit: number): Promise<WaitRow[]> {
    checkLimit('limit', limit);
    const lock = this.writable ? ' FOR NO KEY UPDATE SKIP LOCKED' : '';
    const { rows } = await this.query<Stored['wait']>(
      `SELECT ${WAIT_COLUMNS} FROM stratum_waits WHERE kind = 'timer' AND due_at <= $1
       ORDER BY due_at, id LIMIT $2${lock}`,
      [canonicalTimestamp(now, 'now'), limit],
    );
    return rows.map(codec.wait);
  }

  async lockJobs(type: string, workerId: string, now: string, lockExpiresAt: string, max: number, businessKey?: string): Promise<WaitRow[]> {
    this.assertWritable('lockJobs');
    checkLimit('max', max);
    const { rows } = await this.query<Stored['wait']>(
      businessKey === undefined ? LOCK_JOBS : LOCK_ORDER_JOBS,
      [type, workerId, canonicalTimestamp(now, 'now'), canonicalTimestamp(lockExpiresAt, 'lockExpiresAt'), max, businessKey ?? null],
    );
    return rows.map(codec.wait).sort(byCreatedAtThenId);
  }

  async lockJob(job: Pick<WaitRow, 'id' | 'jobType'>, workerId: string, now: string, lockExpiresAt: string): Promise<WaitRow | undefined> {
    this.assertWritable('lockJob');
    const { rows: [row] } = await this.query<Stored['wait']>(
      LOCK_ONE_JOB, [job.jobType, workerId, canonicalTimestamp(now, 'now'), canonicalTimestamp(lockExpiresAt, 'lockExpiresAt'), 1, job.id],
    );
    return row && codec.wait(row);
  }

  // history

  async appendHistory(rows: HistoryRow[]): Promise<number[]> {
    this.assertWritable('appendHistory');
    if (rows.length === 0) return [];
    // one statement for the whole batch; unnest keeps the given order for seq
    const columns: unknown[][] = HISTORY_ORDER.map(() => []);
    for (const row of rows) {
      const parameters = codec.historyParameters(row);
      HISTORY_ORDER.forEach((name, index) => columns[index].push(parameters[name]));
    }
    const { rows: inserted } = await this.query<{ seq: string }>(
      `INSERT INTO stratum_history (instance_id, at, actor, event, element_id, element_type, wait_id, data, via)
       SELECT instance_id, at, actor, event, element_id, element_type, wait_id, data, via
       FROM unnest($1::text[], $2::timestamptz[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::jsonb[], $9::text[])
         WITH ORDINALITY AS batch (instance_id, at, actor, event, element_id, element_type, wait_id, data, via, position)
       ORDER BY position
       RETURNING seq`,
      columns,
    );
    // the rows took their seq in position order; RETURNING promises no order, so sort them back
    return inserted.map((row) => Number(row.seq)).sort((a, b) => a - b);
  }

  async historyOf(instanceIds: string[], only?: HistoryEventFilter): Promise<HistoryRow[]> {
    if (instanceIds.length === 0) return [];
    const { rows } = only
      ? await this.query<Stored['history']>(
        `SELECT * FROM stratum_history WHERE instance_id = ANY($1::text[]) AND event = ANY($2::text[])
           AND ($3::text IS NULL OR actor = $3) ORDER BY seq`,
        [instanceIds, historyEvents(only), only.actor ?? null],
      )
      : await this.query<Stored['history']>('SELECT * FROM stratum_history WHERE instance_id = ANY($1::text[]) ORDER BY seq', [instanceIds]);
    return rows.map(codec.history);
  }

  async findTaskCompletion(waitId: string): Promise<HistoryRow | undefined> {
    const { rows } = await this.query<Stored['history']>(
      "SELECT * FROM stratum_history WHERE wait_id = $1 AND event = 'task.completed' ORDER BY seq LIMIT 1",
      [waitId],
    );
    return rows[0] && codec.history(rows[0]);
  }

  async findRefused(filter: RefusedFilter): Promise<RefusedRow[]> {
    const { text, parameters } = refusedSelect(filter, numberedPlaceholder, POSTGRES_REFUSED_TABLES);
    const { rows } = await this.query<RefusedRecord<PostgresColumns>>(text, parameters);
    return rows.map((record) => refusedRow(record, codec.history));
  }

  // messages

  async insertMessage(row: MessageRow): Promise<boolean> {
    this.assertWritable('insertMessage');
    // DO NOTHING waits for a concurrent insert of the same messageId to commit, then reports 0 rows
    const result = await this.write(CONTROL_WRITES.insertMessage, controlCodec.messageParameters(row));
    return result.rowCount === 1;
  }

  async findMessageById(name: string, correlationKey: string, messageId: string): Promise<MessageRow | undefined> {
    const { rows } = await this.query<MessageRecord<PostgresColumns>>(
      `SELECT ${MESSAGE_COLUMNS} FROM stratum_messages WHERE name = $1 AND correlation_key = $2 AND message_id = $3`,
      [name, correlationKey, messageId],
    );
    return rows[0] && controlCodec.message(rows[0]);
  }

  async updateMessage(row: MessageRow): Promise<void> {
    this.assertWritable('updateMessage');
    const result = await this.write(CONTROL_WRITES.updateMessage, controlCodec.messageParameters(row));
    if (result.rowCount === 0) throw new StratumError('not-found', `message ${row.id} does not exist`);
  }

  async deleteMessage(id: string): Promise<void> {
    this.assertWritable('deleteMessage');
    await this.query('DELETE FROM stratum_messages WHERE id = $1', [id]);
  }

  async lockCorrelation(name: string, correlationKey: string): Promise<void> {
    this.assertWritable('lockCorrelation');
    // Held until commit: the message and the step opening its catch serialise
    // here, so the later one sees the earlier one's wait or buffered message.
    await this.query(
      "SELECT pg_advisory_xact_lock(hashtext('stratum.message:' || current_schema()), hashtext(length($1::text) || ':' || $1::text || $2::text))",
      [name, correlationKey],
    );
  }

  async oldestBufferedMessage(name: string, correlationKey: string, now: string, receivedSince: string | null = null): Promise<MessageRow | undefined> {
    const lock = this.writable ? ' FOR UPDATE' : '';
    const { rows } = await this.query<MessageRecord<PostgresColumns>>(
      `SELECT ${MESSAGE_COLUMNS} FROM stratum_messages
       WHERE name = $1 AND correlation_key = $2 AND state = 'buffered' AND expires_at > $3
         AND ($4::timestamptz IS NULL OR received_at >= $4::timestamptz)
       ORDER BY received_at, seq LIMIT 1${lock}`,
      [name, correlationKey, canonicalTimestamp(now, 'now'), receivedSince === null ? null : canonicalTimestamp(receivedSince, 'receivedSince')],
    );
    return rows[0] && controlCodec.message(rows[0]);
  }

  async bufferedMessages(names: readonly string[], now: string): Promise<BufferedMessages[]> {
    if (names.length === 0) return [];
    const { rows } = await this.query<BufferedMessagesRecord<PostgresColumns>>(
      `SELECT name, correlation_key, count(*)::integer AS count, max(expires_at) AS last_expires_at FROM stratum_messages
       WHERE name = ANY($1::text[]) AND state = 'buffered' AND expires_at > $2
       GROUP BY name, correlation_key`,
      [[...names], canonicalTimestamp(now, 'now')],
    );
    return rows.map(controlCodec.bufferedMessages);
  }

  async expiredMessages(now: string, limit: number): Promise<MessageRow[]> {
    checkLimit('limit', limit);
    const lock = this.writable ? ' FOR UPDATE SKIP LOCKED' : '';
    const { rows } = await this.query<MessageRecord<PostgresColumns>>(
      `SELECT ${MESSAGE_COLUMNS} FROM stratum_messages WHERE expires_at <= $1 ORDER BY expires_at, seq LIMIT $2${lock}`,
      [canonicalTimestamp(now, 'now'), limit],
    );
    return rows.map(controlCodec.message);
  }

  // incidents

  async insertIncident(row: IncidentRow): Promise<void> {
    this.assertWritable('insertIncident');
    await this.write(CONTROL_WRITES.insertIncident, controlCodec.incidentParameters(row));
  }

  async getIncident(id: string): Promise<IncidentRow | undefined> {
    const { rows } = await this.query<IncidentRecord<PostgresColumns>>(
      `SELECT ${INCIDENT_COLUMNS} FROM stratum_incidents WHERE id = $1`,
      [id],
    );
    return rows[0] && controlCodec.incident(rows[0]);
  }

  async findIncidents(filter: IncidentFilter): Promise<IncidentRow[]> {
    const { text, parameters } = incidentSelect(filter, numberedPlaceholder, 'stratum_incidents', null, REASON_KIND);
    const { rows } = await this.query<IncidentRecord<PostgresColumns>>(text, parameters);
    return rows.map(controlCodec.incident);
  }

  async countIncidents(match: IncidentMatch): Promise<number> {
    const { where, parameters } = incidentWhere(match, numberedPlaceholder, REASON_KIND);
    const { rows } = await this.query<{ n: number }>(`SELECT count(*)::integer AS n FROM stratum_incidents ${where}`, parameters);
    return rows[0].n;
  }

  async resolveIncident(id: string, resolution: { resolvedAt: string; resolvedBy: string | null; resolution: IncidentResolution }): Promise<boolean> {
    this.assertWritable('resolveIncident');
    const result = await this.write(CONTROL_WRITES.resolveIncident, {
      id,
      resolvedAt: canonicalTimestamp(resolution.resolvedAt, 'resolvedAt'),
      resolvedBy: resolution.resolvedBy,
      resolution: resolution.resolution,
    });
    if (result.rowCount === 1 && resolution.resolution === 'retried') await this.noteFreedJobs(id);
    return result.rowCount === 1;
  }

  /**
   * A retry runs again what its incident's failure held (lockJobs hands out no job of a failed instance or under a
   * failed caller): the fetchable jobs of its order's call tree are announced, so fetches waiting for them try again.
   */
  private async noteFreedJobs(incidentId: string): Promise<void> {
    const { rows } = await this.query<Stored['wait']>(
      `SELECT ${WAIT_COLUMNS} FROM stratum_waits WHERE root_id = (SELECT root_id FROM stratum_incidents WHERE id = $1) AND kind = 'job'`,
      [incidentId],
    );
    for (const row of rows) this.noteFetchable(codec.wait(row));
  }

  // idempotency

  async getIdempotency(scope: string, caller: string, key: string): Promise<IdempotencyRow | undefined> {
    const { rows } = await this.query<Stored['idempotency']>(GET_IDEMPOTENCY, [scope, caller, key]);
    return rows[0] && codec.idempotency(rows[0]);
  }

  async insertIdempotency(row: IdempotencyRow): Promise<void> {
    this.assertWritable('insertIdempotency');
    // DO NOTHING waits for a concurrent insert of the same key to commit, then reports 0 rows
    const result = await this.write(WRITES.insertIdempotency, codec.idempotencyParameters(row));
    if (result.rowCount === 0) {
      throw lostRace('duplicate', `idempotency key ${JSON.stringify(row.key)} is already used in scope ${row.scope} by ${JSON.stringify(row.caller)}`);
    }
  }

  // orders

  async insertOrder(row: OrderRow): Promise<void> {
    this.assertWritable('insertOrder');
    // DO NOTHING waits for a concurrent insert of the same order number to commit, then reports 0 rows
    const result = await this.write(WRITES.insertOrder, codec.orderParameters(row));
    if (result.rowCount === 0) throw lostRace('duplicate', `order ${JSON.stringify(row.orderNo)} was already entered`);
  }

  async getOrder(orderNo: string): Promise<OrderRow | undefined> {
    const { rows } = await this.query<Stored['order']>('SELECT * FROM stratum_orders WHERE order_no = $1', [orderNo]);
    return rows[0] && codec.order(rows[0]);
  }

  async insertOrderChange(row: OrderChangeRow): Promise<void> {
    this.assertWritable('insertOrderChange');
    const result = await this.write(ORDER_CHANGES.insertOrderChange, orderChangeParameters(row));
    if (result.rowCount === 0) throw lostRace('duplicate', `order ${JSON.stringify(row.orderNo)} already has change ${JSON.stringify(row.changeId)}`);
  }

  async orderChanges(orderNo: string): Promise<OrderChangeRow[]> {
    const { rows } = await this.query<OrderChangeRecord & pg.QueryResultRow>(ORDER_CHANGES.orderChanges.text, valuesFor(ORDER_CHANGES.orderChanges, { orderNo }));
    return rows.map(orderChangeOf);
  }

  async updateOrderChange(row: OrderChangeRow): Promise<void> {
    this.assertWritable('updateOrderChange');
    const result = await this.write(ORDER_CHANGES.updateOrderChange, { orderNo: row.orderNo, changeId: row.changeId, status: row.status, settledAt: row.settledAt });
    if (result.rowCount === 1 && releasesJobs(row.status)) await this.noteReleasedJobs(row.orderNo);
  }

  /**
   * A settled change releases what it held (lockJobs hands out no job of an order with an open change): the
   * order's fetchable jobs are announced, unless another change still holds them, so fetches waiting for them
   * try again (on every server: the announcement is a NOTIFY at commit).
   */
  private async noteReleasedJobs(orderNo: string): Promise<void> {
    const statement = ORDER_CHANGES.jobsNoChangeHolds;
    const { rows } = await this.query<Stored['wait']>(statement.text, valuesFor(statement, { orderNo }));
    for (const row of rows) this.noteFetchable(codec.wait(row));
  }

  async findOrders(filter: OrderFilter): Promise<OrderRow[]> {
    const { text, parameters } = orderSelect(filter, numberedPlaceholder, POSTGRES_ORDER_TABLES);
    const { rows } = await this.query<Stored['order']>(text, parameters);
    return rows.map(codec.order);
  }

  async lockBusinessKey(businessKey: string): Promise<void> {
    this.assertWritable('lockBusinessKey');
    // released when the transaction ends; the prefix keeps clear of other users of advisory locks
    await this.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`stratum:business-key:${businessKey}`]);
  }

  async lockRefusedAttempts(instanceId: string): Promise<void> {
    this.assertWritable('lockRefusedAttempts');
    // released when the transaction ends; a prefix of its own, apart from the business keys' locks
    await this.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`stratum:refused-attempts:${instanceId}`]);
  }

  // helpers

  private async insertWait(id: string, parameters: NamedParameters): Promise<void> {
    const result = await this.write(WRITES.insertWait, parameters);
    if (result.rowCount === 0) throw lostRace('duplicate', `wait ${id} already belongs to another instance`);
  }

  /**
   * A new wait has no group or user rows yet (deleting a wait cascades to them): one round trip fewer. Both
   * tables are cleared in one statement, and a task offered to nobody by name costs no insert of users.
   */
  private async writeCandidates(wait: WaitRow, options: { isNew?: boolean } = {}): Promise<void> {
    if (!options.isNew) {
      await this.query(
        `WITH groups AS (DELETE FROM stratum_wait_groups WHERE wait_id = $1)
         DELETE FROM stratum_wait_users WHERE wait_id = $1`,
        [wait.id],
      );
    }
    for (const { table, column, names } of CANDIDATE_ROWS) {
      const values = names(wait);
      if (!values.length) continue;
      await this.query(
        `INSERT INTO stratum_${table} (wait_id, ${column}, created_at)
         SELECT w.id, candidate, w.created_at FROM stratum_waits w, unnest($2::text[]) AS candidate WHERE w.id = $1`,
        [wait.id, values],
      );
    }
  }

  /** The lock clause of getInstance and getWait: read() runs in a read-only snapshot where a row lock means nothing. */
  private rowLock(options: { lock?: boolean } | undefined): string {
    return options?.lock && this.writable ? ' FOR NO KEY UPDATE' : '';
  }

  /** Runs a row write shared with SQLite (row-writes.ts). */
  private async write(statement: NumberedStatement, parameters: NamedParameters): Promise<pg.QueryResult> {
    return this.query(statement.text, valuesFor(statement, parameters));
  }

  /**
   * One query at a time on the transaction's client, in call order: callers may
   * ask concurrently (Promise.all over a call tree), and pg only queues such
   * calls under a deprecation (pg 9 refuses them).
   */
  private async query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>> {
    this.assertActive();
    const result = this.previous.then(() => {
      // A query still queued when the transaction ended must not run outside it.
      this.assertActive();
      return this.client.query<R>(text, values);
    });
    this.previous = result.catch(() => undefined);
    return result;
  }
}

async function schemaVersionOf(client: pg.PoolClient): Promise<number> {
  const { rows } = await client.query<{ version: number | null }>('SELECT max(version) AS version FROM stratum_schema_version');
  return rows[0]?.version ?? 0;
}

/**
 * Errors of a rolled-back transaction in the engine's terms: a deferred foreign
 * key failing at COMMIT is an invalid write; a deadlock or serialization
 * failure is a lost race the caller may retry (the step executor does).
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
    return lostRace('rollback', `transaction rolled back by PostgreSQL, retry it (${message})`, { postgresCode: code });
  }
  // a statement cancelled (statement_timeout, pg_cancel_backend) or a lock not had in time (lock_timeout): the
  // database did not answer in time, and the transaction is rolled back whole
  if (code === '57014' || code === '55P03') return new StoreUnavailableError(error as Error);
  return error;
}

/**
 * Listens for the 'error' a checked-out client emits when its connection ends (pg_terminate_backend, a PostgreSQL
 * restart, a cut network), between queries or under one: the pool listens only to idle clients, and an 'error' event
 * nobody listens to would end the server process. `stop()` ends the watch before the client is released and returns
 * the error seen, if any: the client is then released as broken, so the pool closes it instead of handing it out again.
 */
function watchCheckedOut(client: pg.PoolClient): { stop: () => Error | undefined } {
  let lost: Error | undefined;
  const onError = (error: Error) => (lost ??= error);
  client.on('error', onError);
  return {
    // called again (the finally after a catch that stopped it): removing a listener twice does nothing
    stop: () => {
      client.removeListener('error', onError);
      return lost;
    },
  };
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
