import { canonicalTimestamp, canonicalTimestampOrNull } from './iso-time.js';
import type {
  ColumnTypes,
  HistoryRecord,
  IdempotencyRecord,
  InstanceRecord,
  OrderRecord,
  Json,
  VersionRecord,
  WaitRecord,
} from './records.js';
import { CALLER_ROUTES, ENGINE_ROUTE, type HistoryRoute } from './types.js';
import type {
  CallerRoute,
  HistoryRow,
  IdempotencyRow,
  InstanceRow,
  InstanceStatus,
  OrderRow,
  ProcessVersionRow,
  VersionCalls,
  WaitKind,
  WaitRow,
} from './types.js';

// The mapping between the rows of types.ts and the database: the same field
// by field in both dialects except for how a dialect reads timestamps and
// reads and writes JSON. Each mapping names its fields one by one (no loop over
// keys): it runs for every row of every engine step.

/** How a dialect reads timestamps and reads and writes JSON columns. */
export interface ColumnCodec<C extends ColumnTypes> {
  /** A stored timestamp as the API's ISO string. */
  readTime: (value: C['time']) => string;
  /** A stored JSON column (not NULL) as its value. */
  readJson: <Value>(value: Json<C, Value>) => Value;
  /** The JSON text a column stores for `value`; `field` names it in errors. */
  writeJson: (value: unknown, field: string) => string;
  /** An instance's engine state as stored (default: as any JSON column). */
  readState?: (value: Json<C, unknown> | Uint8Array) => unknown;
  /** What the state column stores (default: the JSON text). */
  writeState?: (value: unknown) => string | Uint8Array;
}

/**
 * Named statement parameters (`@name` in the SQL). better-sqlite3 binds them
 * as they are; the PostgreSQL store numbers them (numbered-parameters.ts).
 */
export type NamedParameters = Record<string, unknown>;

export interface RowCodec<C extends ColumnTypes> {
  version: (record: VersionRecord<C>) => ProcessVersionRow;
  /** A version's key, number and calls, read without its XML. */
  versionCalls: (record: Pick<VersionRecord<C>, 'key' | 'version' | 'calls'>) => VersionCalls;
  instance: (record: InstanceRecord<C>) => InstanceRow;
  wait: (record: WaitRecord<C>) => WaitRow;
  history: (record: HistoryRecord<C>) => HistoryRow;
  idempotency: (record: IdempotencyRecord<C>) => IdempotencyRow;
  order: (record: OrderRecord<C>) => OrderRow;
  /** Timestamps are checked and canonical (iso-time.ts), JSON is text. */
  versionParameters: (row: ProcessVersionRow) => NamedParameters;
  instanceParameters: (row: InstanceRow) => NamedParameters;
  waitParameters: (row: WaitRow) => NamedParameters;
  historyParameters: (row: HistoryRow) => NamedParameters;
  idempotencyParameters: (row: IdempotencyRow) => NamedParameters;
  orderParameters: (row: OrderRow) => NamedParameters;
}

/** A history entry's route as stored: a caller's route or `engine`; null for none (or one this version does not know). */
function historyRouteOrNull(value: string | null): HistoryRoute | null {
  return value === ENGINE_ROUTE ? ENGINE_ROUTE : callerRouteOrNull(value);
}

/** A stored route, or null for none (and for a word this Stratum does not know, rather than failing the read). */
export function callerRouteOrNull(value: string | null): CallerRoute | null {
  return (CALLER_ROUTES as readonly string[]).includes(value ?? '') ? (value as CallerRoute) : null;
}

