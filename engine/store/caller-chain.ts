// The nearest failed caller of an instance in one query, for both dialects: a
// recursive walk up the parent links by primary key, which stops at the first
// failed caller. Asked before every task and job completion and message
// delivery inside a called instance (engine/runtime/wait-locks.ts); a read of
// each caller in turn cost a round trip per level. The tree's failed instances
// by root_id and status would not do: without statistics SQLite serves that
// filter from the status index, every failed instance of the database.
import { INSTANCE_COLUMNS } from './records.js';
import type { Placeholder } from './filters.js';

/** Callers looked at, as far up as the walk it replaces went. */
const MAX_CALLERS = 100;

/**
 * The SELECT of the nearest failed caller (parent, that one's, …) of the instance whose id is its one parameter.
 * Each step reads a caller by its id; the status rides along in the walk, so the last step is a read by id too
 * (a join on status let SQLite start from the status index). The walk stops at the first failed caller, so the
 * callers hold at most one.
 */
export function failedCallerSelect(table: string, placeholder: Placeholder): string {
  return `WITH RECURSIVE callers (id, parent_id, status, depth) AS (
      SELECT p.id, p.parent_id, p.status, 1 FROM ${table} x JOIN ${table} p ON p.id = x.parent_id WHERE x.id = ${placeholder(1)}
      UNION ALL
      SELECT p.id, p.parent_id, p.status, c.depth + 1 FROM callers c JOIN ${table} p ON p.id = c.parent_id
      WHERE c.status <> 'failed' AND c.depth < ${MAX_CALLERS}
    )
    SELECT ${INSTANCE_COLUMNS} FROM ${table} WHERE id = (SELECT id FROM callers WHERE status = 'failed' LIMIT 1)`;
}
