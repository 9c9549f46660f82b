import { StratumError } from '../errors.js';
import { WhereBuilder } from './filters.js';
import { canonicalTimestamp } from './iso-time.js';
import type { Placeholder } from './placeholder.js';
import type { HistoryRecord, ColumnTypes } from './records.js';
import { checkLimit } from './row-checks.js';
import type { HistoryRow, RefusedFilter, RefusedRow } from './types.js';

// The refused attempts of every instance (GET /api/audit/refused): newest first, then by seq, so that a cursor
// (at, seq) pages through a list that grows meanwhile without repeating or skipping an entry. They are read from the
// partial index over the refused events alone (migration 17), which a write of any other event never touches; the
// query repeats the index's predicate word for word, as neither planner uses a partial index for a query whose
// conditions it cannot prove imply it (an `event = $1` names no event it can check). One order's are read from its
// instances' own history instead, which both planners find cheaper (query-plans.test.ts).

/** The predicate of the partial index, on the history table aliased `h`. */
const REFUSED_EVENT_PREDICATE = "h.event LIKE '%.refused'";

export interface RefusedTables {
  history: string;
  instances: string;
  /**
   * The dialect's expression an event is compared with: on PostgreSQL in another collation than history_by_wait's
   * (wait_id, event), which it would otherwise read whole beside the partial index for an event's few entries.
   */
  event: string;
  /** The dialect's expression for `data.reason` of column `h.data`. */
  reason: string;
}

/** A refused entry as read: the history row with its instance's process (key and version) and its order's number. */
export interface RefusedRecord<C extends ColumnTypes> extends HistoryRecord<C> {
  process_key: string;
  process_version: number;
  business_key: string | null;
}

export function refusedSelect(filter: RefusedFilter, placeholder: Placeholder, tables: RefusedTables): { text: string; parameters: unknown[] } {
  const where = new WhereBuilder(placeholder);
  where.add(REFUSED_EVENT_PREDICATE);
  where.equal(tables.event, filter.event);
  where.equal('h.actor', filter.actor);
  where.equal(tables.reason, filter.reason);
  // the order of an entry is its instance's root's business key: a called instance's entries are listed under it;
  // asked for, the order's own instances come first (by key, then by root) and only their entries are read
  where.equal('r.business_key', filter.businessKey);
  if (filter.since !== undefined) where.add(`h.at >= ${where.parameter(canonicalTimestamp(filter.since, 'since'))}`);
  if (filter.until !== undefined) where.add(`h.at < ${where.parameter(canonicalTimestamp(filter.until, 'until'))}`);
  if (filter.after !== undefined) {
    // as WhereBuilder.after, with the seq compared as the number it is
    const at = canonicalTimestamp(filter.after.createdAt, 'after.createdAt');
    const seq = seqOf(filter.after.id);
    where.add(`h.at <= ${where.parameter(at)} AND (h.at < ${where.parameter(at)} OR h.seq > ${where.parameter(seq)})`);
  }
  checkLimit('limit', filter.limit);
  const limit = where.parameter(filter.limit);
  const { where: conditions, parameters } = where.build();
  return {
    text: `SELECT h.*, i.process_key, i.version AS process_version, r.business_key
      FROM ${tables.history} h JOIN ${tables.instances} i ON i.id = h.instance_id JOIN ${tables.instances} r ON r.id = i.root_id
      ${conditions} ORDER BY h.at DESC, h.seq LIMIT ${limit}`,
    parameters,
  };
}

/** A refused entry as the list hands it out, its history fields read by the dialect's codec. */
export function refusedRow<C extends ColumnTypes>(record: RefusedRecord<C>, history: (record: HistoryRecord<C>) => HistoryRow): RefusedRow {
  return { ...history(record), seq: Number(record.seq), businessKey: record.business_key, processKey: record.process_key, processVersion: Number(record.process_version) };
}

// helpers

/** A cursor's seq: decimal digits, as the list hands them out. */
function seqOf(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw new StratumError('invalid', `after names no history entry (seq ${JSON.stringify(id)})`);
  return Number(id);
}
