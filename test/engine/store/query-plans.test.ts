// The list queries stay cheap at 100,000 waiting orders: each page comes from
// an index in list order (no full scan, no sort of every matching row), on
// SQLite and on PostgreSQL. The rows are inserted directly so the test runs in
// seconds; the queries are the ones the stores run (filters.ts builds both).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failedCallerSelect } from '../../../engine/store/caller-chain.js';
import { instanceSelect, waitCount, waitSelect } from '../../../engine/store/filters.js';
import type { Placeholder } from '../../../engine/store/placeholder.js';
import { incidentSelect } from '../../../engine/store/message-incident-rows.js';
import { orderSelect } from '../../../engine/store/order-filter.js';
import { openStore } from '../../../engine/store/open.js';
import { refusedSelect } from '../../../engine/store/refused-filter.js';
import { PostgresStore, numberedPlaceholder, DEPLOYMENT_DECISIONS as POSTGRES_DEPLOYMENT_DECISIONS, DEPLOYMENT_VERSIONS as POSTGRES_DEPLOYMENT_VERSIONS, GET_IDEMPOTENCY as POSTGRES_GET_IDEMPOTENCY, LOCK_JOBS as POSTGRES_LOCK_JOBS, LOCK_ORDER_JOBS as POSTGRES_LOCK_ORDER_JOBS, LOCK_ONE_JOB as POSTGRES_LOCK_ONE_JOB, WAIT_TABLES as POSTGRES_WAIT_TABLES, POSTGRES_ORDER_TABLES, POSTGRES_REFUSED_TABLES } from '../../../engine/store/postgres.js';
import { INSTANCE_COLUMNS, WAIT_COLUMNS_OF_W } from '../../../engine/store/records.js';
import { anonymous, DEPLOYMENT_DECISIONS as SQLITE_DEPLOYMENT_DECISIONS, DEPLOYMENT_VERSIONS as SQLITE_DEPLOYMENT_VERSIONS, GET_IDEMPOTENCY as SQLITE_GET_IDEMPOTENCY, LOCK_JOBS as SQLITE_LOCK_JOBS, LOCK_ORDER_JOBS as SQLITE_LOCK_ORDER_JOBS, LOCK_ONE_JOB as SQLITE_LOCK_ONE_JOB, WAIT_TABLES as SQLITE_WAIT_TABLES, SQLITE_REFUSED_TABLES, sqliteOrderSelect, type SqliteStore } from '../../../engine/store/sqlite.js';
import type { IncidentFilter, InstanceFilter, OrderFilter, RefusedFilter, Store, WaitFilter } from '../../../engine/store/types.js';
import { describePostgres, freshSchema, inSchema, postgresAdmin } from '../../support/postgres.js';
import { versionRow } from './store-contract.js';

const ORDERS = 100_000;
/** Process versions, and as many decision versions, of a large library, stored by DEPLOYMENTS deployments. */
const LIBRARY_VERSIONS = 10_000;
const DEPLOYMENTS = 1_000;
const deploymentOf = (i: number) => `deployment-${i % DEPLOYMENTS}`;
const T0 = Date.parse('2026-03-01T08:00:00.000Z');
/** The i-th order's instant: 10 ms apart, and every 7th shares its instant with the one before (ties by id). */
const createdAt = (i: number) => new Date(T0 + (i - (i % 7 === 0 ? 1 : 0)) * 10).toISOString();
const MIDDLE = { createdAt: createdAt(ORDERS / 2), id: `i${ORDERS / 2}` };
const PAGE = 101; // a page of 100 and one row to tell whether another follows
/** A worker's poll for shipping jobs (every order has one). */
const LOCK_JOBS_PARAMETERS = { type: 'shipping', workerId: 'w', now: createdAt(ORDERS), lockExpiresAt: createdAt(ORDERS + 1), max: 10, businessKey: null };
/** Every 1,000th order also waits for customs clearance: a rare type among 100,000 shipping jobs. */
const hasCustoms = (i: number) => i % 1000 === 0;
/** A worker's poll for customs jobs, the oldest of which wait behind 1,000 shipping jobs, the newest behind 100,000. */
const RARE_LOCK_JOBS_PARAMETERS = { ...LOCK_JOBS_PARAMETERS, type: 'customs' };
/** A Camunda 7 worker's poll limited to one order (fetchAndLock's `businessKey`), the newest among 100,000. */
const ORDER_LOCK_JOBS_PARAMETERS = { ...LOCK_JOBS_PARAMETERS, businessKey: `SO-${ORDERS - 1}` };
/** A Camunda 7 worker's lock of one task by its id (POST …/external-task/{id}/lock), of the newest order. */
const ONE_JOB_LOCK_PARAMETERS = { ...LOCK_JOBS_PARAMETERS, max: 1, jobId: `j${ORDERS - 2}` };
const NEWEST = { by: 'seq', descending: true } as const;
/** Every order was started with an Idempotency-Key, by one of two callers; a retry looks its own key up. */
const idempotencyCallerOf = (i: number) => (i % 2 === 0 ? 'erp' : 'crm');
const IDEMPOTENCY_LOOKUP = ['start:order-to-cash', idempotencyCallerOf(ORDERS / 2), `key-${ORDERS / 2}`];

/**
 * `sqliteIndex`: the index SQLite must search (it keeps no statistics, so the test names the right one).
 * `postgresIndexes`: PostgreSQL reads from indexes of this name alone (the partial indexes over the open incidents),
 * where another index in list order would pass the other checks but walk every row its filter drops (the resolved
 * incidents among the open ones); it may sort what they hold, the open incidents alone.
 * `sortsItsRows`: the index finds only the rows of one instance or order (a few), which are then sorted.
 */
type Query = { name: string; sqliteIndex: string; postgresIndexes?: string; sortsItsRows?: true }
  & ({ kind: 'waits'; filter: WaitFilter } | { kind: 'instances'; filter: InstanceFilter } | { kind: 'incidents'; filter: IncidentFilter });

