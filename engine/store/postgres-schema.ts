// PostgreSQL schema, one entry per version, tables prefixed `stratum_` in the
// connection's current schema. Never edit a released entry: add a new one.
// Keys and ids use the "C" collation so they sort byte-wise, like SQLite.

export const POSTGRES_MIGRATIONS: readonly string[] = [
  // 1: library, instances, waits, history, idempotency
  `
  CREATE TABLE stratum_process_versions (
    key           text COLLATE "C" NOT NULL,
    version       integer NOT NULL CHECK (version >= 1),
    name          text,
    xml           text NOT NULL,
    hash          text NOT NULL,
    calls         jsonb NOT NULL,
    deployment_id text NOT NULL,
    deployed_by   text NOT NULL,
    deployed_at   timestamptz NOT NULL,
    note          text,
    PRIMARY KEY (key, version)
  );

  CREATE TABLE stratum_instances (
    id                  text COLLATE "C" PRIMARY KEY,
    process_key         text COLLATE "C" NOT NULL,
    version             integer NOT NULL,
    business_key        text COLLATE "C",
    parent_id           text COLLATE "C" REFERENCES stratum_instances (id) DEFERRABLE INITIALLY DEFERRED,
    parent_element_id   text,
    parent_execution_id text,
    root_id             text COLLATE "C" NOT NULL REFERENCES stratum_instances (id) DEFERRABLE INITIALLY DEFERRED,
    status              text NOT NULL CHECK (status IN ('running', 'completed', 'rejected', 'failed', 'cancelled')),
    state               jsonb,
    variables           jsonb NOT NULL,
    incident            jsonb,
    revision            integer NOT NULL,
    started_by          text,
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    ended_at            timestamptz,
    FOREIGN KEY (process_key, version) REFERENCES stratum_process_versions (key, version) DEFERRABLE INITIALLY DEFERRED
  );
  CREATE INDEX stratum_instances_by_created ON stratum_instances (created_at, id);
  CREATE INDEX stratum_instances_by_process ON stratum_instances (process_key, status);
  CREATE INDEX stratum_instances_by_business_key ON stratum_instances (business_key);
  CREATE INDEX stratum_instances_by_parent ON stratum_instances (parent_id);
  CREATE INDEX stratum_instances_by_root ON stratum_instances (root_id);

  CREATE TABLE stratum_waits (
    id                text COLLATE "C" PRIMARY KEY,
    instance_id       text COLLATE "C" NOT NULL REFERENCES stratum_instances (id) DEFERRABLE INITIALLY DEFERRED,
    root_id           text COLLATE "C" NOT NULL,
    business_key      text COLLATE "C",
    kind              text NOT NULL CHECK (kind IN ('task', 'message', 'timer', 'job', 'call')),
    element_id        text NOT NULL,
    execution_id      text NOT NULL,
    name              text,
    candidate_groups  jsonb,
    message_name      text COLLATE "C",
    message_id        text,
    correlation_key   text COLLATE "C",
    due_at            timestamptz,
    job_type          text COLLATE "C",
    job_retries       integer,
    job_error         text,
    locked_by         text,
    lock_expires_at   timestamptz,
    child_instance_id text COLLATE "C",
    variables         jsonb,
    created_at        timestamptz NOT NULL
  );
  CREATE INDEX stratum_waits_by_job_type ON stratum_waits (kind, job_type, created_at);
  CREATE INDEX stratum_waits_by_message ON stratum_waits (kind, message_name, correlation_key);
  CREATE INDEX stratum_waits_by_due_at ON stratum_waits (kind, due_at);
  CREATE INDEX stratum_waits_by_business_key ON stratum_waits (business_key);
  CREATE INDEX stratum_waits_by_instance ON stratum_waits (instance_id);
  CREATE INDEX stratum_waits_by_root ON stratum_waits (root_id);

  -- one row per candidate group, so that "sales" never matches "sales-director"
  CREATE TABLE stratum_wait_groups (
    wait_id text COLLATE "C" NOT NULL REFERENCES stratum_waits (id) ON DELETE CASCADE,
    grp     text COLLATE "C" NOT NULL,
    PRIMARY KEY (wait_id, grp)
  );
  CREATE INDEX stratum_wait_groups_by_group ON stratum_wait_groups (grp, wait_id);

  CREATE TABLE stratum_history (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    instance_id  text COLLATE "C" NOT NULL REFERENCES stratum_instances (id) DEFERRABLE INITIALLY DEFERRED,
    at           timestamptz NOT NULL,
    actor        text,
    event        text NOT NULL,
    element_id   text,
    element_type text,
    wait_id      text COLLATE "C",
    data         jsonb
  );
  CREATE INDEX stratum_history_by_instance ON stratum_history (instance_id, seq);
  CREATE INDEX stratum_history_by_wait ON stratum_history (wait_id, event);

  CREATE TABLE stratum_idempotency (
    scope        text COLLATE "C" NOT NULL,
    key          text COLLATE "C" NOT NULL,
    request_hash text NOT NULL,
    instance_id  text COLLATE "C" NOT NULL REFERENCES stratum_instances (id) DEFERRABLE INITIALLY DEFERRED,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (scope, key)
  );
  `,
  // 2: buffered messages (Camunda 8 time-to-live, messageId uniqueness) and incidents with what a retry needs
  `
  CREATE TABLE stratum_messages (
    seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              text COLLATE "C" NOT NULL UNIQUE,
    message_id      text COLLATE "C",
    name            text COLLATE "C" NOT NULL,
    correlation_key text COLLATE "C" NOT NULL,
    variables       jsonb NOT NULL,
    root_id         text COLLATE "C",
    state           text NOT NULL CHECK (state IN ('received', 'buffered', 'delivered')),
    received_by     text,
    received_at     timestamptz NOT NULL,
    expires_at      timestamptz NOT NULL,
    delivered_to    text COLLATE "C",
    delivered_at    timestamptz
  );
  CREATE UNIQUE INDEX stratum_messages_by_message_id ON stratum_messages (name, correlation_key, message_id);
  CREATE INDEX stratum_messages_buffered ON stratum_messages (name, correlation_key, state, received_at);
  CREATE INDEX stratum_messages_by_expiry ON stratum_messages (expires_at);

  CREATE TABLE stratum_incidents (
    seq              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id               text COLLATE "C" NOT NULL UNIQUE,
    instance_id      text COLLATE "C" NOT NULL REFERENCES stratum_instances (id) DEFERRABLE INITIALLY DEFERRED,
    root_id          text COLLATE "C" NOT NULL,
    process_key      text COLLATE "C" NOT NULL,
    business_key     text COLLATE "C",
    element_id       text,
    message          text NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('step', 'job')),
    cause_id         text COLLATE "C",
    wait_id          text COLLATE "C",
    action           jsonb,
    state_before     jsonb,
    variables_before jsonb NOT NULL,
    waits_before     jsonb NOT NULL,
    created_at       timestamptz NOT NULL,
    resolved_at      timestamptz,
    resolved_by      text,
    resolution       text CHECK (resolution IN ('retried', 'cancelled'))
  );
  CREATE INDEX stratum_incidents_by_instance ON stratum_incidents (instance_id, resolved_at);
  CREATE INDEX stratum_incidents_by_root ON stratum_incidents (root_id);
  CREATE INDEX stratum_incidents_by_business_key ON stratum_incidents (business_key, seq);
  CREATE INDEX stratum_incidents_by_process ON stratum_incidents (process_key, seq);
  `,
  // 3: orders, one row per order number, with the amount as entered and converted
  `
  CREATE TABLE stratum_orders (
    order_no           text COLLATE "C" NOT NULL PRIMARY KEY,
    process_key        text COLLATE "C" NOT NULL,
    instance_id        text COLLATE "C" NOT NULL REFERENCES stratum_instances (id) DEFERRABLE INITIALLY DEFERRED,
    entered            jsonb NOT NULL,
    amount             numeric NOT NULL CHECK (amount > 0),
    currency           text NOT NULL,
    reporting_amount   numeric NOT NULL,
    reporting_currency text NOT NULL,
    exchange_rate      numeric NOT NULL CHECK (exchange_rate > 0),
    rate_date          text NOT NULL CHECK (rate_date ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
    entered_by         text,
    entered_at         timestamptz NOT NULL
  );
  CREATE INDEX stratum_orders_by_instance ON stratum_orders (instance_id);
  `,
  // 4: keyset pages: every list has an index in its order; a group's rows carry the wait's createdAt
  `
  ALTER TABLE stratum_wait_groups ADD COLUMN created_at timestamptz;
  UPDATE stratum_wait_groups g SET created_at = w.created_at FROM stratum_waits w WHERE w.id = g.wait_id;
  ALTER TABLE stratum_wait_groups ALTER COLUMN created_at SET NOT NULL;
  DROP INDEX stratum_wait_groups_by_group;
  CREATE INDEX stratum_wait_groups_by_group_created ON stratum_wait_groups (grp, created_at, wait_id);
  CREATE INDEX stratum_waits_by_kind_created ON stratum_waits (kind, created_at, id);
  DROP INDEX stratum_waits_by_business_key;
  DROP INDEX stratum_waits_by_instance;
  CREATE INDEX stratum_waits_by_business_key_created ON stratum_waits (business_key, kind, created_at, id);
  CREATE INDEX stratum_waits_by_instance_created ON stratum_waits (instance_id, kind, created_at, id);

  -- instances list newest first, then by id
  DROP INDEX stratum_instances_by_created;
  DROP INDEX stratum_instances_by_business_key;
  CREATE INDEX stratum_instances_newest_first ON stratum_instances (created_at DESC, id);
  CREATE INDEX stratum_instances_by_process_newest_first ON stratum_instances (process_key, created_at DESC, id);
  CREATE INDEX stratum_instances_by_status_newest_first ON stratum_instances (status, created_at DESC, id);
  CREATE INDEX stratum_instances_by_business_key_newest_first ON stratum_instances (business_key, created_at DESC, id);
  `,
  // 5: changes to running orders (POST /api/orders/{orderNo}/changes)
  `
  CREATE TABLE stratum_order_changes (
    order_no         text NOT NULL,
    change_id        text NOT NULL,
    seq              integer NOT NULL,
    description      text NOT NULL,
    amount           text,
    reporting_amount text,
    status           text NOT NULL,
    request_hash     text NOT NULL,
    requested_by     text,
    requested_at     text NOT NULL,
    settled_at       text,
    PRIMARY KEY (order_no, change_id)
  );
  CREATE UNIQUE INDEX stratum_order_changes_by_seq ON stratum_order_changes (order_no, seq);
  `,
  // 6: DMN decisions deployed beside BPMN, versioned per decision id (the whole .dmn file kept as deployed)
  `
  CREATE TABLE stratum_decision_versions (
    decision_id   text COLLATE "C" NOT NULL,
    version       integer NOT NULL CHECK (version >= 1),
    name          text,
    file_name     text NOT NULL,
    xml           text NOT NULL,
    hash          text NOT NULL,
    deployment_id text NOT NULL,
    deployed_by   text NOT NULL,
    deployed_at   timestamptz NOT NULL,
    note          text,
    PRIMARY KEY (decision_id, version)
  );
  `,
  // 7: tasks assigned as Camunda assigns them: an assignee and candidate users beside the candidate groups
  `
  ALTER TABLE stratum_waits ADD COLUMN assignee text;
  ALTER TABLE stratum_waits ADD COLUMN candidate_users jsonb;
  CREATE INDEX stratum_waits_by_assignee_created ON stratum_waits (assignee, created_at, id);
  `,
  // 8: order lists: newest entered first, by customer name as entered
  `
  CREATE INDEX stratum_orders_newest_first ON stratum_orders (entered_at DESC, order_no);
  CREATE INDEX stratum_orders_by_customer ON stratum_orders ((entered->'customer'->>'name'), entered_at DESC, order_no);
  `,
  // 9: the order events outbox and webhook deliveries (issue 13, item 2)
  `
  CREATE TABLE stratum_order_events (
    seq      bigserial PRIMARY KEY,
    id       TEXT NOT NULL UNIQUE,
    order_no TEXT NOT NULL,
    type     TEXT NOT NULL,
    status   TEXT NOT NULL,
    at       TEXT NOT NULL,
    payload  TEXT NOT NULL
  );
  CREATE INDEX stratum_order_events_by_order ON stratum_order_events (order_no, seq);
  CREATE TABLE stratum_webhook_subscriptions (
    id         TEXT NOT NULL PRIMARY KEY,
    url        TEXT NOT NULL,
    secret     TEXT NOT NULL,
    types      TEXT NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('api', 'config')),
    fanned_out bigint NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT
  );
  CREATE TABLE stratum_webhook_deliveries (
    id              TEXT NOT NULL PRIMARY KEY,
    subscription_id TEXT NOT NULL REFERENCES stratum_webhook_subscriptions (id),
    event_seq       bigint NOT NULL REFERENCES stratum_order_events (seq),
    order_no        TEXT NOT NULL,
    status          TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    attempts        integer NOT NULL,
    next_attempt_at TEXT NOT NULL,
    dead_after      TEXT NOT NULL,
    lease_owner     TEXT,
    lease_until     TEXT,
    last_status     integer,
    last_error      TEXT,
    created_at      TEXT NOT NULL,
    delivered_at    TEXT,
    UNIQUE (subscription_id, event_seq)
  );
  CREATE INDEX stratum_webhook_deliveries_due ON stratum_webhook_deliveries (status, next_attempt_at);
  CREATE INDEX stratum_webhook_deliveries_by_order ON stratum_webhook_deliveries (subscription_id, order_no, status, event_seq);
  CREATE INDEX stratum_webhook_deliveries_by_subscription ON stratum_webhook_deliveries (subscription_id, status, event_seq);
  CREATE TABLE stratum_webhook_attempts (
    seq         bigserial PRIMARY KEY,
    delivery_id TEXT NOT NULL REFERENCES stratum_webhook_deliveries (id),
    at          TEXT NOT NULL,
    duration_ms integer NOT NULL,
    status_code integer,
    error       TEXT
  );
  CREATE INDEX stratum_webhook_attempts_by_delivery ON stratum_webhook_attempts (delivery_id, seq);
  `,
  // 10: an incident keeps why the runtime refused the step (IncidentReason, as the instance's incident has it); older rows have none
  `
  ALTER TABLE stratum_incidents ADD COLUMN reason jsonb;
  `,
  // 11: whether a job's retries were set (by a failure or an operator) or are still its declared count: Camunda 7
  // shows none until then. A stored job that failed, or whose retries its history says an operator set, has them set.
  `
  ALTER TABLE stratum_waits ADD COLUMN job_retries_set boolean NOT NULL DEFAULT false;
  UPDATE stratum_waits w SET job_retries_set = true
    WHERE w.kind = 'job'
      AND (w.job_error IS NOT NULL OR EXISTS (SELECT 1 FROM stratum_history h WHERE h.wait_id = w.id AND h.event = 'job.retries-set'));
  `,
  // 12: a task claimed by one of its candidates (Camunda's claim): who, and when. A person's tasks (assignee=me,
  // and the assigned part of mine=true) are those they hold: claimed by them, or assigned to them by the process
  // (a task the process assigns cannot be claimed by another), so the assignee's index becomes the holder's
  `
  ALTER TABLE stratum_waits ADD COLUMN claimed_by text;
  ALTER TABLE stratum_waits ADD COLUMN claimed_at timestamptz;
  DROP INDEX stratum_waits_by_assignee_created;
  CREATE INDEX stratum_waits_by_holder_created ON stratum_waits ((COALESCE(claimed_by, assignee)), created_at, id);
  `,
  // 13: one row per candidate user, like the groups' rows and carrying the wait's createdAt, so that the tasks
  // offered to a person by name (mine=true) page in order from one index; filled for the tasks open now
  `
  CREATE TABLE stratum_wait_users (
    wait_id    text COLLATE "C" NOT NULL REFERENCES stratum_waits (id) ON DELETE CASCADE,
    user_name  text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (wait_id, user_name)
  );
  CREATE INDEX stratum_wait_users_by_user_created ON stratum_wait_users (user_name, created_at, wait_id);
  INSERT INTO stratum_wait_users (wait_id, user_name, created_at)
    SELECT DISTINCT w.id, u.user_name, w.created_at FROM stratum_waits w, jsonb_array_elements_text(w.candidate_users) AS u(user_name)
    WHERE w.kind = 'task' AND jsonb_typeof(w.candidate_users) = 'array';
  `,
  // 14: the route a caller's action came by (api, camunda7, camunda8, runtime) on the entry it writes, and the route a
  // message came by (its entries, the delivery of a buffered one included, name it); null on the engine's own entries
  // and on those written before
  `
  ALTER TABLE stratum_history ADD COLUMN via text;
  ALTER TABLE stratum_messages ADD COLUMN received_via text;
  `,
  // 15: an Idempotency-Key is the caller's own: the same key from another user is another request. A key kept before
  // belongs to the user who started its instance (started_by, '' when the start named none), which is who sent it,
  // so their retries still find it and nobody else's do
  `
  ALTER TABLE stratum_idempotency ADD COLUMN caller text COLLATE "C" NOT NULL DEFAULT '';
  UPDATE stratum_idempotency k SET caller = i.started_by
    FROM stratum_instances i WHERE i.id = k.instance_id AND i.started_by IS NOT NULL;
  ALTER TABLE stratum_idempotency ALTER COLUMN caller DROP DEFAULT;
  ALTER TABLE stratum_idempotency DROP CONSTRAINT stratum_idempotency_pkey, ADD PRIMARY KEY (scope, caller, key);
  `,
  // 16: GET /api/deployments/{id} reads the versions a deployment stored
  `
  CREATE INDEX stratum_process_versions_by_deployment ON stratum_process_versions (deployment_id);
  CREATE INDEX stratum_decision_versions_by_deployment ON stratum_decision_versions (deployment_id);
  `,
  // 17: the refused attempts of every order, newest first (GET /api/audit/refused): an index over the refused events
  // alone, which a write of any other event leaves untouched; built from the entries kept so far
  `
  CREATE INDEX stratum_history_refused_newest_first ON stratum_history (at DESC, seq) WHERE event LIKE '%.refused';
  `,
  // 18: a webhook subscription whose secret was replaced keeps the previous one until its grace period ends:
  // deliveries are signed with both meanwhile (Standard Webhooks' several signatures); none before
  `
  ALTER TABLE stratum_webhook_subscriptions ADD COLUMN previous_secret TEXT, ADD COLUMN previous_secret_until TEXT;
  `,
  // 19: who created, replaced or deleted a webhook subscription, when, and what changed (never a secret, a
  // fingerprint of it); kept after the subscription is deleted (no foreign key). None before.
  `
  CREATE TABLE stratum_webhook_subscription_changes (
    seq             bigserial PRIMARY KEY,
    subscription_id TEXT NOT NULL,
    at              TEXT NOT NULL,
    actor           TEXT,
    action          TEXT NOT NULL CHECK (action IN ('created', 'replaced', 'deleted', 'refused')),
    source          TEXT NOT NULL CHECK (source IN ('api', 'config')),
    data            TEXT NOT NULL
  );
  CREATE INDEX stratum_webhook_subscription_changes_by_subscription ON stratum_webhook_subscription_changes (subscription_id, seq);
  `,
  // 20: the open incidents (GET /api/incidents, Camunda 7's incident list and count, Camunda 8's ACTIVE search) from
  // indexes over the open ones alone, in each list order: read by seq or by id from the whole table, a list of five
  // open incidents walked every resolved one recorded before them (a second at 100,000); the queries repeat the
  // predicate (`resolved_at IS NULL`) as the planners need to use a partial index
  `
  CREATE INDEX stratum_incidents_open ON stratum_incidents (seq) WHERE resolved_at IS NULL;
  CREATE INDEX stratum_incidents_open_by_id ON stratum_incidents (id) WHERE resolved_at IS NULL;
  CREATE INDEX stratum_incidents_open_by_process ON stratum_incidents (process_key, seq) WHERE resolved_at IS NULL;
  `,
];
