import { canonicalTimestamp, canonicalTimestampOrNull } from './iso-time.js';
import { WhereBuilder, type Where } from './filters.js';
import type { Placeholder } from './placeholder.js';
import type { ColumnTypes, Json } from './records.js';
import { checkLimit } from './row-checks.js';
import { callerRouteOrNull, type ColumnCodec, type NamedParameters } from './row-codec.js';
import type { BufferedMessages, IncidentFilter, IncidentMatch, IncidentReason, IncidentResolution, IncidentRow, IncidentKind, MessageRow, MessageState, WaitRow } from './types.js';

// The message buffer and incident tables (migration 2; an incident's reason,
// migration 10): their records, the mapping to the rows of types.ts, and the
// statements both dialects share.

export interface MessageRecord<C extends ColumnTypes> {
  seq: number | string;
  id: string;
  message_id: string | null;
  name: string;
  correlation_key: string;
  variables: Json<C, Record<string, unknown>>;
  root_id: string | null;
  state: string;
  received_by: string | null;
  received_via: string | null;
  received_at: C['time'];
  expires_at: C['time'];
  delivered_to: string | null;
  delivered_at: C['time'] | null;
}

/** A (name, correlation key) of buffered messages, counted (`bufferedMessages`). */
export interface BufferedMessagesRecord<C extends ColumnTypes> {
  name: string;
  correlation_key: string;
  count: number;
  last_expires_at: C['time'];
}

export interface IncidentRecord<C extends ColumnTypes> {
  seq: number | string;
  id: string;
  instance_id: string;
  root_id: string;
  process_key: string;
  business_key: string | null;
  element_id: string | null;
  message: string;
  /** Null in rows written before migration 10, and where the runtime does not know why. */
  reason: Json<C, IncidentReason> | null;
  kind: string;
  cause_id: string | null;
  wait_id: string | null;
  action: Json<C, unknown> | null;
  state_before: Json<C, unknown> | null;
  variables_before: Json<C, Record<string, unknown>>;
  waits_before: Json<C, KeptWait[]>;
  created_at: C['time'];
  resolved_at: C['time'] | null;
  resolved_by: string | null;
  resolution: string | null;
}

/**
 * A wait as an incident keeps it (`waits_before`): those kept before migration 11 have no `jobRetriesSet`, those
 * kept before migration 12 no claim.
 */
type KeptWait = Omit<WaitRow, 'jobRetriesSet' | 'claimedBy' | 'claimedAt'> & { jobRetriesSet?: boolean; claimedBy?: string | null; claimedAt?: string | null };

export const MESSAGE_COLUMNS =
  'seq, id, message_id, name, correlation_key, variables, root_id, state, received_by, received_at, expires_at, delivered_to, delivered_at, received_via';
export const INCIDENT_COLUMNS =
  'seq, id, instance_id, root_id, process_key, business_key, element_id, message, reason, kind, cause_id, wait_id, action, state_before, variables_before, waits_before, created_at, resolved_at, resolved_by, resolution';

export interface MessageIncidentCodec<C extends ColumnTypes> {
  message: (record: MessageRecord<C>) => MessageRow;
  bufferedMessages: (record: BufferedMessagesRecord<C>) => BufferedMessages;
  incident: (record: IncidentRecord<C>) => IncidentRow;
  messageParameters: (row: MessageRow) => NamedParameters;
  incidentParameters: (row: IncidentRow) => NamedParameters;
}