/** The pages a client asks for: the first and a deep one of each list the API offers. */
const QUERIES: Query[] = [
  { name: "a group's tasks, first page", sqliteIndex: 'wait_groups_by_group_created', kind: 'waits', filter: { kind: 'task', candidateGroup: 'vice-president', limit: PAGE } },
  { name: "a group's tasks, page in the middle", sqliteIndex: 'wait_groups_by_group_created', kind: 'waits', filter: { kind: 'task', candidateGroup: 'vice-president', limit: PAGE, after: MIDDLE } },
  { name: "a rare group's tasks", sqliteIndex: 'wait_groups_by_group_created', kind: 'waits', filter: { kind: 'task', candidateGroup: 'inspection', limit: PAGE } },
  { name: 'all tasks, page in the middle', sqliteIndex: 'waits_by_kind_created', kind: 'waits', filter: { kind: 'task', limit: PAGE, after: MIDDLE } },
  { name: "an order's tasks", sqliteIndex: 'waits_by_business_key_created', kind: 'waits', filter: { kind: 'task', businessKey: `SO-${ORDERS / 2}`, limit: PAGE } },
  // the task list's Order filter (GET /api/tasks?mine=true&businessKey=) asks each of the caller's groups: the order narrows, not the group
  { name: "a group's tasks of one order", sqliteIndex: 'waits_by_business_key_created', kind: 'waits', filter: { kind: 'task', candidateGroup: 'vice-president', businessKey: `SO-${ORDERS / 2}`, limit: PAGE } },
  // GET /api/tasks?assignee=me, and the assigned part of mine=true: assigned by the process or claimed, a person's few
  { name: "a person's assigned and claimed tasks", sqliteIndex: 'waits_by_holder_created', kind: 'waits', filter: { kind: 'task', assignee: 'dana', limit: PAGE } },
  // a decision (or a change request) lets go of the decider's claims that four eyes now refuses them: their claims in the order
  { name: "a person's claimed tasks in one order", sqliteIndex: 'waits_by_business_key_created', kind: 'waits', filter: { kind: 'task', businessKey: `SO-${ORDERS / 2}`, assignee: 'dana' } },
  { name: "a person's claimed tasks in one call tree", sqliteIndex: 'waits_by_holder_created', kind: 'waits', filter: { kind: 'task', rootId: `i${ORDERS / 2}`, assignee: 'dana' } },
  // the offered part of mine=true: tasks offered to a person by name (Camunda's candidateUsers), less those others claimed
  { name: "a person's offered tasks, first page", sqliteIndex: 'wait_users_by_user_created', kind: 'waits', filter: { kind: 'task', candidateUser: 'bo', unclaimedOrClaimedBy: 'bo', limit: PAGE } },
  { name: "a person's offered tasks, page in the middle", sqliteIndex: 'wait_users_by_user_created', kind: 'waits', filter: { kind: 'task', candidateUser: 'bo', unclaimedOrClaimedBy: 'bo', limit: PAGE, after: MIDDLE } },
  { name: "an instance's tasks", sqliteIndex: 'waits_by_instance_created', kind: 'waits', filter: { kind: 'task', instanceId: `i${ORDERS / 2}`, limit: PAGE } },
  { name: "a group's tasks of one instance", sqliteIndex: 'waits_by_instance_created', kind: 'waits', filter: { kind: 'task', candidateGroup: 'vice-president', instanceId: `i${ORDERS / 2}`, limit: PAGE } },
  { name: 'instances, first page', sqliteIndex: 'instances_newest_first', kind: 'instances', filter: { limit: PAGE } },
  { name: 'instances, page in the middle', sqliteIndex: 'instances_newest_first', kind: 'instances', filter: { limit: PAGE, after: MIDDLE } },
  { name: 'running instances, page in the middle', sqliteIndex: 'instances_by_status_newest_first', kind: 'instances', filter: { status: 'running', limit: PAGE, after: MIDDLE } },
  { name: 'completed instances (few)', sqliteIndex: 'instances_by_status_newest_first', kind: 'instances', filter: { status: 'completed', limit: PAGE } },
  { name: "a process's instances, page in the middle", sqliteIndex: 'instances_by_process_newest_first', kind: 'instances', filter: { processKey: 'order-to-cash', limit: PAGE, after: MIDDLE } },
  { name: "an order's instances", sqliteIndex: 'instances_by_business_key_newest_first', kind: 'instances', filter: { businessKey: `SO-${ORDERS / 2}`, limit: PAGE } },
  // GET /api/tasks?mine=true marks what four eyes would refuse the caller: the instances of the page's orders, in one query
  { name: "the instances of a page's orders", sqliteIndex: 'instances_by_business_key_newest_first', kind: 'instances', filter: { businessKeys: Array.from({ length: 50 }, (_, n) => `SO-${ORDERS / 2 + n * 997}`) }, sortsItsRows: true },
  // a message with a messageId: the running order it names, whose history says whether it took that id already
  { name: "an order's running root", sqliteIndex: 'instances_by_business_key_newest_first', kind: 'instances', filter: { businessKey: `SO-${ORDERS / 2}`, rootOnly: true, status: 'running' } },
  // Camunda 8's incident search (one incident per order here): newest first and by key, both from an index in that order
  { name: 'incidents newest first, page in the middle', sqliteIndex: 'INTEGER PRIMARY KEY', kind: 'incidents', filter: { order: NEWEST, afterSeq: ORDERS / 2, limit: PAGE } },
  { name: "a process's incidents newest first, page in the middle", sqliteIndex: 'incidents_by_process', kind: 'incidents', filter: { processKey: 'order-to-cash', order: NEWEST, afterSeq: ORDERS / 2, limit: PAGE } },
  { name: 'incidents by key descending, page in the middle', sqliteIndex: 'sqlite_autoindex_incidents_1', kind: 'incidents', filter: { order: { by: 'id', descending: true }, afterId: `inc-${ORDERS / 2}`, limit: PAGE } },
  { name: 'incidents by key, first page', sqliteIndex: 'sqlite_autoindex_incidents_1', kind: 'incidents', filter: { order: { by: 'id', descending: false }, limit: PAGE } },
  { name: "an order's incidents newest first", sqliteIndex: 'incidents_by_root', kind: 'incidents', filter: { rootId: `i${ORDERS / 2}`, order: NEWEST, limit: PAGE }, sortsItsRows: true },
  { name: "a called instance's incidents and its callees'", sqliteIndex: 'incidents_by_instance', kind: 'incidents', filter: { instanceIds: [`i${ORDERS / 2}`, `i${ORDERS / 2 + 1}`], order: NEWEST, limit: PAGE }, sortsItsRows: true },
  // the open incidents (GET /api/incidents, Camunda 7's list, Camunda 8's ACTIVE search): one in 1,000, recorded after
  // and among the resolved ones, read from the index over the open ones alone, never walking the resolved
  { name: 'open incidents, first page', sqliteIndex: 'incidents_open', postgresIndexes: 'stratum_incidents_open', kind: 'incidents', filter: { open: true, limit: PAGE } },
  { name: 'open incidents, page in the middle', sqliteIndex: 'incidents_open', postgresIndexes: 'stratum_incidents_open', kind: 'incidents', filter: { open: true, afterSeq: ORDERS / 2, limit: PAGE } },
  { name: 'open incidents newest first', sqliteIndex: 'incidents_open', postgresIndexes: 'stratum_incidents_open', kind: 'incidents', filter: { open: true, order: NEWEST, limit: PAGE } },
  { name: "a process's open incidents", sqliteIndex: 'incidents_open_by_process', postgresIndexes: 'stratum_incidents_open', kind: 'incidents', filter: { open: true, processKey: 'order-to-cash', limit: PAGE } },
  { name: 'open incidents by key descending', sqliteIndex: 'incidents_open_by_id', postgresIndexes: 'stratum_incidents_open', kind: 'incidents', filter: { open: true, order: { by: 'id', descending: true }, limit: PAGE } },
  // Camunda 7's incidentType and activityId: filtered among the open ones
  { name: 'open job incidents at one element', sqliteIndex: 'incidents_open', postgresIndexes: 'stratum_incidents_open', kind: 'incidents', filter: { open: true, kind: 'job', elementId: 'Ship', limit: PAGE } },
];

/** bo is in both groups and offered every 10th task by name; ivy only inspects (every 1,000th task). */
const BO = { name: 'bo', groups: ['vice-president', 'inspection'] };
const IVY = { name: 'ivy', groups: ['inspection'] };
/**
 * A person's own list (GET /api/tasks?mine=true, Camunda 7's list, count and read, Camunda 8's search): one query, the
 * union of one part per group, one for what is offered by name and one for what they hold, each from its own index
 * (`parts`, in order), each task then read by primary key; SQLite sorts each part's page (at most PAGE rows) to merge
 * them, never every row of a group. A count reads each part whole, from the same indexes.
 */
