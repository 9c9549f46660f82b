// The nearest failed caller of an instance in one query, for both dialects: a
// recursive walk up the parent links by primary key, which stops at the first
// failed caller. Asked before every task and job completion and message
// delivery inside a called instance (engine/runtime/wait-locks.ts); a read of
// each caller in turn cost a round trip per level. The tree's failed instances
// by root_id and status would not do: without statistics SQLite serves that
// filter from the status index, every failed instance of the database.
// lockJobs walks the same way (noFailedInstanceAbove), so no worker is handed a
// job that such a completion would refuse.
import { INSTANCE_COLUMNS } from './records.js';
import type { Placeholder } from './placeholder.js';

/** Callers looked at, as far up as the walk it replaces went. */
export const MAX_CALLERS = 100;

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

/**
 * The condition lockJobs adds for a job (`alias` a waits row): neither its instance nor any caller of it (up to
 * as many as failedCallerSelect looks at) has failed. The runtime refuses to complete such a job (a failed
 * instance's, 409; one under a failed caller's, 409 caller-failed: runtime/wait-locks.ts), so a worker handed it
 * would do its work (a shipment, a payment) for nothing, and the next one again once the lock expired.
 *
 * Every poll runs it for each job it passes over, so the cheap answers come first, each a read by an index: the
 * order's root has failed (a failure climbs to the root unless a caller catches it: then every job of the order is
 * held, one read by primary key); the job is the root's own (nothing else is above it); no incident of the order
 * is open (every failed instance has one, with its order's root, until a retry or a cancel closes it). Only a job
 * of an order with an open incident and a running root walks up from its own instance as failedCallerSelect does,
 * a read by primary key per level, stopping at the first failed instance.
 */
export function noFailedInstanceAbove(tablePrefix: string, alias: string): string {
  const instances = `${tablePrefix}instances`;
  // Scalar subqueries, not [NOT] EXISTS: PostgreSQL turns those into an anti join over every failed instance (from
  // the status index) or a hash of every open incident, where one read per job is meant.
  return `COALESCE((SELECT r.status FROM ${instances} r WHERE r.id = ${alias}.root_id), '') <> 'failed'
      AND (${alias}.instance_id = ${alias}.root_id
        OR (SELECT oi.id FROM ${tablePrefix}incidents oi WHERE oi.root_id = ${alias}.root_id AND oi.resolved_at IS NULL LIMIT 1) IS NULL
        OR NOT EXISTS (WITH RECURSIVE lineage (parent_id, status, depth) AS (
            SELECT m.parent_id, m.status, 0 FROM ${instances} m WHERE m.id = ${alias}.instance_id
            UNION ALL
            SELECT up.parent_id, up.status, l.depth + 1 FROM lineage l JOIN ${instances} up ON up.id = l.parent_id
            WHERE l.status <> 'failed' AND l.depth < ${MAX_CALLERS}
          )
          SELECT 1 FROM lineage WHERE status = 'failed'))`;
}
