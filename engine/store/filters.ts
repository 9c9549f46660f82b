import { StratumError } from '../errors.js';
import { noFailedInstanceAbove } from './caller-chain.js';
import { canonicalTimestamp } from './iso-time.js';
import type { PageAfter } from './page-cursor.js';
import type { Placeholder } from './placeholder.js';
import { checkLimit, pageOf } from './row-checks.js';
import type { HistoryEventFilter, InstanceFilter, WaitCountFilter, WaitFilter } from './types.js';

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
 * other groups' waits. With an order, an instance or a wait's id as well (the
 * task list's Order filter), the order's few waits are read in order from their
 * own index and each is checked for the group: starting from the group read all
 * its waits. A person's own list (`inListOf`) is the union of one such query per
 * part of it (listBranches), each its own page from its own index, then the
 * first `limit` of their rows in list order: the page one query over all of the
 * list would give.
 */
export function waitSelect(filter: WaitFilter, placeholder: Placeholder, tables: WaitTables, columnsOfW: string): { text: string; parameters: unknown[] } {
  if (filter.limit !== undefined) checkLimit('limit', filter.limit);
  if (filter.inListOf !== undefined) {
    const { text: union, parameters } = listUnion(filter, placeholder, tables, { paged: true });
    const limit = filter.limit === undefined ? '' : ` LIMIT ${placeholder(parameters.length + 1)}`;
    return {
      text: `SELECT ${columnsOfW} FROM (${union}) list JOIN ${tables.waits} w ON w.id = list.id ORDER BY w.created_at, w.id${limit}`,
      parameters: filter.limit === undefined ? parameters : [...parameters, filter.limit],
    };
  }
  const { from, where, order } = waitQuery(filter, placeholder, tables);
  const limit = filter.limit === undefined ? '' : ` LIMIT ${where.parameter(filter.limit)}`;
  const { where: conditions, parameters } = where.build();
  return { text: `SELECT ${columnsOfW} FROM ${from} ${conditions} ORDER BY ${order}${limit}`, parameters };
}

/** How many waits a filter selects (with no page), as `SELECT count(*) AS n …`; `integer` casts it (PostgreSQL's bigint). */
export function waitCount(filter: WaitCountFilter, placeholder: Placeholder, tables: WaitTables, integer = ''): { text: string; parameters: unknown[] } {
  const { limit: _limit, after: _after, ...counted } = filter as WaitFilter;
  if (counted.inListOf !== undefined) {
    const { text: union, parameters } = listUnion(counted, placeholder, tables, { paged: false });
    return { text: `SELECT count(*)${integer} AS n FROM (${union}) list`, parameters };
  }
  const { from, where } = waitQuery(counted, placeholder, tables);
  const { where: conditions, parameters } = where.build();
  return { text: `SELECT count(*)${integer} AS n FROM ${from} ${conditions}`, parameters };
}

/**
 * A person's own task list (WaitFilter.inListOf) as the filters whose union it is, each with the query's other
 * filters: the tasks of each of their groups (only `candidateGroup` when given, if it is one of theirs; only those of
 * `candidateGroups` when given) and those offered to them by name, either claimed by nobody or by them, and those they
 * hold (claimed by them, or assigned to them and claimed by nobody). A `candidateGroup` (`candidateGroups`) keeps the
 * groups' parts alone; a `candidateUser`, their own name, keeps the part offered to them by name alone (every task of
 * the other parts offered to them by name is in it), someone else's keeps none; an `assignee` naming someone else
 * drops the part they hold, none of which someone else holds. The one definition of the rule: GET
 * /api/tasks?mine=true, Camunda 7's task list, count and read, and Camunda 8's user task search all ask it.
 */
function listBranches(filter: WaitFilter): WaitFilter[] {
  const { inListOf, candidateGroups, ...rest } = filter;
  if (inListOf === undefined) return [filter];
  if (rest.unclaimedOrClaimedBy !== undefined) {
    throw new StratumError('invalid', 'inListOf sets unclaimedOrClaimedBy itself: leave it out beside it');
  }
  const { name, groups } = inListOf;
  // what is offered to someone else by name is in nobody else's own list
  if (rest.candidateUser !== undefined && rest.candidateUser !== name) return [];
  const offered = { ...rest, unclaimedOrClaimedBy: name };
  const byGroup = rest.candidateGroup !== undefined || candidateGroups !== undefined;
  const ofGroups = [...new Set(groups)].filter((group) =>
    (rest.candidateGroup === undefined || group === rest.candidateGroup) && (candidateGroups === undefined || candidateGroups.includes(group)));
  if (byGroup) return ofGroups.map((candidateGroup) => ({ ...offered, candidateGroup }));
  if (rest.candidateUser !== undefined) return [offered];
  return [
    ...ofGroups.map((candidateGroup) => ({ ...offered, candidateGroup })),
    { ...offered, candidateUser: name },
    ...(rest.assignee === undefined || rest.assignee === name ? [{ ...rest, assignee: name }] : []),
  ];
}

/**
 * The ids and createdAt of a person's own list, `UNION` (each task once) of its parts' queries. `paged`: each part
 * is its own page, `after` and at most `limit` rows in list order, from its own index.
 */
function listUnion(filter: WaitFilter, placeholder: Placeholder, tables: WaitTables, { paged }: { paged: boolean }): { text: string; parameters: unknown[] } {
  const parameters: unknown[] = [];
  const parts = listBranches(filter).map((branch) => {
    const offset = parameters.length;
    const { from, where, order } = waitQuery(paged ? branch : { ...branch, after: undefined }, (position) => placeholder(offset + position), tables);
    const limit = paged && branch.limit !== undefined ? ` ORDER BY ${order} LIMIT ${where.parameter(branch.limit)}` : '';
    const built = where.build();
    parameters.push(...built.parameters);
    return `SELECT created_at, id FROM (SELECT w.created_at AS created_at, w.id AS id FROM ${from} ${built.where}${limit}) part`;
  });
  // nobody's list: no group of theirs is the one asked for
  if (parts.length === 0) return { text: `SELECT created_at, id FROM ${tables.waits} WHERE 1 = 0`, parameters };
  return { text: parts.join(' UNION '), parameters };
}

/** The parts of one query of waits: what it reads, its conditions (with their parameters), the order of its rows. */
function waitQuery(filter: WaitFilter, placeholder: Placeholder, tables: WaitTables): { from: string; where: WhereBuilder; order: string } {
  // one part per group from its own index is a person's own list's (listBranches); never read as no filter at all
  if (filter.candidateGroups !== undefined) throw new StratumError('invalid', 'candidateGroups narrows a person\'s own list: give inListOf beside it');
  const where = new WhereBuilder(placeholder);
  let from = `${tables.waits} w`;
  let order = 'w.created_at, w.id';
  const candidates: Candidate[] = [
    ...(filter.candidateGroup === undefined ? [] : [{ table: tables.groups, alias: 'g', column: 'grp', value: filter.candidateGroup }]),
    ...(filter.candidateUser === undefined ? [] : [{ table: tables.users, alias: 'u', column: 'user_name', value: filter.candidateUser }]),
  ];
  const narrowed = filter.businessKey !== undefined || filter.instanceId !== undefined || filter.id !== undefined;
  const start = narrowed ? undefined : candidates.shift();
  if (start) {
    const { table, alias, column, value } = start;
    // CROSS JOIN: SQLite (which keeps no statistics) reads the candidate's rows first, never every task by kind with
    // a look-up of the candidate's row each, as it chose for a count (no ORDER BY to hint); PostgreSQL plans it as a join
    from = `${table} ${alias} CROSS JOIN ${tables.waits} w`;
    where.add(`${alias}.${column} = ${where.parameter(value)}`);
    where.add(`w.id = ${alias}.wait_id`);
    where.after(filter.after, `${alias}.created_at`, `${alias}.wait_id`, 'oldest-first');
    order = `${alias}.created_at, ${alias}.wait_id`;
  } else {
    where.after(filter.after, 'w.created_at', 'w.id', 'oldest-first');
  }
  for (const { table, alias, column, value } of candidates) {
    where.add(`EXISTS (SELECT 1 FROM ${table} ${alias} WHERE ${alias}.wait_id = w.id AND ${alias}.${column} = ${where.parameter(value)})`);
  }
  where.equal('w.id', filter.id);
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
  // whether anyone holds the task (its holder as above): checked on the rows the query's own index yields
  if (filter.assigned !== undefined) where.add(`COALESCE(w.claimed_by, w.assignee) IS ${filter.assigned ? 'NOT NULL' : 'NULL'}`);
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
  return { from, where, order };
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
