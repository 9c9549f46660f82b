import type { InstanceRow, ProcessVersionRow } from './types.js';

// The rows as the database drivers return them: snake_case columns, with
// timestamps and JSON in the form the dialect keeps them in. row-codec.ts
// turns them into the row types of types.ts.

/** How a dialect hands back timestamps and JSON columns. */
export interface ColumnTypes {
  /** SQLite: the ISO text we stored; PostgreSQL: a Date from timestamptz. */
  time: string | Date;
  /** SQLite keeps JSON as text; PostgreSQL's driver parses jsonb. */
  jsonAsText: boolean;
}

export interface SqliteColumns {
  time: string;
  jsonAsText: true;
}

export interface PostgresColumns {
  time: Date;
  jsonAsText: false;
}

/** A JSON column holding `Value`: text in SQLite, the parsed value in PostgreSQL. */
export type Json<C extends ColumnTypes, Value> = C['jsonAsText'] extends true ? string : Value;

/** Most of a version's columns hold the row's fields as they are. */
export interface VersionRecord<C extends ColumnTypes>
  extends Pick<ProcessVersionRow, 'key' | 'version' | 'name' | 'xml' | 'hash' | 'note'> {
  calls: Json<C, string[]>;
  deployment_id: string;
  deployed_by: string;
  deployed_at: C['time'];
}

export interface InstanceRecord<C extends ColumnTypes> {
  id: string;
  process_key: string;
  version: number;
  business_key: string | null;
  parent_id: string | null;
  parent_element_id: string | null;
  parent_execution_id: string | null;
  root_id: string;
  status: string;
  /** SQLite: packed (state-codec.ts) as a BLOB, or JSON text in rows written before packing. */
  state: Json<C, unknown> | Uint8Array | null;
  variables: Json<C, Record<string, unknown>>;
  incident: Json<C, NonNullable<InstanceRow['incident']>> | null;
  revision: number;
  started_by: string | null;
  created_at: C['time'];
  updated_at: C['time'];
  ended_at: C['time'] | null;
}

export interface WaitRecord<C extends ColumnTypes> {
  id: string;
  instance_id: string;
  root_id: string;
  business_key: string | null;
  kind: string;
  element_id: string;
  execution_id: string;
  name: string | null;
  candidate_groups: Json<C, string[]> | null;
  assignee: string | null;
  candidate_users: Json<C, string[]> | null;
  /** Migration 12. */
  claimed_by: string | null;
  claimed_at: C['time'] | null;
  message_name: string | null;
  message_id: string | null;
  correlation_key: string | null;
  due_at: C['time'] | null;
  job_type: string | null;
  job_retries: number | null;
  /** Migration 11: SQLite keeps 0 or 1, PostgreSQL a boolean. */
  job_retries_set: number | boolean;
  job_error: string | null;
  locked_by: string | null;
  lock_expires_at: C['time'] | null;
  child_instance_id: string | null;
  variables: Json<C, Record<string, unknown>> | null;
  created_at: C['time'];
}

export interface HistoryRecord<C extends ColumnTypes> {
  /** PostgreSQL returns its bigint as text. */
  seq: number | string;
  instance_id: string;
  at: C['time'];
  actor: string | null;
  event: string;
  element_id: string | null;
  element_type: string | null;
  wait_id: string | null;
  data: Json<C, Record<string, unknown>> | null;
  /** Null on the engine's own entries and on entries from before migration 14. */
  via: string | null;
}

export interface IdempotencyRecord<C extends ColumnTypes> {
  scope: string;
  caller: string;
  key: string;
  request_hash: string;
  instance_id: string;
  created_at: C['time'];
}

export interface OrderRecord<C extends ColumnTypes> {
  order_no: string;
  process_key: string;
  instance_id: string;
  entered: Json<C, Record<string, unknown>>;
  amount: string;
  currency: string;
  reporting_amount: string;
  reporting_currency: string;
  exchange_rate: string;
  rate_date: string;
  entered_by: string | null;
  entered_at: C['time'];
}

/** A dialect's records by table, e.g. `Records<SqliteColumns>['instance']`. */
export interface Records<C extends ColumnTypes> {
  version: VersionRecord<C>;
  instance: InstanceRecord<C>;
  wait: WaitRecord<C>;
  history: HistoryRecord<C>;
  idempotency: IdempotencyRecord<C>;
  order: OrderRecord<C>;
}

// Column lists, in the same order in both schemas.

export const INSTANCE_COLUMNS =
  'id, process_key, version, business_key, parent_id, parent_element_id, parent_execution_id, root_id, status, state, variables, incident, revision, started_by, created_at, updated_at, ended_at';
export const WAIT_COLUMNS =
  'id, instance_id, root_id, business_key, kind, element_id, execution_id, name, candidate_groups, message_name, message_id, correlation_key, due_at, job_type, job_retries, job_error, locked_by, lock_expires_at, child_instance_id, variables, created_at, assignee, candidate_users, job_retries_set, claimed_by, claimed_at';
/** WAIT_COLUMNS of a table aliased `w`. */
export const WAIT_COLUMNS_OF_W = WAIT_COLUMNS.split(', ')
  .map((column) => `w.${column}`)
  .join(', ');
