import { noFailedInstanceAbove } from './caller-chain.js';
import { canonicalTimestamp } from './iso-time.js';
import type { PageAfter } from './page-cursor.js';
import type { Placeholder } from './placeholder.js';
import { checkLimit, pageOf } from './row-checks.js';
import type { HistoryEventFilter, InstanceFilter, WaitFilter } from './types.js';

// The WHERE clauses of the list queries, built from the filter's optional
// conditions. The dialects differ only in how a parameter is written.

export interface Where {
  /** `WHERE …`, or '' when the filter sets no condition. */
  where: string;
  parameters: unknown[];
}

export function instanceWhere(filter: InstanceFilter, placeholder: Placeholder): Where {
  const where = new WhereBuilder(placeholder);
  where.equal('process_key', filter.processKey);
  where.equal('business_key', filter.businessKey);
  where.equal('status', filter.status);
  where.equal('root_id', filter.rootId);
  where.oneOf('root_id', filter.rootIds);
  where.oneOf('business_key', filter.businessKeys);
  if (filter.rootOnly) where.add('parent_id IS NULL');
  // the list order is createdAt descending, then id ascending
  where.after(filter.after, 'created_at', 'id', 'newest-first');
  return where.build();
}

/** The events a history filter keeps, as a list (both stores bind it as one array parameter). */
export function historyEvents(filter: HistoryEventFilter): readonly string[] {
  return typeof filter.event === 'string' ? [filter.event] : filter.event;
}

/**
 * The page of instances a filter selects, newest first, then by id. `all` is
 * the dialect's LIMIT for "no limit" (SQLite -1, PostgreSQL NULL).
 */
export function instanceSelect(filter: InstanceFilter, placeholder: Placeholder, table: string, columns: string, all: number | null): { text: string; parameters: unknown[] } {
  const { where, parameters } = instanceWhere(filter, placeholder);
  const { limit, offset } = pageOf(filter);
  const n = parameters.length;
  return {
    text: `SELECT ${columns} FROM ${table} ${where} ORDER BY created_at DESC, id LIMIT ${placeholder(n + 1)} OFFSET ${placeholder(n + 2)}`,
    parameters: [...parameters, limit ?? all, offset],
  };
}

/** The tables of a dialect (PostgreSQL prefixes them with `stratum_`). */
export interface WaitTables {
  instances: string;
  waits: string;
  groups: string;
  users: string;
}

/** A candidate condition of a wait filter: the table of one row per candidate, and its name column. */
interface Candidate {
  table: string;
  alias: string;
  column: string;
  value: string;
}

/**
 * The page of waits a filter selects, oldest first, as `SELECT <columns of w> …`.
 * With a candidate group (or a candidate user) the query starts from the
 * group's (user's) rows, which carry the wait's createdAt: an index on
 * (grp, created_at, wait_id) then yields the page in order without reading the
 * other groups' waits. With an order or an instance as well (the task list's
 * Order filter asks each of the caller's groups), the order's few waits are
 * read in order from their own index and each is checked for the group:
 * starting from the group read all its waits.
 */
