// A database as Stratum wrote it before incidents kept a reason (schema 9):
// one failed instance and its incident, inserted as plain SQL so the rows do
// not depend on today's store code. Both dialects take the same text.

/** The last schema version whose incidents table has no `reason` column. */
export const SCHEMA_BEFORE_INCIDENT_REASON = 9;

/** `prefix`: the dialect's table prefix ('' on SQLite, 'stratum_' on PostgreSQL). */
export function incidentBeforeReasonSql(prefix: string): string {
  return `
  INSERT INTO ${prefix}process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
    VALUES ('picked-approval', 1, NULL, '<definitions/>', 'hash-1', '[]', 'd1', 'designer', '2026-03-01T08:00:00.000Z', NULL);
  INSERT INTO ${prefix}instances (id, process_key, version, business_key, root_id, status, state, variables, incident, revision, created_at, updated_at)
    VALUES ('old-instance', 'picked-approval', 1, 'PA-OLD', 'old-instance', 'failed', NULL, '{}',
      '{"elementId":"Approve","message":"task Approve: candidate groups =approverGroup gave \\"integration\\""}', 1,
      '2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z');
  INSERT INTO ${prefix}incidents (id, instance_id, root_id, process_key, business_key, element_id, message, kind, cause_id, wait_id,
      action, state_before, variables_before, waits_before, created_at, resolved_at, resolved_by, resolution)
    VALUES ('old-incident', 'old-instance', 'old-instance', 'picked-approval', 'PA-OLD', 'Approve',
      'task Approve: candidate groups =approverGroup gave "integration"', 'step', NULL, NULL,
      '{"type":"start"}', NULL, '{}', '[]', '2026-03-01T08:00:00.000Z', NULL, NULL, NULL);
  `;
}
