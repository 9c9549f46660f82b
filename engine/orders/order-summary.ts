// An order as a task, a job or a list shows it: who ordered, how much, on which terms.
import type { OrderSummary } from '../api.js';
import type { OrderRow, StoreTx } from '../store/types.js';

export function orderSummary(row: OrderRow): OrderSummary {
  const customer = row.order.customer as { name?: unknown } | undefined;
  return {
    orderNo: row.orderNo,
    customer: typeof customer?.name === 'string' ? customer.name : '',
    amount: row.amount,
    currency: row.currency,
    paymentTerms: String(row.order.paymentTerms ?? ''),
    reportingAmount: row.reportingAmount,
    reportingCurrency: row.reportingCurrency,
  };
}

/** The summaries of the orders named by these business keys (each read once); keys that name no order are absent. */
export async function orderSummaries(tx: StoreTx, businessKeys: readonly (string | null)[]): Promise<Map<string, OrderSummary>> {
  const summaries = new Map<string, OrderSummary>();
  for (const key of new Set(businessKeys)) {
    if (key === null) continue;
    const row = await tx.getOrder(key);
    if (row) summaries.set(key, orderSummary(row));
  }
  return summaries;
}
