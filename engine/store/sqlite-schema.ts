// SQLite schema, one entry per version. Never edit a released entry: add a
// new one. `migrateSqlite` applies the missing ones in one transaction.

export const SQLITE_MIGRATIONS: readonly string[] = [
  // 1: library, instances, waits, history, idempotency
  `
  CREATE TABLE process_versions (
    key           TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    name          TEXT,
    xml           TEXT NOT NULL,
    hash          TEXT NOT NULL,
    calls         TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    deployed_by   TEXT NOT NULL,
    deployed_at   TEXT NOT NULL,
    note          TEXT,
    PRIMARY KEY (key, version)
  );

  CREATE TABLE instances (
    id                  TEXT PRIMARY KEY NOT NULL,
    process_key         TEXT NOT NULL,
    version             INTEGER NOT NULL,
    business_key        TEXT,
    parent_id           TEXT REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    parent_element_id   TEXT,
    parent_execution_id TEXT,
    root_id             TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    status              TEXT NOT NULL CHECK (status IN ('running', 'completed', 'rejected', 'failed', 'cancelled')),
    state               TEXT,
    variables           TEXT NOT NULL,
    incident            TEXT,
    revision            INTEGER NOT NULL,
    started_by          TEXT,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    ended_at            TEXT,
    FOREIGN KEY (process_key, version) REFERENCES process_versions (key, version) DEFERRABLE INITIALLY DEFERRED
  );
  CREATE INDEX instances_by_created ON instances (created_at, id);
  CREATE INDEX instances_by_process ON instances (process_key, status);
  CREATE INDEX instances_by_business_key ON instances (business_key);
  CREATE INDEX instances_by_parent ON instances (parent_id);
  CREATE INDEX instances_by_root ON instances (root_id);

  CREATE TABLE waits (
    id                TEXT PRIMARY KEY NOT NULL,
    instance_id       TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    root_id           TEXT NOT NULL,
    business_key      TEXT,
    kind              TEXT NOT NULL CHECK (kind IN ('task', 'message', 'timer', 'job', 'call')),
    element_id        TEXT NOT NULL,
    execution_id      TEXT NOT NULL,
    name              TEXT,
    candidate_groups  TEXT,
    message_name      TEXT,
    message_id        TEXT,
    correlation_key   TEXT,
    due_at            TEXT,
    job_type          TEXT,
    job_retries       INTEGER,
    job_error         TEXT,
    locked_by         TEXT,
    lock_expires_at   TEXT,
    child_instance_id TEXT,
    variables         TEXT,
    created_at        TEXT NOT NULL
  );
  CREATE INDEX waits_by_job_type ON waits (kind, job_type, created_at);
  CREATE INDEX waits_by_message ON waits (kind, message_name, correlation_key);
  CREATE INDEX waits_by_due_at ON waits (kind, due_at);
  CREATE INDEX waits_by_business_key ON waits (business_key);
  CREATE INDEX waits_by_instance ON waits (instance_id);
  CREATE INDEX waits_by_root ON waits (root_id);

  -- one row per candidate group, so that "sales" never matches "sales-director"
  CREATE TABLE wait_groups (
    wait_id TEXT NOT NULL REFERENCES waits (id) ON DELETE CASCADE,
    grp     TEXT NOT NULL,
    PRIMARY KEY (wait_id, grp)
  );
  CREATE INDEX wait_groups_by_group ON wait_groups (grp, wait_id);

  CREATE TABLE history (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    instance_id  TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    at           TEXT NOT NULL,
    actor        TEXT,
    event        TEXT NOT NULL,
    element_id   TEXT,
    element_type TEXT,
    wait_id      TEXT,
    data         TEXT
  );
  CREATE INDEX history_by_instance ON history (instance_id, seq);
  CREATE INDEX history_by_wait ON history (wait_id, event);

  CREATE TABLE idempotency (
    scope        TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    instance_id  TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (scope, key)
  );
  `,
  // 2: buffered messages (Camunda 8 time-to-live, messageId uniqueness) and incidents with what a retry needs
  `
  CREATE TABLE messages (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    id              TEXT NOT NULL UNIQUE,
    message_id      TEXT,
    name            TEXT NOT NULL,
    correlation_key TEXT NOT NULL,
    variables       TEXT NOT NULL,
    root_id         TEXT,
    state           TEXT NOT NULL CHECK (state IN ('received', 'buffered', 'delivered')),
    received_by     TEXT,
    received_at     TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    delivered_to    TEXT,
    delivered_at    TEXT
  );
  CREATE UNIQUE INDEX messages_by_message_id ON messages (name, correlation_key, message_id);
  CREATE INDEX messages_buffered ON messages (name, correlation_key, state, received_at);
  CREATE INDEX messages_by_expiry ON messages (expires_at);

  CREATE TABLE incidents (
    seq              INTEGER PRIMARY KEY AUTOINCREMENT,
    id               TEXT NOT NULL UNIQUE,
    instance_id      TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    root_id          TEXT NOT NULL,
    process_key      TEXT NOT NULL,
    business_key     TEXT,
    element_id       TEXT,
    message          TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('step', 'job')),
    cause_id         TEXT,
    wait_id          TEXT,
    action           TEXT,
    state_before     TEXT,
    variables_before TEXT NOT NULL,
    waits_before     TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    resolved_at      TEXT,
    resolved_by      TEXT,
    resolution       TEXT CHECK (resolution IN ('retried', 'cancelled'))
  );
  CREATE INDEX incidents_by_instance ON incidents (instance_id, resolved_at);
  CREATE INDEX incidents_by_root ON incidents (root_id);
  CREATE INDEX incidents_by_business_key ON incidents (business_key, seq);
  CREATE INDEX incidents_by_process ON incidents (process_key, seq);
  `,
  // 3: orders, one row per order number, with the amount as entered and converted
  `
  CREATE TABLE orders (
    order_no           TEXT NOT NULL PRIMARY KEY,
    process_key        TEXT NOT NULL,
    instance_id        TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    entered            TEXT NOT NULL,
    amount             TEXT NOT NULL,
    currency           TEXT NOT NULL,
    reporting_amount   TEXT NOT NULL,
    reporting_currency TEXT NOT NULL,
    exchange_rate      TEXT NOT NULL,
    rate_date          TEXT NOT NULL,
    entered_by         TEXT,
    entered_at         TEXT NOT NULL
  );
  CREATE INDEX orders_by_instance ON orders (instance_id);
  `,
  // 4: keyset pages: every list has an index in its order; a group's rows carry the wait's createdAt
  `
  ALTER TABLE wait_groups ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
  UPDATE wait_groups SET created_at = (SELECT w.created_at FROM waits w WHERE w.id = wait_groups.wait_id);
  DROP INDEX wait_groups_by_group;
  CREATE INDEX wait_groups_by_group_created ON wait_groups (grp, created_at, wait_id);
  CREATE INDEX waits_by_kind_created ON waits (kind, created_at, id);
  DROP INDEX waits_by_business_key;
  DROP INDEX waits_by_instance;
  CREATE INDEX waits_by_business_key_created ON waits (business_key, kind, created_at, id);
  CREATE INDEX waits_by_instance_created ON waits (instance_id, kind, created_at, id);

  -- instances list newest first, then by id
  DROP INDEX instances_by_created;
  DROP INDEX instances_by_business_key;
  CREATE INDEX instances_newest_first ON instances (created_at DESC, id);
  CREATE INDEX instances_by_process_newest_first ON instances (process_key, created_at DESC, id);
  CREATE INDEX instances_by_status_newest_first ON instances (status, created_at DESC, id);
  CREATE INDEX instances_by_business_key_newest_first ON instances (business_key, created_at DESC, id);
  `,
  // 5: changes to running orders (POST /api/orders/{orderNo}/changes)
  `
  CREATE TABLE order_changes (
    order_no         TEXT NOT NULL,
    change_id        TEXT NOT NULL,
    seq              INTEGER NOT NULL,
    description      TEXT NOT NULL,
    amount           TEXT,
    reporting_amount TEXT,
    status           TEXT NOT NULL,
    request_hash     TEXT NOT NULL,
    requested_by     TEXT,
    requested_at     TEXT NOT NULL,
    settled_at       TEXT,
    PRIMARY KEY (order_no, change_id)
  );
  CREATE UNIQUE INDEX order_changes_by_seq ON order_changes (order_no, seq);
  `,
  // 6: DMN decisions deployed beside BPMN, versioned per decision id (the whole .dmn file kept as deployed)
  `
  CREATE TABLE decision_versions (
    decision_id   TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    name          TEXT,
    file_name     TEXT NOT NULL,
    xml           TEXT NOT NULL,
    hash          TEXT NOT NULL,
    deployment_id TEXT NOT NULL,
    deployed_by   TEXT NOT NULL,
    deployed_at   TEXT NOT NULL,
    note          TEXT,
    PRIMARY KEY (decision_id, version)
  );
  `,
  // 7: tasks assigned as Camunda assigns them: an assignee and candidate users beside the candidate groups
  `
  ALTER TABLE waits ADD COLUMN assignee TEXT;
  ALTER TABLE waits ADD COLUMN candidate_users TEXT;
  CREATE INDEX waits_by_assignee_created ON waits (assignee, created_at, id);
  `,
  // 8: order lists: newest entered first, by customer name as entered
  `
  CREATE INDEX orders_newest_first ON orders (entered_at DESC, order_no);
  CREATE INDEX orders_by_customer ON orders (json_extract(entered, '$.customer.name'), entered_at DESC, order_no);
  `,
  // 9: the order events outbox and webhook deliveries (issue 13, item 2)
  `
  CREATE TABLE order_events (
    seq      INTEGER PRIMARY KEY AUTOINCREMENT,
    id       TEXT NOT NULL UNIQUE,
    order_no TEXT NOT NULL,
    type     TEXT NOT NULL,
    status   TEXT NOT NULL,
    at       TEXT NOT NULL,
    payload  TEXT NOT NULL
  );
  CREATE INDEX order_events_by_order ON order_events (order_no, seq);
  CREATE TABLE webhook_subscriptions (
    id         TEXT NOT NULL PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    types      TEXT NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('api', 'config')),
    fanned_out INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT
  );
  CREATE TABLE webhook_deliveries (
    id              TEXT NOT NULL PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES webhook_subscriptions (id),
    event_seq       INTEGER NOT NULL REFERENCES order_events (seq),
    order_no        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    dead_after      TEXT NOT NULL,
    lease_owner     TEXT,
    lease_until     TEXT,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    UNIQUE (subscription_id, event_seq)
  );
  CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
  CREATE INDEX webhook_deliveries_by_order ON webhook_deliveries (subscription_id, order_no, status, event_seq);
  CREATE INDEX webhook_deliveries_by_subscription ON webhook_deliveries (subscription_id, status, event_seq);
  CREATE TABLE webhook_attempts (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id),
    at          TEXT NOT NULL,
    duration_ms INTEGER NOT NULL,
    status_code INTEGER,
    error       TEXT
  );
  CREATE INDEX webhook_attempts_by_delivery ON webhook_attempts (delivery_id, seq);
  `,
  // 10: an incident keeps why the runtime refused the step (IncidentReason, as the instance's incident has it); older rows have none
  `
  ALTER TABLE incidents ADD COLUMN reason TEXT;
  `,
  // 11: whether a job's retries were set (by a failure or an operator) or are still its declared count: Camunda 7
  // shows none until then. A stored job that failed, or whose retries its history says an operator set, has them set.
  `
  ALTER TABLE waits ADD COLUMN job_retries_set INTEGER NOT NULL DEFAULT 0 CHECK (job_retries_set IN (0, 1));
  UPDATE waits SET job_retries_set = 1
    WHERE kind = 'job'
      AND (job_error IS NOT NULL OR EXISTS (SELECT 1 FROM history h WHERE h.wait_id = waits.id AND h.event = 'job.retries-set'));
  `,
  // 12: a task claimed by one of its candidates (Camunda's claim): who, and when. A person's tasks (assignee=me,
  // and the assigned part of mine=true) are those they hold: claimed by them, or assigned to them by the process
  // (a task the process assigns cannot be claimed by another), so the assignee's index becomes the holder's
  `
  ALTER TABLE waits ADD COLUMN claimed_by TEXT;
  ALTER TABLE waits ADD COLUMN claimed_at TEXT;
  DROP INDEX waits_by_assignee_created;
  CREATE INDEX waits_by_holder_created ON waits ((COALESCE(claimed_by, assignee)), created_at, id);
  `,
  // 13: one row per candidate user, like the groups' rows and carrying the wait's createdAt, so that the tasks
  // offered to a person by name (mine=true) page in order from one index; filled for the tasks open now
  `
  CREATE TABLE wait_users (
    wait_id    TEXT NOT NULL REFERENCES waits (id) ON DELETE CASCADE,
    user_name  TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (wait_id, user_name)
  );
  CREATE INDEX wait_users_by_user_created ON wait_users (user_name, created_at, wait_id);
  INSERT INTO wait_users (wait_id, user_name, created_at)
    SELECT DISTINCT w.id, u.value, w.created_at FROM waits w, json_each(w.candidate_users) u
    WHERE w.kind = 'task' AND w.candidate_users IS NOT NULL AND u.type = 'text';
  `,
  // 14: the route a caller's action came by (api, camunda7, camunda8, runtime) on the entry it writes, and the route a
  // message came by (its entries, the delivery of a buffered one included, name it); null on the engine's own entries
  // and on those written before
  `
  ALTER TABLE history ADD COLUMN via TEXT;
  ALTER TABLE messages ADD COLUMN received_via TEXT;
  `,
  // 15: an Idempotency-Key is the caller's own: the same key from another user is another request. A key kept before
  // belongs to the user who started its instance (instances.started_by, '' when the start named none), which is who
  // sent it, so their retries still find it and nobody else's do. SQLite cannot change a primary key in place.
  `
  CREATE TABLE idempotency_by_caller (
    scope        TEXT NOT NULL,
    caller       TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    instance_id  TEXT NOT NULL REFERENCES instances (id) DEFERRABLE INITIALLY DEFERRED,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (scope, caller, key)
  );
  INSERT INTO idempotency_by_caller (scope, caller, key, request_hash, instance_id, created_at)
    SELECT k.scope, COALESCE(i.started_by, ''), k.key, k.request_hash, k.instance_id, k.created_at
    FROM idempotency k LEFT JOIN instances i ON i.id = k.instance_id;
  DROP TABLE idempotency;
  ALTER TABLE idempotency_by_caller RENAME TO idempotency;
  `,
  // 16: GET /api/deployments/{id} reads the versions a deployment stored
  `
  CREATE INDEX process_versions_by_deployment ON process_versions (deployment_id);
  CREATE INDEX decision_versions_by_deployment ON decision_versions (deployment_id);
  `,
  // 17: the refused attempts of every order, newest first (GET /api/audit/refused): an index over the refused events
  // alone, which a write of any other event leaves untouched; built from the entries kept so far
  `
  CREATE INDEX history_refused_newest_first ON history (at DESC, seq) WHERE event LIKE '%.refused';
  `,
  // 18: a webhook subscription whose secret was replaced keeps the previous one until its grace period ends:
  // deliveries are signed with both meanwhile (Standard Webhooks' several signatures); none before
  `
  ALTER TABLE webhook_subscriptions ADD COLUMN previous_secret TEXT;
  ALTER TABLE webhook_subscriptions ADD COLUMN previous_secret_until TEXT;
  `,
  // 19: who created, replaced or deleted a webhook subscription, when, and what changed (never a secret, a
  // fingerprint of it); kept after the subscription is deleted (no foreign key). None before.
  `
  CREATE TABLE webhook_subscription_changes (
    seq             INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id TEXT NOT NULL,
    at              TEXT NOT NULL,
    actor           TEXT,
    action          TEXT NOT NULL CHECK (action IN ('created', 'replaced', 'deleted', 'refused')),
    source          TEXT NOT NULL CHECK (source IN ('api', 'config')),
    data            TEXT NOT NULL
  );
  CREATE INDEX webhook_subscription_changes_by_subscription ON webhook_subscription_changes (subscription_id, seq);
  `,
  // 20: the open incidents (GET /api/incidents, Camunda 7's incident list and count, Camunda 8's ACTIVE search) from
  // indexes over the open ones alone, in each list order: read by seq or by id from the whole table, a list of five
  // open incidents walked every resolved one recorded before them (a second at 100,000); the queries repeat the
  // predicate (`resolved_at IS NULL`) as the planners need to use a partial index
  `
  CREATE INDEX incidents_open ON incidents (seq) WHERE resolved_at IS NULL;
  CREATE INDEX incidents_open_by_id ON incidents (id) WHERE resolved_at IS NULL;
  CREATE INDEX incidents_open_by_process ON incidents (process_key, seq) WHERE resolved_at IS NULL;
  `,
];
