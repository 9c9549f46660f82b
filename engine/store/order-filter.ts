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
}

export function orderSelect(filter: OrderFilter, placeholder: Placeholder, tables: OrderTables): { text: string; parameters: unknown[] } {
  const where = new WhereBuilder(placeholder);
  let from = `${tables.orders} o`;
  if (filter.rootStatuses?.length) {
    from += ` JOIN ${tables.instances} i ON i.id = o.instance_id`;
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
