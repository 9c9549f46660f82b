// The order_changes table, shared by both stores: statements with named
// parameters (numbered for PostgreSQL) and the row ↔ record mapping.
import { WAIT_COLUMNS } from './records.js';
import type { OrderChangeRow, OrderChangeStatus } from './types.js';
import type { NamedParameters } from './row-codec.js';

export interface OrderChangeRecord {
  order_no: string;
  change_id: string;
  seq: number;
  description: string;
  amount: string | null;
  reporting_amount: string | null;
  status: string;
  request_hash: string;
  requested_by: string | null;
  requested_at: string;
  settled_at: string | null;
}

/** Statuses under which an order's jobs are held (see docs/modelling.md, "Changes to a running order"). */
export const OPEN_CHANGE_STATUSES: readonly OrderChangeStatus[] = ['open', 'acknowledged'];

export function orderChangeStatements(tablePrefix: string) {
  const table = `${tablePrefix}order_changes`;
  return {
    insertOrderChange: `INSERT INTO ${table} (order_no, change_id, seq, description, amount, reporting_amount, status, request_hash,
        requested_by, requested_at, settled_at)
      VALUES (@orderNo, @changeId, @seq, @description, @amount, @reportingAmount, @status, @requestHash,
        @requestedBy, @requestedAt, @settledAt) ON CONFLICT DO NOTHING`,
    orderChanges: `SELECT * FROM ${table} WHERE order_no = @orderNo ORDER BY seq`,
    updateOrderChange: `UPDATE ${table} SET status = @status, settled_at = @settledAt WHERE order_no = @orderNo AND change_id = @changeId`,
    // the order's jobs by waits_by_business_key_created; none while another change of the order is still open
    jobsNoChangeHolds: `SELECT ${WAIT_COLUMNS} FROM ${tablePrefix}waits WHERE business_key = @orderNo AND kind = 'job'
      AND ${noOpenChangeOf(tablePrefix, `${tablePrefix}waits`)}`,
  };
}

/** Whether a change of this status no longer holds its order's jobs (the process settled it). */
export function releasesJobs(status: OrderChangeStatus): boolean {
  return !OPEN_CHANGE_STATUSES.includes(status);
}

/**
 * The condition lockJobs adds for the waits table aliased `alias`: no job of an
 * order with an open change is handed out.
 */
export function noOpenChangeOf(tablePrefix: string, alias: string): string {
  const statuses = OPEN_CHANGE_STATUSES.map((status) => `'${status}'`).join(', ');
  return `NOT EXISTS (SELECT 1 FROM ${tablePrefix}order_changes c WHERE c.order_no = ${alias}.business_key AND c.status IN (${statuses}))`;
}

export function orderChangeParameters(row: OrderChangeRow): NamedParameters {
  return { ...row };
}

export function orderChangeOf(record: OrderChangeRecord): OrderChangeRow {
  return {
    orderNo: record.order_no,
    changeId: record.change_id,
    seq: Number(record.seq),
    description: record.description,
    amount: record.amount,
    reportingAmount: record.reporting_amount,
    status: record.status as OrderChangeStatus,
    requestHash: record.request_hash,
    requestedBy: record.requested_by,
    requestedAt: record.requested_at,
    settledAt: record.settled_at,
  };
}
