import { canonicalTimestamp } from './iso-time.js';
import { WhereBuilder } from './filters.js';
import type { Placeholder } from './placeholder.js';
import { checkLimit } from './row-checks.js';
import type { OrderFilter } from './types.js';

// The query of an order list: newest entered first, then by order number, so
// that a cursor (enteredAt, orderNo) pages through a list that grows meanwhile
// without repeating or skipping an order. The customer's name is read from the
// order as entered through the expression the dialect's index is built on.

export interface OrderTables {
  orders: string;
  instances: string;
  /** The dialect's expression for `customer.name` of column `o.entered`, as indexed. */
  customerName: string;
  /** The join that reads the orders first, in list order, and each one's root by its id (SQLite's CROSS JOIN). */
  ordersFirst?: string;
}

/**
 * Instances of a root status from which an order page of that status is read in list order from the orders' index,
 * each order's root looked up by id: SQLite, which keeps no statistics, otherwise starts from every instance of the
 * status and sorts all their orders for each page (90 ms a page at 20,000 running orders, ten pages' worth for one
 * page of a status derived in memory). Below it, the status's few instances and their orders are read and sorted.
 */
const FEW_ROOTS = 10_000;

/** How many instances have one of the filter's root statuses, counted up to FEW_ROOTS from the status index alone. */
export function rootStatusCount(filter: OrderFilter, placeholder: Placeholder, tables: OrderTables): { text: string; parameters: unknown[] } | undefined {
  if (!filter.rootStatuses?.length) return undefined;
  const where = new WhereBuilder(placeholder);
  where.add(`status IN (${filter.rootStatuses.map((status) => where.parameter(status)).join(', ')})`);
  const { where: conditions, parameters } = where.build();
  return { text: `SELECT count(*) AS n FROM (SELECT 1 FROM ${tables.instances} ${conditions} LIMIT ${FEW_ROOTS})`, parameters };
}

/** `rootsOfStatus`: what rootStatusCount counted, where the dialect has a join that reads the orders first. */
export function orderSelect(filter: OrderFilter, placeholder: Placeholder, tables: OrderTables, rootsOfStatus?: number): { text: string; parameters: unknown[] } {
  const where = new WhereBuilder(placeholder);
  let from = `${tables.orders} o`;
  if (filter.rootStatuses?.length) {
    const join = tables.ordersFirst !== undefined && rootsOfStatus !== undefined && rootsOfStatus >= FEW_ROOTS ? tables.ordersFirst : 'JOIN';
    from += ` ${join} ${tables.instances} i ON i.id = o.instance_id`;
    where.add(`i.status IN (${filter.rootStatuses.map((status) => where.parameter(status)).join(', ')})`);
  }
  where.equal(tables.customerName, filter.customerName);
  if (filter.from !== undefined) where.add(`o.entered_at >= ${where.parameter(canonicalTimestamp(filter.from, 'from'))}`);
  if (filter.to !== undefined) where.add(`o.entered_at < ${where.parameter(canonicalTimestamp(filter.to, 'to'))}`);
  where.after(filter.after, 'o.entered_at', 'o.order_no', 'newest-first');
  checkLimit('limit', filter.limit);
  const limit = where.parameter(filter.limit);
  const { where: conditions, parameters } = where.build();
  return { text: `SELECT o.* FROM ${from} ${conditions} ORDER BY o.entered_at DESC, o.order_no LIMIT ${limit}`, parameters };
}