export function messageIncidentCodec<C extends ColumnTypes>(columns: ColumnCodec<C>): MessageIncidentCodec<C> {
  const { readTime, readJson, writeJson } = columns;
  const readTimeOrNull = (value: C['time'] | null) => (value === null ? null : readTime(value));
  const readJsonOrNull = <Value>(value: Json<C, Value> | null): Value | null => (value === null ? null : readJson<Value>(value));
  const writeJsonOrNull = (value: unknown, field: string) => (value === null || value === undefined ? null : writeJson(value, field));
  return {
    message: (record) => ({
      id: record.id,
      messageId: record.message_id,
      name: record.name,
      correlationKey: record.correlation_key,
      variables: readJson<Record<string, unknown>>(record.variables),
      rootId: record.root_id,
      state: record.state as MessageState,
      receivedBy: record.received_by,
      receivedVia: callerRouteOrNull(record.received_via),
      receivedAt: readTime(record.received_at),
      expiresAt: readTime(record.expires_at),
      deliveredTo: record.delivered_to,
      deliveredAt: readTimeOrNull(record.delivered_at),
    }),
    bufferedMessages: (record) => ({
      name: record.name, correlationKey: record.correlation_key, count: Number(record.count), lastExpiresAt: readTime(record.last_expires_at),
    }),
    incident: (record) => ({
      id: record.id,
      seq: Number(record.seq),
      instanceId: record.instance_id,
      rootId: record.root_id,
      processKey: record.process_key,
      businessKey: record.business_key,
      elementId: record.element_id,
      message: record.message,
      reason: readJsonOrNull<IncidentReason>(record.reason),
      kind: record.kind as IncidentKind,
      causeId: record.cause_id,
      waitId: record.wait_id,
      action: readJsonOrNull<unknown>(record.action),
      stateBefore: readJsonOrNull<unknown>(record.state_before),
      variablesBefore: readJson<Record<string, unknown>>(record.variables_before),
      waitsBefore: waitsBeforeOf(readJson<KeptWait[]>(record.waits_before)),
      createdAt: readTime(record.created_at),
      resolvedAt: readTimeOrNull(record.resolved_at),
      resolvedBy: record.resolved_by,
      resolution: record.resolution as IncidentResolution | null,
    }),
    messageParameters: (row) => ({
      id: row.id,
      messageId: row.messageId,
      name: row.name,
      correlationKey: row.correlationKey,
      variables: writeJson(row.variables, 'variables'),
      rootId: row.rootId,
      state: row.state,
      receivedBy: row.receivedBy,
      receivedVia: row.receivedVia,
      receivedAt: canonicalTimestamp(row.receivedAt, 'receivedAt'),
      expiresAt: canonicalTimestamp(row.expiresAt, 'expiresAt'),
      deliveredTo: row.deliveredTo,
      deliveredAt: canonicalTimestampOrNull(row.deliveredAt, 'deliveredAt'),
    }),
    incidentParameters: (row) => ({
      id: row.id,
      instanceId: row.instanceId,
      rootId: row.rootId,
      processKey: row.processKey,
      businessKey: row.businessKey,
      elementId: row.elementId,
      message: row.message,
      reason: writeJsonOrNull(row.reason, 'reason'),
      kind: row.kind,
      causeId: row.causeId,
      waitId: row.waitId,
      action: writeJsonOrNull(row.action, 'action'),
      stateBefore: writeJsonOrNull(row.stateBefore, 'stateBefore'),
      variablesBefore: writeJson(row.variablesBefore, 'variablesBefore'),
      waitsBefore: writeJson(row.waitsBefore, 'waitsBefore'),
      createdAt: canonicalTimestamp(row.createdAt, 'createdAt'),
      resolvedAt: canonicalTimestampOrNull(row.resolvedAt, 'resolvedAt'),
      resolvedBy: row.resolvedBy,
      resolution: row.resolution,
    }),
  };
}

export interface MessageIncidentWrites {
  insertMessage: string;
  updateMessage: string;
  insertIncident: string;
  resolveIncident: string;
}

/** Statements shared by both dialects (tables named with the dialect's prefix). */
export function messageIncidentWrites(tablePrefix: string): MessageIncidentWrites {
  const t = (table: string) => `${tablePrefix}${table}`;
  return {
    insertMessage: `INSERT INTO ${t('messages')} (id, message_id, name, correlation_key, variables, root_id, state, received_by, received_at, expires_at, delivered_to, delivered_at, received_via)
       VALUES (@id, @messageId, @name, @correlationKey, @variables, @rootId, @state, @receivedBy, @receivedAt, @expiresAt, @deliveredTo, @deliveredAt, @receivedVia)
       ON CONFLICT DO NOTHING`,
    updateMessage: `UPDATE ${t('messages')} SET root_id = @rootId, state = @state, expires_at = @expiresAt,
         delivered_to = @deliveredTo, delivered_at = @deliveredAt
       WHERE id = @id`,
    insertIncident: `INSERT INTO ${t('incidents')} (id, instance_id, root_id, process_key, business_key, element_id, message, reason, kind, cause_id, wait_id,
         action, state_before, variables_before, waits_before, created_at, resolved_at, resolved_by, resolution)
       VALUES (@id, @instanceId, @rootId, @processKey, @businessKey, @elementId, @message, @reason, @kind, @causeId, @waitId,
         @action, @stateBefore, @variablesBefore, @waitsBefore, @createdAt, @resolvedAt, @resolvedBy, @resolution)`,
    resolveIncident: `UPDATE ${t('incidents')} SET resolved_at = @resolvedAt, resolved_by = @resolvedBy, resolution = @resolution
       WHERE id = @id AND resolved_at IS NULL`,
  };
}