export function rowCodec<C extends ColumnTypes>(columns: ColumnCodec<C>): RowCodec<C> {
  const { readTime, readJson, writeJson } = columns;
  const readTimeOrNull = (value: C['time'] | null): string | null => (value === null ? null : readTime(value));
  const readJsonOrNull = <Value>(value: Json<C, Value> | null): Value | null =>
    value === null ? null : readJson<Value>(value);
  const writeJsonOrNull = (value: unknown, field: string): string | null =>
    value === null || value === undefined ? null : writeJson(value, field);
  const readState = columns.readState ?? ((value: Json<C, unknown> | Uint8Array) => readJson<unknown>(value as Json<C, unknown>));
  const writeState = columns.writeState ?? ((value: unknown) => writeJson(value, 'state'));

  return {
    versionCalls: (record) => ({ key: record.key, version: record.version, calls: readJson<string[]>(record.calls) }),

    version: (record) => ({
      key: record.key,
      version: record.version,
      name: record.name,
      xml: record.xml,
      hash: record.hash,
      calls: readJson<string[]>(record.calls),
      deploymentId: record.deployment_id,
      deployedBy: record.deployed_by,
      deployedAt: readTime(record.deployed_at),
      note: record.note,
    }),

    instance: (record) => {
      // The engine state (kilobytes of JSON) is parsed only when a step needs
      // it, not for every row a listing or an instance view reads. (PostgreSQL's
      // driver has parsed it already; reading it then just hands it over.)
      let state: unknown;
      let stateRead = false;
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
          if (!stateRead) {
            state = record.state === null ? null : readState(record.state);
            stateRead = true;
          }
          return state;
        },
        set state(value: unknown) {
          state = value;
          stateRead = true;
        },
        variables: readJson<Record<string, unknown>>(record.variables),
        incident: readJsonOrNull<NonNullable<InstanceRow['incident']>>(record.incident),
        revision: record.revision,
        startedBy: record.started_by,
        createdAt: readTime(record.created_at),
        updatedAt: readTime(record.updated_at),
        endedAt: readTimeOrNull(record.ended_at),
      };
    },

    wait: (record) => ({
      id: record.id,
      instanceId: record.instance_id,
      rootId: record.root_id,
      businessKey: record.business_key,
      kind: record.kind as WaitKind,
      elementId: record.element_id,
      executionId: record.execution_id,
      name: record.name,
      candidateGroups: readJsonOrNull<string[]>(record.candidate_groups),
      assignee: record.assignee,
      candidateUsers: readJsonOrNull<string[]>(record.candidate_users),
      claimedBy: record.claimed_by,
      claimedAt: readTimeOrNull(record.claimed_at),
      messageName: record.message_name,
      messageId: record.message_id,
      correlationKey: record.correlation_key,
      dueAt: readTimeOrNull(record.due_at),
      jobType: record.job_type,
      jobRetries: record.job_retries,
      jobRetriesSet: Boolean(record.job_retries_set),
      jobError: record.job_error,
      lockedBy: record.locked_by,
      lockExpiresAt: readTimeOrNull(record.lock_expires_at),
      childInstanceId: record.child_instance_id,
      variables: readJsonOrNull<Record<string, unknown>>(record.variables),
      createdAt: readTime(record.created_at),
    }),

    history: (record) => ({
      seq: Number(record.seq),
      instanceId: record.instance_id,
      at: readTime(record.at),
      actor: record.actor,
      event: record.event,
      elementId: record.element_id,
      elementType: record.element_type,
      waitId: record.wait_id,
      data: readJsonOrNull<Record<string, unknown>>(record.data),
      via: historyRouteOrNull(record.via),
    }),

    idempotency: (record) => ({
      scope: record.scope,
      caller: record.caller,
      key: record.key,
      requestHash: record.request_hash,
      instanceId: record.instance_id,
      createdAt: readTime(record.created_at),
    }),

    order: (record) => ({
      orderNo: record.order_no,
      processKey: record.process_key,
      instanceId: record.instance_id,
      order: readJson<Record<string, unknown>>(record.entered),
      // PostgreSQL's numeric comes back as text with the scale it was written with
      amount: String(record.amount),
      currency: record.currency,
      reportingAmount: String(record.reporting_amount),
      reportingCurrency: record.reporting_currency,
      exchangeRate: String(record.exchange_rate),
      rateDate: String(record.rate_date),
      enteredBy: record.entered_by,
      enteredAt: readTime(record.entered_at),
    }),

    versionParameters: (row) => ({
      key: row.key,
      version: row.version,
      name: row.name,
      xml: row.xml,
      hash: row.hash,
      calls: writeJson(row.calls, 'calls'),
      deploymentId: row.deploymentId,
      deployedBy: row.deployedBy,
      deployedAt: canonicalTimestamp(row.deployedAt, 'deployedAt'),
      note: row.note,
    }),

    instanceParameters: (row) => ({
      id: row.id,
      processKey: row.processKey,
      version: row.version,
      businessKey: row.businessKey,
      parentId: row.parentId,
      parentElementId: row.parentElementId,
      parentExecutionId: row.parentExecutionId,
      rootId: row.rootId,
      status: row.status,
      state: row.state === null || row.state === undefined ? null : writeState(row.state),
      variables: writeJson(row.variables, 'variables'),
      incident: writeJsonOrNull(row.incident, 'incident'),
      revision: row.revision,
      startedBy: row.startedBy,
      createdAt: canonicalTimestamp(row.createdAt, 'createdAt'),
      updatedAt: canonicalTimestamp(row.updatedAt, 'updatedAt'),
      endedAt: canonicalTimestampOrNull(row.endedAt, 'endedAt'),
    }),

    waitParameters: (row) => ({
      id: row.id,
      instanceId: row.instanceId,
      rootId: row.rootId,
      businessKey: row.businessKey,
      kind: row.kind,
      elementId: row.elementId,
      executionId: row.executionId,
      name: row.name,
      candidateGroups: writeJsonOrNull(row.candidateGroups, 'candidateGroups'),
      assignee: row.assignee,
      candidateUsers: writeJsonOrNull(row.candidateUsers, 'candidateUsers'),
      // an incident's kept waits from before migration 12 have neither
      claimedBy: row.claimedBy ?? null,
      claimedAt: canonicalTimestampOrNull(row.claimedAt ?? null, 'claimedAt'),
      messageName: row.messageName,
      messageId: row.messageId,
      correlationKey: row.correlationKey,
      dueAt: canonicalTimestampOrNull(row.dueAt, 'dueAt'),
      jobType: row.jobType,
      jobRetries: row.jobRetries,
      // SQLite binds no booleans; PostgreSQL's boolean reads 1 and 0 as true and false
      jobRetriesSet: row.jobRetriesSet ? 1 : 0,
      jobError: row.jobError,
      lockedBy: row.lockedBy,
      lockExpiresAt: canonicalTimestampOrNull(row.lockExpiresAt, 'lockExpiresAt'),
      childInstanceId: row.childInstanceId,
      variables: writeJsonOrNull(row.variables, 'variables'),
      createdAt: canonicalTimestamp(row.createdAt, 'createdAt'),
    }),

    historyParameters: (row) => ({
      instanceId: row.instanceId,
      at: canonicalTimestamp(row.at, 'at'),
      actor: row.actor,
      event: row.event,
      elementId: row.elementId,
      elementType: row.elementType,
      waitId: row.waitId,
      data: writeJsonOrNull(row.data, 'data'),
      via: row.via ?? null,
    }),

    idempotencyParameters: (row) => ({
      scope: row.scope,
      caller: row.caller,
      key: row.key,
      requestHash: row.requestHash,
      instanceId: row.instanceId,
      createdAt: canonicalTimestamp(row.createdAt, 'createdAt'),
    }),

    orderParameters: (row) => ({
      orderNo: row.orderNo,
      processKey: row.processKey,
      instanceId: row.instanceId,
      entered: writeJson(row.order, 'order'),
      amount: row.amount,
      currency: row.currency,
      reportingAmount: row.reportingAmount,
      reportingCurrency: row.reportingCurrency,
      exchangeRate: row.exchangeRate,
      rateDate: row.rateDate,
      enteredBy: row.enteredBy,
      enteredAt: canonicalTimestamp(row.enteredAt, 'enteredAt'),
    }),
  };
}
