// A database as Stratum wrote it before a job kept whether its retries were set
// (schema 10): three open jobs of one instance, inserted as plain SQL so the
// rows do not depend on today's store code. Both dialects take the same text.
// `untouched` has its declared retries; `failed` had a failure (its error is
// kept); `operator-set` had its retries set by an operator, which only its
// history says; `task` is no job at all.

/** The last schema version whose waits have no `job_retries_set` column. */
export const SCHEMA_BEFORE_JOB_RETRIES_SET = 10;

/** `prefix`: the dialect's table prefix ('' on SQLite, 'stratum_' on PostgreSQL). */
export function jobBeforeRetriesSetSql(prefix: string): string {
  const job = (id: string, retries: number, error: string | null) =>
    `('${id}', 'old-order', 'old-order', 'SO-OLD', 'job', 'Plan_${id}', 'exec-${id}', 'procurement-planning', ${retries}, ${error === null ? 'NULL' : `'${error}'`}, '2026-03-01T08:00:00.000Z')`;
  return `
  INSERT INTO ${prefix}process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
    VALUES ('sales-order-management', 1, NULL, '<definitions/>', 'hash-1', '[]', 'd1', 'designer', '2026-03-01T08:00:00.000Z', NULL);
  INSERT INTO ${prefix}instances (id, process_key, version, business_key, root_id, status, state, variables, incident, revision, created_at, updated_at)
    VALUES ('old-order', 'sales-order-management', 1, 'SO-OLD', 'old-order', 'running', NULL, '{}', NULL, 1,
      '2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z');
  INSERT INTO ${prefix}waits (id, instance_id, root_id, business_key, kind, element_id, execution_id, job_type, job_retries, job_error, created_at)
    VALUES ${job('untouched', 3, null)}, ${job('failed', 2, 'MRP down')}, ${job('operator-set', 5, null)};
  INSERT INTO ${prefix}waits (id, instance_id, root_id, business_key, kind, element_id, execution_id, candidate_groups, created_at)
    VALUES ('task', 'old-order', 'old-order', 'SO-OLD', 'task', 'Approve', 'exec-task', '["sales-director"]', '2026-03-01T08:00:00.000Z');
  INSERT INTO ${prefix}history (instance_id, at, actor, event, element_id, element_type, wait_id, data)
    VALUES ('old-order', '2026-03-01T08:01:00.000Z', 'otto', 'job.retries-set', 'Plan_operator-set', NULL, 'operator-set',
      '{"jobType":"procurement-planning","retries":5,"previous":3}');
  `;
}