/**
 * A condition on a job (`alias` a waits row) that holds while no open incident names it: a job whose incident is
 * open is never handed to a worker, whatever its retries (an update of its retries, Camunda 8's PATCH
 * /v2/jobs/{jobKey}, gives it some while the incident stays open, as Zeebe keeps such a job failed until the
 * incident is resolved). Read by instance from incidents_by_instance.
 */
export function noOpenIncidentOf(tablePrefix: string, alias: string): string {
  return `NOT EXISTS (SELECT 1 FROM ${tablePrefix}incidents i WHERE i.instance_id = ${alias}.instance_id AND i.resolved_at IS NULL AND i.wait_id = ${alias}.id)`;
}

/**
 * The waits an incident kept, with `jobRetriesSet` where they were kept before migration 11 added it: as the
 * migration decides for stored jobs, a job that failed had its retries set.
 */
function waitsBeforeOf(waits: KeptWait[]): WaitRow[] {
  return waits.map((wait) => ({ ...wait, jobRetriesSet: wait.jobRetriesSet ?? wait.jobError !== null, claimedBy: wait.claimedBy ?? null, claimedAt: wait.claimedAt ?? null }));
}

/**
 * The page of incidents a filter selects, in the filter's order: by seq (the order they were recorded, the
 * default) or by id, each ascending or descending. The cursor (`afterSeq` or `afterId`, whichever the order
 * uses) continues strictly after the last row in that order; the database skips `offset` rows after it.
 * `placeholder` numbers the parameters; `all` is the dialect's LIMIT for "no limit" (SQLite -1, PostgreSQL NULL).
 */
export function incidentSelect(
  filter: IncidentFilter, placeholder: Placeholder, table: string, all: number | null,
  /** The SQL of the reason's `kind` (JSON in SQLite text, a jsonb field in PostgreSQL). */
  reasonKind: string,
): { text: string; parameters: unknown[] } {
  const where = new WhereBuilder(placeholder);
  addIncidentConditions(where, filter, reasonKind);
  const column = filter.order?.by === 'id' ? 'id' : 'seq';
  const descending = filter.order?.descending === true;
  const after = column === 'id' ? filter.afterId : filter.afterSeq;
  if (after !== undefined) where.add(`${column} ${descending ? '<' : '>'} ${where.parameter(after)}`);
  if (filter.limit !== undefined) checkLimit('limit', filter.limit);
  if (filter.offset !== undefined) checkLimit('offset', filter.offset);
  const limit = where.parameter(filter.limit ?? all);
  const offset = where.parameter(filter.offset ?? 0);
  const { where: conditions, parameters } = where.build();
  return { text: `SELECT ${INCIDENT_COLUMNS} FROM ${table} ${conditions} ORDER BY ${column}${descending ? ' DESC' : ''} LIMIT ${limit} OFFSET ${offset}`, parameters };
}

/**
 * The WHERE of the incidents a match selects, the same conditions as `incidentSelect`'s, for a count (which
 * the dialect writes: PostgreSQL's count is a bigint, read as text unless cast).
 */
export function incidentWhere(match: IncidentMatch, placeholder: Placeholder, reasonKind: string): Where {
  const where = new WhereBuilder(placeholder);
  addIncidentConditions(where, match, reasonKind);
  return where.build();
}

/** What an incident must be to match, for a page and a count alike. */
function addIncidentConditions(where: WhereBuilder, filter: IncidentMatch, reasonKind: string): void {
  if (filter.open) where.add('resolved_at IS NULL');
  if (filter.resolved) where.add('resolved_at IS NOT NULL');
  where.equal('kind', filter.kind);
  where.equal('process_key', filter.processKey);
  where.equal('business_key', filter.businessKey);
  where.equal('instance_id', filter.instanceId);
  where.equal('element_id', filter.elementId);
  where.oneOf('instance_id', filter.instanceIds);
  where.equal('root_id', filter.rootId);
  where.equal('cause_id', filter.causeId);
  if (filter.reasonKinds) {
    const { kinds, orNone } = filter.reasonKinds;
    const among = kinds.map((kind) => where.parameter(kind));
    const matches = [...(among.length ? [`${reasonKind} IN (${among.join(', ')})`] : []), ...(orNone ? ['reason IS NULL'] : [])];
    where.add(matches.length ? `(${matches.join(' OR ')})` : '1 = 0');
  }
}