export function waitSelect(filter: WaitFilter, placeholder: Placeholder, tables: WaitTables, columnsOfW: string): { text: string; parameters: unknown[] } {
  const where = new WhereBuilder(placeholder);
  let from = `${tables.waits} w`;
  let order = 'w.created_at, w.id';
  const candidates: Candidate[] = [
    ...(filter.candidateGroup === undefined ? [] : [{ table: tables.groups, alias: 'g', column: 'grp', value: filter.candidateGroup }]),
    ...(filter.candidateUser === undefined ? [] : [{ table: tables.users, alias: 'u', column: 'user_name', value: filter.candidateUser }]),
  ];
  const narrowedByOrder = filter.businessKey !== undefined || filter.instanceId !== undefined;
  const start = narrowedByOrder ? undefined : candidates.shift();
  if (start) {
    const { table, alias, column, value } = start;
    from = `${table} ${alias} JOIN ${tables.waits} w ON w.id = ${alias}.wait_id`;
    where.add(`${alias}.${column} = ${where.parameter(value)}`);
    where.after(filter.after, `${alias}.created_at`, `${alias}.wait_id`, 'oldest-first');
    order = `${alias}.created_at, ${alias}.wait_id`;
  } else {
    where.after(filter.after, 'w.created_at', 'w.id', 'oldest-first');
  }
  for (const { table, alias, column, value } of candidates) {
    where.add(`EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${alias}.wait_id = w.id AND ${alias}.${column} = ${where.parameter(value)})`);
  }
  where.equal('w.kind', filter.kind);
  where.equal('w.instance_id', filter.instanceId);
  where.equal('w.root_id', filter.rootId);
  where.oneOf('w.root_id', filter.rootIds);
  where.equal('w.business_key', filter.businessKey);
  where.equal('w.element_id', filter.elementId);
  // the process of the wait's own instance (a called one's, not the order's root's): its row by primary key
  if (filter.processKey !== undefined) {
    where.add(`EXISTS (SELECT 1 FROM ${tables.instances} pi WHERE pi.id = w.instance_id AND pi.process_key = ${where.parameter(filter.processKey)})`);
  }
  // the tasks a person holds: claimed by them, or assigned to them by the process (migration 12's index)
  where.equal('COALESCE(w.claimed_by, w.assignee)', filter.assignee);
  if (filter.unclaimedOrClaimedBy !== undefined) {
    where.add(`(w.claimed_by IS NULL OR w.claimed_by = ${where.parameter(filter.unclaimedOrClaimedBy)})`);
  }
  where.equal('w.message_name', filter.messageName);
  where.equal('w.correlation_key', filter.correlationKey);
  // per row it passes, as lockJobs asks for each job: cheap answers first (caller-chain.ts)
  if (filter.held !== undefined) {
    const free = noFailedInstanceAbove(tables.waits.slice(0, -'waits'.length), 'w');
    where.add(filter.held ? `NOT (${free})` : `(${free})`);
  }
  if (filter.limit !== undefined) checkLimit('limit', filter.limit);
  const limit = filter.limit === undefined ? '' : ` LIMIT ${where.parameter(filter.limit)}`;
  const { where: conditions, parameters } = where.build();
  return { text: `SELECT ${columnsOfW} FROM ${from} ${conditions} ORDER BY ${order}${limit}`, parameters };
}

export class WhereBuilder {
  private readonly conditions: string[] = [];
  private readonly parameters: unknown[] = [];

  constructor(private readonly placeholder: Placeholder) {}

  /** Adds `value` as the next parameter and returns its placeholder. */
  parameter(value: unknown): string {
    this.parameters.push(value);
    return this.placeholder(this.parameters.length);
  }

  add(condition: string): void {
    this.conditions.push(condition);
  }

  /** `column = value`, unless the filter leaves the value out. */
  equal(column: string, value: string | undefined): void {
    if (value !== undefined) this.add(`${column} = ${this.parameter(value)}`);
  }

  /** `column IN (…)`, one parameter per value (both dialects take thousands); no rows for an empty list. */
  oneOf(column: string, values: string[] | undefined): void {
    if (values === undefined) return;
    this.add(values.length ? `${column} IN (${values.map((value) => this.parameter(value)).join(', ')})` : '1 = 0');
  }

  /**
   * Rows strictly after `after` in the list order. The first condition bounds
   * an index range; the second only drops the rows of the same instant.
   */
  after(after: PageAfter | undefined, createdAt: string, id: string, order: 'oldest-first' | 'newest-first'): void {
    if (after === undefined) return;
    const at = this.parameter(canonicalTimestamp(after.createdAt, 'after.createdAt'));
    const atAgain = this.parameter(canonicalTimestamp(after.createdAt, 'after.createdAt'));
    const afterId = this.parameter(after.id);
    const [bound, strictly] = order === 'oldest-first' ? ['>=', '>'] : ['<=', '<'];
    this.add(`${createdAt} ${bound} ${at} AND (${createdAt} ${strictly} ${atAgain} OR ${id} > ${afterId})`);
  }

  build(): Where {
    const { conditions, parameters } = this;
    return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', parameters };
  }
}
