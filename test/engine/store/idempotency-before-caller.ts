// A database as Stratum wrote it before an Idempotency-Key was its caller's own (schema 14): two starts with a key,
// one by erp and one through the runtime API naming no user, inserted as plain SQL so the rows do not depend on
// today's store code. Both dialects take the same text.

/** The last schema version whose idempotency keys name no caller. */
export const SCHEMA_BEFORE_IDEMPOTENCY_CALLER = 14;

/** `prefix`: the dialect's table prefix ('' on SQLite, 'stratum_' on PostgreSQL). */
export function idempotencyBeforeCallerSql(prefix: string): string {
  return `
  INSERT INTO ${prefix}process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
    VALUES ('customer-review', 1, NULL, '<definitions/>', 'hash-1', '[]', 'd1', 'designer', '2026-03-01T08:00:00.000Z', NULL);
  INSERT INTO ${prefix}instances (id, process_key, version, business_key, root_id, status, state, variables, incident, revision, started_by, created_at, updated_at)
    VALUES ('by-erp', 'customer-review', 1, NULL, 'by-erp', 'running', NULL, '{}', NULL, 1, 'erp', '2026-03-01T08:00:00.000Z', '2026-03-01T08:00:00.000Z'),
           ('by-nobody', 'customer-review', 1, NULL, 'by-nobody', 'running', NULL, '{}', NULL, 1, NULL, '2026-03-01T08:01:00.000Z', '2026-03-01T08:01:00.000Z');
  INSERT INTO ${prefix}idempotency (scope, key, request_hash, instance_id, created_at)
    VALUES ('start:customer-review', 'key-1', 'hash-erp', 'by-erp', '2026-03-01T08:00:00.000Z'),
           ('start:customer-review', 'key-2', 'hash-nobody', 'by-nobody', '2026-03-01T08:01:00.000Z');
  `;
}

/** What the upgraded store holds: each key is its instance's starter's ('' for none). */
export const IDEMPOTENCY_AFTER_CALLER = [
  { scope: 'start:customer-review', caller: 'erp', key: 'key-1', requestHash: 'hash-erp', instanceId: 'by-erp', createdAt: '2026-03-01T08:00:00.000Z' },
  { scope: 'start:customer-review', caller: '', key: 'key-2', requestHash: 'hash-nobody', instanceId: 'by-nobody', createdAt: '2026-03-01T08:01:00.000Z' },
];