const LIST_QUERIES: { name: string; filter: WaitFilter; parts: string[]; count?: true }[] = [
  { name: "a person's own list, first page", filter: { kind: 'task', inListOf: BO, limit: PAGE }, parts: ['wait_groups_by_group_created', 'wait_groups_by_group_created', 'wait_users_by_user_created', 'waits_by_holder_created'] },
  { name: "a person's own list, page in the middle", filter: { kind: 'task', inListOf: BO, limit: PAGE, after: MIDDLE }, parts: ['wait_groups_by_group_created', 'wait_groups_by_group_created', 'wait_users_by_user_created', 'waits_by_holder_created'] },
  { name: "a person's own list in one of their groups", filter: { kind: 'task', inListOf: BO, candidateGroup: 'inspection', limit: PAGE }, parts: ['wait_groups_by_group_created'] },
  { name: "a person's own list within one order", filter: { kind: 'task', inListOf: BO, businessKey: `SO-${ORDERS / 2}`, limit: PAGE }, parts: Array.from({ length: 4 }, () => 'waits_by_business_key_created') },
  { name: "one task of a person's own list (Camunda's read of one)", filter: { kind: 'task', inListOf: BO, id: `t${ORDERS / 2}`, limit: 1 }, parts: Array.from({ length: 4 }, () => 'sqlite_autoindex_waits_1') },
  { name: "the count of a rare group's member's own list", filter: { kind: 'task', inListOf: IVY }, parts: ['wait_groups_by_group_created', 'wait_users_by_user_created', 'waits_by_holder_created'], count: true },
  // Camunda 7's candidateGroup and candidateUser (only the tasks nobody holds): each part from its own index as above
  { name: "the tasks nobody holds in one of a person's groups", filter: { kind: 'task', inListOf: BO, candidateGroup: 'vice-president', assigned: false, limit: PAGE, after: MIDDLE }, parts: ['wait_groups_by_group_created'] },
  { name: "the count of the tasks nobody holds in a rare group's member's own list", filter: { kind: 'task', inListOf: IVY, assigned: false }, parts: ['wait_groups_by_group_created', 'wait_users_by_user_created', 'waits_by_holder_created'], count: true },
  { name: "the tasks nobody holds in a person's own list within one order", filter: { kind: 'task', inListOf: BO, businessKey: `SO-${ORDERS / 2}`, assigned: false, limit: PAGE }, parts: Array.from({ length: 4 }, () => 'waits_by_business_key_created') },
  // Camunda 8's candidateUser (the caller's own name) and candidateGroup {$in: […]}: the part offered by name alone,
  // or one part per group of theirs among those asked for, each from its own index
  { name: "what is offered to a person by name in their own list", filter: { kind: 'task', inListOf: BO, candidateUser: 'bo', limit: PAGE, after: MIDDLE }, parts: ['wait_users_by_user_created'] },
  { name: "a person's own list in any of several groups", filter: { kind: 'task', inListOf: BO, candidateGroups: ['inspection', 'vice-president', 'sales-director'], limit: PAGE }, parts: ['wait_groups_by_group_created', 'wait_groups_by_group_created'] },
  { name: "the count of a person's own list in any of several groups (one of them theirs), nobody holding them", filter: { kind: 'task', inListOf: BO, candidateGroups: ['inspection', 'sales-director'], assigned: false }, parts: ['wait_groups_by_group_created'], count: true },
];

/** Every order's history starts with its instance.started; every 100th order also kept a refused task completion. */
const hasRefusal = (i: number) => i % 100 === 0;
/** Who was refused at order i, and why: dirk at every 300th, vera at the others. */
const refusedActorOf = (i: number) => (i % 300 === 0 ? 'dirk' : 'vera');
const refusedReasonOf = (i: number) => (i % 300 === 0 ? 'four-eyes-starter' : 'not-offered');
/**
 * GET /api/audit/refused: the first page and a deep one, and each filter, from the partial index over the refused
 * events in list order. `sortsItsRows`: PostgreSQL may read the partial index's few entries a filter matches and
 * sort them. `byOrder`: one order's entries are read from its instances' own history (by key, by root), then sorted.
 */
const REFUSED_QUERIES: { name: string; filter: RefusedFilter; sortsItsRows?: true; byOrder?: true }[] = [
  { name: 'every refused attempt, first page', filter: { limit: PAGE } },
  { name: 'every refused attempt, page in the middle', filter: { limit: PAGE, after: { createdAt: createdAt(ORDERS / 2), id: '150000' } } },
  { name: "one user's refused attempts", filter: { actor: 'dirk', limit: PAGE }, sortsItsRows: true },
  { name: 'the refused attempts of one reason and event', filter: { event: 'task.refused', reason: 'four-eyes-starter', limit: PAGE }, sortsItsRows: true },
  { name: "one order's refused attempts", filter: { businessKey: `SO-${ORDERS / 2}`, limit: PAGE }, byOrder: true },
  { name: 'the refused attempts of a week', filter: { since: createdAt(ORDERS / 4), until: createdAt(ORDERS / 2), limit: PAGE } },
];

/**
 * GET /api/orders (every order i is SO-i, entered when its instance was created, every 50th completed): each page
 * from the orders' index in list order, also of a root status most orders have (running: a status the list derives
 * pages through up to ten pages' worth); a rare one (completed, as fulfilled) from its few instances, then sorted.
 * `sqliteIndex` as above: SQLite counts the status's instances first (sqliteOrderSelect), as the store does.
 */
const ORDER_QUERIES: { name: string; filter: OrderFilter; sqliteIndex: string; sortsItsRows?: true }[] = [
  { name: 'orders, first page', filter: { limit: PAGE }, sqliteIndex: 'orders_newest_first' },
  { name: 'running orders, first page', filter: { rootStatuses: ['running'], limit: PAGE }, sqliteIndex: 'orders_newest_first' },
  { name: 'running orders, page in the middle', filter: { rootStatuses: ['running'], limit: PAGE, after: { createdAt: MIDDLE.createdAt, id: `SO-${ORDERS / 2}` } }, sqliteIndex: 'orders_newest_first' },
  { name: "a customer's running orders", filter: { rootStatuses: ['running'], customerName: 'ACME', limit: PAGE }, sqliteIndex: 'orders_by_customer' },
  { name: 'fulfilled orders (few)', filter: { rootStatuses: ['completed'], limit: PAGE }, sqliteIndex: 'instances_by_status_newest_first', sortsItsRows: true },
];

/** GET /api/tasks?held=false: each task it passes asks, cheap answers first, whether a failed instance holds it. */
const ACTIONABLE_TASKS: Query = { name: "a group's tasks one can act on now", sqliteIndex: 'wait_groups_by_group_created', kind: 'waits', filter: { kind: 'task', candidateGroup: 'vice-president', held: false, limit: PAGE } };

function sqlOf(query: Query, placeholder: Placeholder, dialect: 'sqlite' | 'postgres'): { text: string; parameters: unknown[] } {
  if (query.kind === 'waits') {
    return waitSelect(query.filter, placeholder, dialect === 'sqlite' ? SQLITE_WAIT_TABLES : POSTGRES_WAIT_TABLES, WAIT_COLUMNS_OF_W);
  }
  if (query.kind === 'incidents') return incidentSelect(query.filter, placeholder, dialect === 'sqlite' ? 'incidents' : 'stratum_incidents', dialect === 'sqlite' ? -1 : null);
  const table = dialect === 'sqlite' ? 'instances' : 'stratum_instances';
  return instanceSelect(query.filter, placeholder, table, INSTANCE_COLUMNS, dialect === 'sqlite' ? -1 : null);
}

/** Order i: an instance SO-i waiting at a vice-president task; every 1,000th also at inspection; every 50th completed. */
const groupsOf = (i: number) => (i % 1000 === 0 ? ['vice-president', 'inspection'] : ['vice-president']);
/** Every 10th task is also offered to bo by name. */
const usersOf = (i: number) => (i % 10 === 0 ? ['bo'] : []);
const statusOf = (i: number) => (i % 50 === 0 ? 'completed' : 'running');
/** Order i's incident: every 10th in another process. */
const processOf = (i: number) => (i % 10 === 0 ? 'credit-order-approval' : 'order-to-cash');
/** Order i's incident is still open for every 1,000th order; the others were retried. */
const incidentOpen = (i: number) => i % 1000 === 0;

