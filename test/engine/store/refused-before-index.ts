// A database as Stratum wrote it before the refused attempts had an index of their own (schema 16): an order whose
// called instance kept a refused task completion and whose root kept a refused change, beside an ordinary entry,
// inserted as plain SQL so the rows do not depend on today's store code. Both dialects take the same text.

/** The last schema version without the partial index over the refused events. */
export const SCHEMA_BEFORE_REFUSED_INDEX = 16;

/** `prefix`: the dialect's table prefix ('' on SQLite, 'stratum_' on PostgreSQL). */
export function refusedBeforeIndexSql(prefix: string): string {
  return `
  INSERT INTO ${prefix}process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
    VALUES ('order-to-cash', 1, NULL, '<definitions/>', 'hash-1', '["credit-order-approval"]', 'd1', 'designer', '2026-03-01T08:00:00.000Z', NULL);
  INSERT INTO ${prefix}process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
    VALUES ('credit-order-approval', 1, NULL, '<definitions/>', 'hash-2', '[]', 'd1', 'designer', '2026-03-01T08:00:00.000Z', NULL);
  INSERT INTO ${prefix}instances (id, process_key, version, business_key, root_id, status, state, variables, incident, revision, created_at, updated_at)
    VALUES ('old-order', 'order-to-cash', 1, 'SO-OLD', 'old-order', 'running', NULL, '{}', NULL, 1, '2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z');
  INSERT INTO ${prefix}instances (id, process_key, version, business_key, parent_id, root_id, status, state, variables, incident, revision, created_at, updated_at)
    VALUES ('old-approval', 'credit-order-approval', 1, NULL, 'old-order', 'old-order', 'running', NULL, '{}', NULL, 1, '2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z');
  INSERT INTO ${prefix}history (instance_id, at, actor, event, element_id, element_type, wait_id, data, via)
    VALUES ('old-approval', '2026-03-01T08:01:00.000Z', 'erp', 'task.refused', 'Approve', 'bpmn:UserTask', 'old-task',
      '{"reason":"not-offered","refusal":"not offered"}', 'api');
  INSERT INTO ${prefix}history (instance_id, at, actor, event, element_id, element_type, wait_id, data, via)
    VALUES ('old-approval', '2026-03-01T08:02:00.000Z', 'dirk', 'task.completed', 'Approve', 'bpmn:UserTask', 'old-task', '{"variables":{"approved":true}}', 'api');
  INSERT INTO ${prefix}history (instance_id, at, actor, event, element_id, element_type, wait_id, data, via)
    VALUES ('old-order', '2026-03-01T08:03:00.000Z', 'crm', 'change.refused', NULL, NULL, NULL, '{"reason":"order-shipped","refusal":"shipped"}', 'camunda8');
  `;
}
