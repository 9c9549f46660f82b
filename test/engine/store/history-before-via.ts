// A database as Stratum wrote it before a history entry named the route of its caller's action (schema 13): one
// instance with a task completed and a message kept for it, inserted as plain SQL so the rows do not depend on today's store code. Both
// dialects take the same text.

/** The last schema version whose history has no `via` column. */
export const SCHEMA_BEFORE_HISTORY_VIA = 13;

/** `prefix`: the dialect's table prefix ('' on SQLite, 'stratum_' on PostgreSQL). */
export function historyBeforeViaSql(prefix: string): string {
  return `
  INSERT INTO ${prefix}process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
    VALUES ('credit-order-approval', 1, NULL, '<definitions/>', 'hash-1', '[]', 'd1', 'designer', '2026-03-01T08:00:00.000Z', NULL);
  INSERT INTO ${prefix}instances (id, process_key, version, business_key, root_id, status, state, variables, incident, revision, created_at, updated_at)
    VALUES ('old-approval', 'credit-order-approval', 1, 'SO-OLD', 'old-approval', 'running', NULL, '{}', NULL, 1,
      '2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z');
  INSERT INTO ${prefix}history (instance_id, at, actor, event, element_id, element_type, wait_id, data)
    VALUES ('old-approval', '2026-03-01T08:01:00.000Z', 'vera', 'task.completed', 'Approve', 'bpmn:UserTask', 'old-task',
      '{"name":"Approve","variables":{"approved":true}}');
  INSERT INTO ${prefix}messages (id, message_id, name, correlation_key, variables, root_id, state, received_by, received_at, expires_at, delivered_to, delivered_at)
    VALUES ('old-message', 'bank-1', 'PaymentReceived', 'SO-OLD', '{}', 'old-approval', 'buffered', 'bank', '2026-03-01T08:02:00.000Z',
      '2026-03-02T08:02:00.000Z', NULL, NULL);
  `;
}
