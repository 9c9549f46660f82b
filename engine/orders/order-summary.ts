// An order as a task, a job or a list shows it: who ordered, how much, on which terms.
import type { OrderSummary } from '../api.js';
import type { OrderRow } from '../store/types.js';

export function orderSummary(row: OrderRow): OrderSummary {
  const customer = row.order.customer as { name?: unknown } | undefined;
  return {
    orderNo: row.orderNo,
    customer: typeof customer?.name === 'string' ? customer.name : '',
    amount: row.amount,
    currency: row.currency,
    paymentTerms: typeof row.order.paymentTerms === 'string' ? row.order.paymentTerms : '',
    reportingAmount: row.reportingAmount,
    reportingCurrency: row.reportingCurrency,
  };
}
