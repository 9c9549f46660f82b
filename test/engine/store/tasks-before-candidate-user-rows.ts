// A database as Stratum wrote it before candidate users had rows of their own
// (schema 12): open tasks of one order offered to people by name, inserted as
// plain SQL so the rows do not depend on today's store code. Both dialects take
// the same text. `offered` names bo twice; `claimed` is offered to bo and vera
// and vera claimed it; `later` is bo's newer task; `grouped` is offered to a
// group only (no candidate users).

/** The last schema version whose candidate users live only in the waits' `candidate_users` column. */
export const SCHEMA_BEFORE_CANDIDATE_USER_ROWS = 12;

/** `prefix`: the dialect's table prefix ('' on SQLite, 'stratum_' on PostgreSQL). */
export function tasksBeforeCandidateUserRowsSql(prefix: string): string {
  const task = (id: string, minute: number, users: string | null, claimedBy: string | null) =>
    `('${id}', 'old-order', 'old-order', 'SO-OLD', 'task', 'Approve_${id}', 'exec-${id}', '[]', ${users === null ? 'NULL' : `'${users}'`}, ` +
    `${claimedBy === null ? 'NULL' : `'${claimedBy}'`}, '2026-03-01T08:0${minute}:00.000Z')`;
  return `
  INSERT INTO ${prefix}process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
    VALUES ('assigned-review', 1, NULL, '<definitions/>', 'hash-1', '[]', 'd1', 'designer', '2026-03-01T08:00:00.000Z', NULL);
  INSERT INTO ${prefix}instances (id, process_key, version, business_key, root_id, status, state, variables, incident, revision, created_at, updated_at)
    VALUES ('old-order', 'assigned-review', 1, 'SO-OLD', 'old-order', 'running', NULL, '{}', NULL, 1,
      '2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z');
  INSERT INTO ${prefix}waits (id, instance_id, root_id, business_key, kind, element_id, execution_id, candidate_groups, candidate_users, claimed_by, created_at)
    VALUES ${task('later', 3, '["bo"]', null)}, ${task('offered', 1, '["bo","bo"]', null)}, ${task('claimed', 2, '["bo","vera"]', 'vera')},
           ${task('grouped', 0, null, null)};
  UPDATE ${prefix}waits SET candidate_groups = '["sales-director"]' WHERE id = 'grouped';
  `;
}