async function expectPagesInOrder(store: Store): Promise<void> {
  const first = await store.read((tx) => tx.findWaits({ kind: 'task', candidateGroup: 'vice-president', limit: PAGE }));
  const middle = await store.read((tx) => tx.findWaits({ kind: 'task', candidateGroup: 'vice-president', limit: PAGE, after: MIDDLE }));
  const instances = await store.read((tx) => tx.findInstances({ status: 'running', limit: PAGE, after: MIDDLE }));
  expect(first.map((row) => row.id).slice(0, 2)).toEqual(['t1', 't2']);
  expect(middle).toHaveLength(PAGE);
  expect(middle[0].createdAt >= MIDDLE.createdAt).toBe(true);
  expect(instances).toHaveLength(PAGE);
  expect(instances.every((row) => row.createdAt <= MIDDLE.createdAt && row.status === 'running')).toBe(true);
  // how fast they are is the benchmarks' to say (the waiting bench's page p99); the plans above are what holds it here
}

async function expectOwnListPages(store: Store): Promise<void> {
  // every task is the vice-president's: bo's list is that group's, the tasks offered to him by name among them once
  const page = await store.read((tx) => tx.findWaits({ kind: 'task', inListOf: BO, limit: PAGE, after: MIDDLE }));
  const group = await store.read((tx) => tx.findWaits({ kind: 'task', candidateGroup: 'vice-president', limit: PAGE, after: MIDDLE }));
  expect(page.map((row) => row.id)).toEqual(group.map((row) => row.id));
  expect(page.map((row) => row.id).slice(0, 3)).toEqual([`t${ORDERS / 2}`, `t${ORDERS / 2 + 1}`, `t${ORDERS / 2 + 2}`]);
  expect(await store.read((tx) => tx.countWaits({ kind: 'task', inListOf: IVY }))).toBe(ORDERS / 1000);
  expect(await store.read((tx) => tx.countWaits({ kind: 'task', inListOf: { name: 'bo', groups: [] } }))).toBe(ORDERS / 10);
  // nobody holds any of them: Camunda 7's candidate lists (assigned: false) are the same list, and its assigned=true finds none
  const unheld = await store.read((tx) => tx.findWaits({ kind: 'task', inListOf: BO, candidateGroup: 'vice-president', assigned: false, limit: PAGE, after: MIDDLE }));
  expect(unheld.map((row) => row.id)).toEqual(group.map((row) => row.id));
  expect(await store.read((tx) => tx.countWaits({ kind: 'task', inListOf: IVY, assigned: false }))).toBe(ORDERS / 1000);
  expect(await store.read((tx) => tx.countWaits({ kind: 'task', inListOf: IVY, assigned: true }))).toBe(0);
}

async function expectOrderPages(store: Store): Promise<void> {
  const numbers = async (filter: OrderFilter) => (await store.read((tx) => tx.findOrders(filter))).map((row) => row.orderNo);
  // newest entered first; every 50th order is completed (SO-100000), and SO-99995 shares its instant with SO-99994 (ties by number)
  expect(await numbers({ rootStatuses: ['running'], limit: 6 })).toEqual(['SO-99999', 'SO-99998', 'SO-99997', 'SO-99996', 'SO-99994', 'SO-99995']);
  expect(await numbers({ rootStatuses: ['running'], limit: 2, after: { createdAt: createdAt(99_951), id: 'SO-99951' } })).toEqual(['SO-99949', 'SO-99948']);
  expect(await numbers({ rootStatuses: ['completed'], limit: 2 })).toEqual(['SO-100000', 'SO-99950']);
}

async function expectRefusedPages(store: Store): Promise<void> {
  const first = await store.read((tx) => tx.findRefused({ limit: PAGE }));
  const dirk = await store.read((tx) => tx.findRefused({ actor: 'dirk', limit: 1000 }));
  expect(first).toHaveLength(PAGE);
  expect(first.slice(0, 2).map((row) => [row.event, row.businessKey])).toEqual([['task.refused', `SO-${ORDERS}`], ['task.refused', `SO-${ORDERS - 100}`]]);
  expect(dirk).toHaveLength(Math.floor(ORDERS / 300));
  expect(dirk.every((row) => row.actor === 'dirk' && row.data?.reason === 'four-eyes-starter')).toBe(true);
}

describe(`SQLite query plans at ${ORDERS.toLocaleString('en')} waiting orders`, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'stratum-plans-'));
  let store: SqliteStore;
  let db: Database.Database;

  beforeAll(async () => {
    store = (await openStore({ dataDir })) as SqliteStore;
    await store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
    db = new Database(join(dataDir, 'stratum.db'));
    const instance = db.prepare(
      `INSERT INTO instances (id, process_key, version, business_key, root_id, status, variables, revision, created_at, updated_at)
       VALUES (?, 'order-to-cash', 1, ?, ?, ?, '{}', 1, ?, ?)`,
    );
    const wait = db.prepare(
      `INSERT INTO waits (id, instance_id, root_id, business_key, kind, element_id, execution_id, candidate_groups, candidate_users, created_at)
       VALUES (?, ?, ?, ?, 'task', 'Approve', ?, ?, ?, ?)`,
    );
    const group = db.prepare('INSERT INTO wait_groups (wait_id, grp, created_at) VALUES (?, ?, ?)');
    const user = db.prepare('INSERT INTO wait_users (wait_id, user_name, created_at) VALUES (?, ?, ?)');
    const job = db.prepare(
      `INSERT INTO waits (id, instance_id, root_id, business_key, kind, element_id, execution_id, job_type, job_retries, created_at)
       VALUES (?, ?, ?, ?, 'job', 'Ship', ?, 'shipping', 3, ?)`,
    );
    const customs = db.prepare(
      `INSERT INTO waits (id, instance_id, root_id, business_key, kind, element_id, execution_id, job_type, job_retries, created_at)
       VALUES (?, ?, ?, ?, 'job', 'Clear', ?, 'customs', 3, ?)`,
    );
    const incident = db.prepare(
      `INSERT INTO incidents (id, instance_id, root_id, process_key, business_key, element_id, message, kind, variables_before, waits_before, created_at, resolved_at, resolution)
       VALUES (?, ?, ?, ?, ?, 'Approve', 'failed', 'step', '{}', '[]', ?, ?, ?)`,
    );
    const idempotency = db.prepare(
      `INSERT INTO idempotency (scope, caller, key, request_hash, instance_id, created_at) VALUES ('start:order-to-cash', ?, ?, 'h', ?, ?)`,
    );
    const processVersion = db.prepare(
      `INSERT INTO process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note) VALUES (?, ?, null, '<x/>', 'h', '[]', ?, 'dora', ?, null)`,
    );
    const history = db.prepare('INSERT INTO history (instance_id, at, actor, event, data, via) VALUES (?, ?, ?, ?, ?, ?)');
    const order = db.prepare(
      `INSERT INTO orders (order_no, process_key, instance_id, entered, amount, currency, reporting_amount, reporting_currency, exchange_rate, rate_date, entered_by, entered_at)
       VALUES (?, 'order-to-cash', ?, ?, '1', 'EUR', '8.25', 'CNY', '8.245', '2026-01-02', 'erp', ?)`,
    );
    const decisionVersion = db.prepare(
      `INSERT INTO decision_versions (decision_id, version, name, file_name, xml, hash, deployment_id, deployed_by, deployed_at, note) VALUES (?, ?, null, 'd.dmn', '<x/>', 'h', ?, 'dora', ?, null)`,
    );
    db.transaction(() => {
      for (let i = 1; i <= LIBRARY_VERSIONS; i++) {
        processVersion.run(`p${i % 100}`, 1 + Math.floor(i / 100), deploymentOf(i), createdAt(i));
        decisionVersion.run(`d${i % 100}`, 1 + Math.floor(i / 100), deploymentOf(i), createdAt(i));
      }
      for (let i = 1; i <= ORDERS; i++) {
        const at = createdAt(i);
        instance.run(`i${i}`, `SO-${i}`, `i${i}`, statusOf(i), at, at);
        wait.run(`t${i}`, `i${i}`, `i${i}`, `SO-${i}`, `e${i}`, JSON.stringify(groupsOf(i)), usersOf(i).length ? JSON.stringify(usersOf(i)) : null, at);
        for (const grp of groupsOf(i)) group.run(`t${i}`, grp, at);
        for (const name of usersOf(i)) user.run(`t${i}`, name, at);
        job.run(`j${i}`, `i${i}`, `i${i}`, `SO-${i}`, `x${i}`, at);
        if (hasCustoms(i)) customs.run(`c${i}`, `i${i}`, `i${i}`, `SO-${i}`, `y${i}`, at);
        incident.run(`inc-${i}`, `i${i}`, `i${i}`, processOf(i), `SO-${i}`, at, incidentOpen(i) ? null : at, incidentOpen(i) ? null : 'retried');
        idempotency.run(idempotencyCallerOf(i), `key-${i}`, `i${i}`, at);
        history.run(`i${i}`, at, 'erp', 'instance.started', '{}', 'api');
        order.run(`SO-${i}`, `i${i}`, JSON.stringify({ orderNo: `SO-${i}`, customer: { name: i % 10 === 0 ? 'ACME' : 'Lager AG' } }), at);
        if (hasRefusal(i)) history.run(`i${i}`, at, refusedActorOf(i), 'task.refused', JSON.stringify({ reason: refusedReasonOf(i), refusal: 'refused' }), 'api');
      }
    })();
  }, 60_000);

  afterAll(async () => {
    db?.close();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  for (const query of QUERIES) {
    it(`reads ${query.name} from an index in list order`, () => {
      const { text, parameters } = sqlOf(query, anonymous, 'sqlite');
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
      // "SCAN t" without an index reads the whole table; a temp b-tree sorts every matching row
      expect(plan.filter((detail) => /^SCAN \w+$/.test(detail) || (!query.sortsItsRows && /TEMP B-TREE/.test(detail))), plan.join('\n')).toEqual([]);
      expect(plan[0], plan.join('\n')).toMatch(new RegExp(`^(SEARCH|SCAN) \\w+ USING (COVERING )?(INDEX )?${query.sqliteIndex}\\b`));
    });
  }

  for (const query of LIST_QUERIES) {
    it(`reads ${query.name} in one query, each part from its own index`, () => {
      const { text, parameters } = query.count ? waitCount(query.filter, anonymous, SQLITE_WAIT_TABLES) : waitSelect(query.filter, anonymous, SQLITE_WAIT_TABLES, WAIT_COLUMNS_OF_W);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
      // no table read whole (`part` and `list` are the query's own few rows)
      expect(plan.filter((detail) => /^SCAN \w+$/.test(detail) && !/^SCAN (part|list)$/.test(detail)), plan.join('\n')).toEqual([]);
      // each part starts from its index; every other read of a wait is by primary key, or checks a candidate's row by its key
      const reads = plan.flatMap((detail) => /^(?:SEARCH|SCAN) \w+ USING (?:COVERING )?(?:INDEX )?(\w+)/.exec(detail)?.[1] ?? []);
      const byKey = ['sqlite_autoindex_waits_1', 'sqlite_autoindex_wait_groups_1', 'sqlite_autoindex_wait_users_1'];
      expect(reads.filter((index) => !byKey.includes(index)), plan.join('\n')).toEqual(query.parts.filter((index) => !byKey.includes(index)));
      expect(reads.every((index) => query.parts.includes(index) || byKey.includes(index)), plan.join('\n')).toBe(true);
    });
  }

  it('answers a person\'s own list among 100,000 tasks a page at a time, and counts it', () => expectOwnListPages(store));

  it('finds a caller\'s Idempotency-Key by primary key (scope, caller, key)', () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${SQLITE_GET_IDEMPOTENCY}`).all(...IDEMPOTENCY_LOOKUP) as { detail: string }[]).map((row) => row.detail);
    expect(plan, plan.join('\n')).toEqual(['SEARCH idempotency USING INDEX sqlite_autoindex_idempotency_1 (scope=? AND caller=? AND key=?)']);
    expect(db.prepare(SQLITE_GET_IDEMPOTENCY).get(...IDEMPOTENCY_LOOKUP)).toMatchObject({ instance_id: `i${ORDERS / 2}` });
  });

  it('reads the versions one deployment stored from the deployment indexes', () => {
    for (const [statement, index] of [[SQLITE_DEPLOYMENT_VERSIONS, 'process_versions_by_deployment'], [SQLITE_DEPLOYMENT_DECISIONS, 'decision_versions_by_deployment']] as const) {
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${statement}`).all(deploymentOf(500)) as { detail: string }[]).map((row) => row.detail);
      expect(plan[0], plan.join('\n')).toMatch(new RegExp(`^SEARCH \\w+ USING INDEX ${index} \\(deployment_id=\\?\\)`));
      expect(db.prepare(statement).all(deploymentOf(500))).toHaveLength(LIBRARY_VERSIONS / DEPLOYMENTS);
    }
  });

  it('finds the nearest failed caller of an instance by primary key alone (never from the status index)', () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${failedCallerSelect('instances', anonymous)}`).all(`i${ORDERS / 2}`) as { detail: string }[]).map((row) => row.detail);
    // the instance, its parent, each caller further up, and the failed one's row: every read of the table by id
    const reads = plan.filter((detail) => /^(SEARCH|SCAN) (instances|x|p)\b/.test(detail));
    expect(reads, plan.join('\n')).toHaveLength(4);
    for (const read of reads) expect(read, plan.join('\n')).toMatch(/USING INDEX sqlite_autoindex_instances_1 \(id=\?\)$/);
  });

  it('finds the jobs a worker may take from the job type\'s index, reading instances by primary key alone (never from the status index)', () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${SQLITE_LOCK_JOBS}`).all(LOCK_JOBS_PARAMETERS) as { detail: string }[]).map((row) => row.detail);
    // no table read whole (the walk's own rows, `l` and `lineage`, are a few per job)
    expect(plan.filter((detail) => /^SCAN \w+$/.test(detail) && !/^SCAN (l|lineage)$/.test(detail)), plan.join('\n')).toEqual([]);
    expect(plan.filter((detail) => /^SEARCH waits USING INDEX waits_by_job_type \(kind=\? AND job_type=\?\)$/.test(detail)), plan.join('\n')).toHaveLength(1);
    // the order's root, the job's instance, then each caller: every read of the table by id
    const reads = plan.filter((detail) => /^(SEARCH|SCAN) (instances|r|m|up)\b/.test(detail));
    expect(reads, plan.join('\n')).toHaveLength(3);
    for (const read of reads) expect(read, plan.join('\n')).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_instances_1 \(id=\?\)$/);
    // whether the order has an open incident at all: its incidents by root
    expect(plan.filter((detail) => /^SEARCH oi\b/.test(detail)), plan.join('\n')).toEqual([expect.stringMatching(/USING INDEX incidents_by_root \(root_id=\?\)$/)]);
  });

  it('reads a poll for a rare job type from that type\'s index range, not every job by kind, and hands out its oldest jobs first', async () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${SQLITE_LOCK_JOBS}`).all(RARE_LOCK_JOBS_PARAMETERS) as { detail: string }[]).map((row) => row.detail);
    const waitReads = plan.filter((detail) => /^(SEARCH|SCAN) waits\b/.test(detail) && !/\(id=\?\)$/.test(detail));
    // waits_by_kind_created read all 100,000 shipping jobs older than the newest customs job, each from the table
    expect(waitReads, plan.join('\n')).toEqual(['SEARCH waits USING INDEX waits_by_job_type (kind=? AND job_type=?)']);
    // the index yields created_at order: only the jobs of one instant are sorted (by id), never every job of the type
    expect(plan.filter((detail) => /TEMP B-TREE/.test(detail)), plan.join('\n')).toEqual(['USE TEMP B-TREE FOR LAST TERM OF ORDER BY']);
    const locked = await store.transaction((tx) => tx.lockJobs(RARE_LOCK_JOBS_PARAMETERS.type, 'w', createdAt(ORDERS), createdAt(ORDERS + 1), 10));
    expect(locked.map((job) => job.id)).toEqual(Array.from({ length: 10 }, (_, n) => `c${(n + 1) * 1000}`));
  });

  it('reads a poll limited to one order from the order\'s index, not the type\'s whole range', async () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${SQLITE_LOCK_ORDER_JOBS}`).all(ORDER_LOCK_JOBS_PARAMETERS) as { detail: string }[]).map((row) => row.detail);
    const waitReads = plan.filter((detail) => /^(SEARCH|SCAN) waits\b/.test(detail) && !/\(id=\?\)$/.test(detail));
    // `@businessKey IS NULL OR business_key = @businessKey` read every shipping job older than the order's
    expect(waitReads, plan.join('\n')).toEqual(['SEARCH waits USING INDEX waits_by_business_key_created (business_key=? AND kind=?)']);
    expect(plan.filter((detail) => /TEMP B-TREE/.test(detail)), plan.join('\n')).toEqual([]);
    const locked = await store.transaction((tx) => tx.lockJobs('shipping', 'w', createdAt(ORDERS), createdAt(ORDERS + 1), 10, ORDER_LOCK_JOBS_PARAMETERS.businessKey));
    expect(locked.map((job) => job.businessKey)).toEqual([ORDER_LOCK_JOBS_PARAMETERS.businessKey]);
  });

  it('reads a lock of one job by its id from the primary key, not the type\'s range', async () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${SQLITE_LOCK_ONE_JOB}`).all(ONE_JOB_LOCK_PARAMETERS) as { detail: string }[]).map((row) => row.detail);
    const waitReads = plan.filter((detail) => /^(SEARCH|SCAN) waits\b/.test(detail));
    expect(waitReads.length, plan.join('\n')).toBeGreaterThan(0);
    for (const read of waitReads) expect(read, plan.join('\n')).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_waits_1 \(id=\?\)$/);
    const locked = await store.transaction((tx) => tx.lockJob({ id: ONE_JOB_LOCK_PARAMETERS.jobId, jobType: 'shipping' }, 'w', createdAt(ORDERS), createdAt(ORDERS + 1)));
    expect(locked?.id).toBe(ONE_JOB_LOCK_PARAMETERS.jobId);
  });

  it('reads a group\'s tasks one can act on now (held=false) from the group\'s index, reading instances by primary key alone', () => {
    const { text, parameters } = sqlOf(ACTIONABLE_TASKS, anonymous, 'sqlite');
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
    // no table read whole (the walk's own rows, `l` and `lineage`, are a few per task), no sort of the group's tasks
    expect(plan.filter((detail) => (/^SCAN \w+$/.test(detail) && !/^SCAN (l|lineage)$/.test(detail)) || /TEMP B-TREE/.test(detail)), plan.join('\n')).toEqual([]);
    expect(plan[0], plan.join('\n')).toMatch(/^SEARCH g USING (COVERING )?INDEX wait_groups_by_group_created\b/);
    const reads = plan.filter((detail) => /^(SEARCH|SCAN) (instances|r|m|up)\b/.test(detail));
    expect(reads, plan.join('\n')).toHaveLength(3);
    for (const read of reads) expect(read, plan.join('\n')).toMatch(/USING (COVERING )?INDEX sqlite_autoindex_instances_1 \(id=\?\)$/);
    expect(plan.filter((detail) => /^SEARCH oi\b/.test(detail)), plan.join('\n')).toEqual([expect.stringMatching(/USING INDEX incidents_by_root \(root_id=\?\)$/)]);
  });

  for (const { name, filter, byOrder } of REFUSED_QUERIES) {
    it(`reads ${name} from ${byOrder ? "the order's own history" : 'the partial index over the refused events, in list order'}`, () => {
      const { text, parameters } = refusedSelect(filter, anonymous, SQLITE_REFUSED_TABLES);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
      expect(plan.filter((detail) => /^SCAN \w+$/.test(detail) || (!byOrder && /TEMP B-TREE/.test(detail))), plan.join('\n')).toEqual([]);
      if (byOrder) {
        expect(plan.filter((detail) => /^SEARCH/.test(detail)), plan.join('\n')).toEqual([
          expect.stringMatching(/^SEARCH r USING COVERING INDEX instances_by_business_key_newest_first \(business_key=\?\)$/),
          expect.stringMatching(/^SEARCH i USING INDEX instances_by_root \(root_id=\?\)$/),
          expect.stringMatching(/^SEARCH h USING INDEX history_by_instance \(instance_id=\?\)$/),
        ]);
        return;
      }
      expect(plan[0], plan.join('\n')).toMatch(/^(SEARCH|SCAN) h USING INDEX history_refused_newest_first\b/);
      // the instance and its root, by primary key
      expect(plan.slice(1), plan.join('\n')).toEqual([
        expect.stringMatching(/^SEARCH i USING INDEX sqlite_autoindex_instances_1 \(id=\?\)$/),
        expect.stringMatching(/^SEARCH r USING INDEX sqlite_autoindex_instances_1 \(id=\?\)$/),
      ]);
    });
  }

  it('answers a page of the refused attempts among 100,000 orders\' histories, newest first', () => expectRefusedPages(store));

  it('answers pages of a 100,000-task group and of the running instances, in order', () => expectPagesInOrder(store));

  for (const query of ORDER_QUERIES) {
    it(`reads ${query.name} from ${query.sortsItsRows ? 'the status index, sorting its few' : 'an index in list order'}`, () => {
      const { text, parameters } = sqliteOrderSelect(query.filter, (count, values) => (db.prepare(count).get(...values) as { n: number }).n);
      const plan = (db.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...parameters) as { detail: string }[]).map((row) => row.detail);
      expect(plan.filter((detail) => /^SCAN \w+$/.test(detail) || (!query.sortsItsRows && /TEMP B-TREE/.test(detail))), plan.join('\n')).toEqual([]);
      expect(plan[0], plan.join('\n')).toMatch(new RegExp(`^(SEARCH|SCAN) \\w+ USING (COVERING )?(INDEX )?${query.sqliteIndex}\\b`));
    });
  }

  it('answers the pages of running orders among 100,000 in list order', () => expectOrderPages(store));
});

describePostgres(`PostgreSQL query plans at ${ORDERS.toLocaleString('en')} waiting orders`, () => {
  let store: PostgresStore;
  let schema: string;

  beforeAll(async () => {
    schema = await freshSchema();
    store = new PostgresStore(inSchema(schema, 2));
    await store.migrate();
    await store.transaction((tx) => tx.insertVersion(versionRow('order-to-cash', 1)));
    const instant = `timestamptz '${new Date(T0).toISOString()}' + ((i - (CASE WHEN i % 7 = 0 THEN 1 ELSE 0 END)) * interval '10 milliseconds')`;
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_instances (id, process_key, version, business_key, root_id, status, variables, revision, created_at, updated_at)
       SELECT 'i' || i, 'order-to-cash', 1, 'SO-' || i, 'i' || i, CASE WHEN i % 50 = 0 THEN 'completed' ELSE 'running' END, '{}', 1, ${instant}, ${instant}
       FROM generate_series(1, ${ORDERS}) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_waits (id, instance_id, root_id, business_key, kind, element_id, execution_id, candidate_groups, candidate_users, created_at)
       SELECT 't' || i, 'i' || i, 'i' || i, 'SO-' || i, 'task', 'Approve', 'e' || i,
              CASE WHEN i % 1000 = 0 THEN '["vice-president","inspection"]' ELSE '["vice-president"]' END::jsonb,
              CASE WHEN i % 10 = 0 THEN '["bo"]'::jsonb END, ${instant}
       FROM generate_series(1, ${ORDERS}) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_waits (id, instance_id, root_id, business_key, kind, element_id, execution_id, job_type, job_retries, created_at)
       SELECT 'j' || i, 'i' || i, 'i' || i, 'SO-' || i, 'job', 'Ship', 'x' || i, 'shipping', 3, ${instant}
       FROM generate_series(1, ${ORDERS}) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_waits (id, instance_id, root_id, business_key, kind, element_id, execution_id, job_type, job_retries, created_at)
       SELECT 'c' || i, 'i' || i, 'i' || i, 'SO-' || i, 'job', 'Clear', 'y' || i, 'customs', 3, ${instant}
       FROM generate_series(1000, ${ORDERS}, 1000) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_wait_groups (wait_id, grp, created_at)
       SELECT w.id, g.grp, w.created_at FROM ${schema}.stratum_waits w, jsonb_array_elements_text(w.candidate_groups) AS g(grp)`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_wait_users (wait_id, user_name, created_at)
       SELECT w.id, u.user_name, w.created_at FROM ${schema}.stratum_waits w, jsonb_array_elements_text(w.candidate_users) AS u(user_name)`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_incidents (id, instance_id, root_id, process_key, business_key, element_id, message, kind, variables_before, waits_before, created_at, resolved_at, resolution)
       SELECT 'inc-' || i, 'i' || i, 'i' || i, CASE WHEN i % 10 = 0 THEN 'credit-order-approval' ELSE 'order-to-cash' END, 'SO-' || i, 'Approve', 'failed', 'step', '{}', '[]', ${instant},
              CASE WHEN i % 1000 = 0 THEN NULL ELSE ${instant} END, CASE WHEN i % 1000 = 0 THEN NULL ELSE 'retried' END
       FROM generate_series(1, ${ORDERS}) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_idempotency (scope, caller, key, request_hash, instance_id, created_at)
       SELECT 'start:order-to-cash', CASE WHEN i % 2 = 0 THEN 'erp' ELSE 'crm' END, 'key-' || i, 'h', 'i' || i, ${instant}
       FROM generate_series(1, ${ORDERS}) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_process_versions (key, version, name, xml, hash, calls, deployment_id, deployed_by, deployed_at, note)
       SELECT 'p' || (i % 100), 1 + i / 100, null, '<x/>', 'h', '[]', 'deployment-' || (i % ${DEPLOYMENTS}), 'dora', ${instant}, null
       FROM generate_series(1, ${LIBRARY_VERSIONS}) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_decision_versions (decision_id, version, name, file_name, xml, hash, deployment_id, deployed_by, deployed_at, note)
       SELECT 'd' || (i % 100), 1 + i / 100, null, 'd.dmn', '<x/>', 'h', 'deployment-' || (i % ${DEPLOYMENTS}), 'dora', ${instant}, null
       FROM generate_series(1, ${LIBRARY_VERSIONS}) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_history (instance_id, at, actor, event, data, via)
       SELECT 'i' || i, ${instant}, 'erp', 'instance.started', '{}', 'api' FROM generate_series(1, ${ORDERS}) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_history (instance_id, at, actor, event, data, via)
       SELECT 'i' || i, ${instant}, CASE WHEN i % 300 = 0 THEN 'dirk' ELSE 'vera' END, 'task.refused',
              jsonb_build_object('reason', CASE WHEN i % 300 = 0 THEN 'four-eyes-starter' ELSE 'not-offered' END, 'refusal', 'refused'), 'api'
       FROM generate_series(100, ${ORDERS}, 100) AS i`,
    );
    await postgresAdmin.query(
      `INSERT INTO ${schema}.stratum_orders (order_no, process_key, instance_id, entered, amount, currency, reporting_amount, reporting_currency, exchange_rate, rate_date, entered_by, entered_at)
       SELECT 'SO-' || i, 'order-to-cash', 'i' || i, jsonb_build_object('orderNo', 'SO-' || i, 'customer', jsonb_build_object('name', CASE WHEN i % 10 = 0 THEN 'ACME' ELSE 'Lager AG' END)),
              1, 'EUR', 8.25, 'CNY', 8.245, '2026-01-02', 'erp', ${instant}
       FROM generate_series(1, ${ORDERS}) AS i`,
    );
    for (const table of ['stratum_process_versions', 'stratum_decision_versions', 'stratum_instances', 'stratum_waits', 'stratum_wait_groups', 'stratum_wait_users', 'stratum_incidents', 'stratum_idempotency', 'stratum_history', 'stratum_orders']) await postgresAdmin.query(`ANALYZE ${schema}.${table}`);
  }, 120_000);

  afterAll(async () => {
    await store?.close();
  });

  /** PostgreSQL's plan of `text` with `parameters`, line by line, read in the test's schema. */
  const explainOnPostgres = async (text: string, parameters: unknown[]): Promise<string[]> => {
    const client = await postgresAdmin.connect();
    try {
      await client.query(`SET search_path = ${schema}`);
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${text}`, parameters);
      return rows.map((row) => row['QUERY PLAN']);
    } finally {
      await client.query('RESET search_path').catch(() => undefined);
      client.release();
    }
  };
  /** LOCK_JOBS's parameters in its numbered order. */
  const lockJobsValues = ({ type, workerId, now, lockExpiresAt, max, businessKey }: typeof LOCK_JOBS_PARAMETERS | typeof ORDER_LOCK_JOBS_PARAMETERS) =>
    [type, workerId, now, lockExpiresAt, max, businessKey];

  for (const query of QUERIES) {
    it(`reads ${query.name} from an index in list order`, async () => {
      const { text, parameters } = sqlOf(query, numberedPlaceholder, 'postgres');
      const plan = await explainOnPostgres(text, parameters);
      // a Seq Scan reads the whole table; a Sort above the scans orders every matching row
      const sorts = query.sortsItsRows || query.postgresIndexes !== undefined;
      expect(plan.filter((line) => /Seq Scan on stratum_/.test(line) || (!sorts && /^\s*(->\s*)?(Incremental )?Sort\b/.test(line))), plan.join('\n')).toEqual([]);
      if (query.postgresIndexes) {
        const read = plan.flatMap((line) => /Scan (?:Backward )?using (\w+) on/.exec(line)?.[1] ?? []);
        expect(read.length > 0 && read.every((index) => index.startsWith(query.postgresIndexes!)), plan.join('\n')).toBe(true);
      }
    });
  }

  for (const query of LIST_QUERIES) {
    it(`reads ${query.name} in one query, each part from its own index`, async () => {
      const { text, parameters } = query.count ? waitCount(query.filter, numberedPlaceholder, POSTGRES_WAIT_TABLES, '::integer') : waitSelect(query.filter, numberedPlaceholder, POSTGRES_WAIT_TABLES, WAIT_COLUMNS_OF_W);
      const plan = await explainOnPostgres(text, parameters);
      expect(plan.filter((line) => /Seq Scan on stratum_/.test(line)), plan.join('\n')).toEqual([]);
      // every part's index is read (PostgreSQL may read a candidate's rows by their key instead of its waits by theirs)
      const read = new Set(plan.flatMap((line) => /(?:Index|Index Only) Scan (?:Backward )?using (\w+) on|Bitmap Index Scan on (\w+)/.exec(line)?.slice(1).filter(Boolean) ?? []));
      for (const index of query.parts) expect([...read], plan.join('\n')).toContain(`stratum_${index === 'sqlite_autoindex_waits_1' ? 'waits_pkey' : index}`);
    });
  }

  it('answers a person\'s own list among 100,000 tasks a page at a time, and counts it', () => expectOwnListPages(store));

  it('finds a caller\'s Idempotency-Key by primary key (scope, caller, key)', async () => {
    const plan = await explainOnPostgres(POSTGRES_GET_IDEMPOTENCY, IDEMPOTENCY_LOOKUP);
    expect(plan.filter((line) => /Seq Scan/.test(line)), plan.join('\n')).toEqual([]);
    expect(plan[0], plan.join('\n')).toMatch(/^Index Scan using stratum_idempotency_pkey on stratum_idempotency\b/);
  });

  it('reads the versions one deployment stored from the deployment indexes', async () => {
    for (const [statement, index] of [[POSTGRES_DEPLOYMENT_VERSIONS, 'stratum_process_versions_by_deployment'], [POSTGRES_DEPLOYMENT_DECISIONS, 'stratum_decision_versions_by_deployment']] as const) {
      const plan = await explainOnPostgres(statement, [deploymentOf(500)]);
      expect(plan.filter((line) => /Seq Scan/.test(line)), plan.join('\n')).toEqual([]);
      expect(plan.join('\n')).toContain(index);
    }
  });

  it('finds the nearest failed caller of an instance by primary key alone (never from the status index)', async () => {
    const plan = await explainOnPostgres(failedCallerSelect('stratum_instances', numberedPlaceholder), [`i${ORDERS / 2}`]);
    expect(plan.filter((line) => /Seq Scan on stratum_|by_status/.test(line)), plan.join('\n')).toEqual([]);
    expect(plan.filter((line) => /Index (Only )?Scan using stratum_instances_pkey/.test(line)).length, plan.join('\n')).toBeGreaterThanOrEqual(3);
  });

  it('finds the jobs a worker may take from the job type\'s index, reading instances by primary key alone (never from the status index)', async () => {
    const plan = await explainOnPostgres(POSTGRES_LOCK_JOBS, lockJobsValues(LOCK_JOBS_PARAMETERS));
    // (order_changes has no row here, so any plan reads it whole)
    expect(plan.filter((line) => /Seq Scan on stratum_(waits|instances|incidents)\b|by_status|hashed SubPlan/.test(line)), plan.join('\n')).toEqual([]);
    expect(plan.filter((line) => /Index Scan using stratum_waits_by_job_type on stratum_waits/.test(line)), plan.join('\n')).toHaveLength(1);
    // the order's root, the job's instance, then each caller: read by primary key; the order's incidents by root
    expect(plan.filter((line) => /Index (Only )?Scan using stratum_instances_pkey on stratum_instances (r|m|up)\b/.test(line)), plan.join('\n')).toHaveLength(3);
    expect(plan.filter((line) => /Scan using stratum_incidents_by_root on stratum_incidents oi\b/.test(line)), plan.join('\n')).toHaveLength(1);
  });

  it('reads a poll for a rare job type from that type\'s index range, not every job by kind', async () => {
    const plan = await explainOnPostgres(POSTGRES_LOCK_JOBS, lockJobsValues(RARE_LOCK_JOBS_PARAMETERS));
    // the job (by its id, to lock it) and the candidates: from the type's index, never by kind or whole
    const waitReads = plan.filter((line) => /Scan (using \w+ )?on stratum_waits\b/.test(line) && !/stratum_waits_pkey on stratum_waits w\b/.test(line));
    expect(waitReads.map((line) => line.trim().replace(/^->\s*/, '').replace(/\s*\(cost=.*$/, '')), plan.join('\n'))
      .toEqual(['Index Scan using stratum_waits_by_job_type on stratum_waits']);
  });

  it('reads a poll limited to one order from the order\'s index, not the type\'s whole range', async () => {
    const plan = await explainOnPostgres(POSTGRES_LOCK_ORDER_JOBS, lockJobsValues(ORDER_LOCK_JOBS_PARAMETERS));
    const waitReads = plan.filter((line) => /Scan (using \w+ )?on stratum_waits\b/.test(line) && !/stratum_waits_pkey on stratum_waits w\b/.test(line));
    expect(waitReads.map((line) => line.trim().replace(/^->\s*/, '').replace(/\s*\(cost=.*$/, '')), plan.join('\n'))
      .toEqual(['Index Scan using stratum_waits_by_business_key_created on stratum_waits']);
  });

  it('reads a lock of one job by its id from the primary key, not the type\'s range', async () => {
    const { type, workerId, now, lockExpiresAt, jobId } = ONE_JOB_LOCK_PARAMETERS;
    const plan = await explainOnPostgres(POSTGRES_LOCK_ONE_JOB, [type, workerId, now, lockExpiresAt, 1, jobId]);
    const waitReads = plan.filter((line) => /Scan (using \w+ )?on stratum_waits\b/.test(line));
    expect(waitReads.length, plan.join('\n')).toBeGreaterThan(0);
    for (const read of waitReads) expect(read, plan.join('\n')).toMatch(/Index Scan using stratum_waits_pkey on stratum_waits\b/);
  });

  it('reads a group\'s tasks one can act on now (held=false) from the group\'s index, reading instances by primary key alone', async () => {
    const { text, parameters } = sqlOf(ACTIONABLE_TASKS, numberedPlaceholder, 'postgres');
    const plan = await explainOnPostgres(text, parameters);
    expect(plan.filter((line) => /Seq Scan on stratum_|by_status|hashed SubPlan|^\s*(->\s*)?(Incremental )?Sort\b/.test(line)), plan.join('\n')).toEqual([]);
    expect(plan.filter((line) => /Index (Only )?Scan using stratum_instances_pkey on stratum_instances (r|m|up)\b/.test(line)), plan.join('\n')).toHaveLength(3);
    expect(plan.filter((line) => /Scan using stratum_incidents_by_root on stratum_incidents oi\b/.test(line)), plan.join('\n')).toHaveLength(1);
  });

  for (const { name, filter, sortsItsRows, byOrder } of REFUSED_QUERIES) {
    it(`reads ${name} from ${byOrder ? "the order's own history" : 'the partial index over the refused events'}`, async () => {
      const { text, parameters } = refusedSelect(filter, numberedPlaceholder, POSTGRES_REFUSED_TABLES);
      const plan = await explainOnPostgres(text, parameters);
      expect(plan.filter((line) => /Seq Scan on stratum_/.test(line) || (!sortsItsRows && !byOrder && /^\s*(->\s*)?(Incremental )?Sort\b/.test(line))), plan.join('\n')).toEqual([]);
      // the history is read from one index: the refused events' own, or the order's instances'
      const index = byOrder ? 'stratum_history_by_instance' : 'stratum_history_refused_newest_first';
      const historyIndexes = plan.flatMap((line) => /Index (?:Only )?Scan using (\w+) on stratum_history\b|Bitmap Index Scan on (stratum_history\w*)/.exec(line)?.slice(1).filter(Boolean) ?? []);
      expect(historyIndexes, plan.join('\n')).toEqual([index]);
    });
  }

  it('answers a page of the refused attempts among 100,000 orders\' histories, newest first', () => expectRefusedPages(store));

  it('answers pages of a 100,000-task group and of the running instances, in order', () => expectPagesInOrder(store));

  for (const query of ORDER_QUERIES) {
    it(`reads ${query.name} from ${query.sortsItsRows ? 'an index, sorting its few' : 'an index in list order'}`, async () => {
      const { text, parameters } = orderSelect(query.filter, numberedPlaceholder, POSTGRES_ORDER_TABLES);
      const plan = await explainOnPostgres(text, parameters);
      expect(plan.filter((line) => /Seq Scan on stratum_/.test(line) || (!query.sortsItsRows && /^\s*(->\s*)?(Incremental )?Sort\b/.test(line))), plan.join('\n')).toEqual([]);
    });
  }

  it('answers the pages of running orders among 100,000 in list order', () => expectOrderPages(store));
});
