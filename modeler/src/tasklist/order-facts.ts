// What an approver reads about an order and a task: money in its currency,
// how long a task has waited, and which approval tier it is and why. Money is
// written as the reader's browser writes numbers (`locale` undefined: its own).
import type { TaskView } from './TasklistClient';

const PAYMENT_TERMS: Record<string, string> = {
  'credit': 'On credit',
  'prepaid-at-entry': 'Prepaid, checked at order entry',
  'prepaid-at-shipment': 'Prepaid, checked at shipment',
};

function money(amount: unknown, currency: unknown, locale: string | undefined): string {
  const value = typeof amount === 'number' ? amount : Number(amount);
  if (!Number.isFinite(value)) return '—';
  const code = typeof currency === 'string' ? currency : '';
  try {
    return new Intl.NumberFormat(locale, { style: 'currency', currency: code, currencyDisplay: 'code' }).format(value);
  } catch {
    return `${value.toLocaleString(locale)} ${code}`.trim();
  }
}

/** The order's amount, and the reporting-currency amount the thresholds compare when the currencies differ. */
export function orderAmounts(order: Record<string, unknown> | null, locale?: string): { amount: string; reporting: string | null } {
  if (!order) return { amount: '—', reporting: null };
  const amount = money(order.amount, order.currency, locale);
  const differs = order.reportingCurrency !== undefined && order.reportingCurrency !== order.currency;
  return { amount, reporting: differs ? money(order.reportingAmount, order.reportingCurrency, locale) : null };
}

/** The customer's name (orders carry `customer: {name, …}`). */
export function customerName(order: Record<string, unknown> | null): string {
  const customer = order?.customer;
  if (typeof customer === 'string') return customer;
  const name = (customer as { name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : '—';
}

export function paymentTerms(value: unknown): string {
  return typeof value === 'string' ? (PAYMENT_TERMS[value] ?? value) : '—';
}

/** "5 min", "3 h 20 min", "2 days" since `since`. */
export function waitedFor(since: string, now: number = Date.now()): string {
  const minutes = Math.max(0, Math.floor((now - Date.parse(since)) / 60_000));
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  const days = Math.floor(hours / 24);
  return days === 1 ? '1 day' : `${days} days`;
}

/**
 * The tier is the task itself (its name and candidate groups); the reason is what
 * the diagram documents for it, with the amount the thresholds compared.
 */
export function approvalTier(task: TaskView, locale?: string): { tier: string; why: string } {
  const tier = task.name ?? task.elementId;
  const compared = task.order ? comparedAmount(task.order, locale) : null;
  const documented = task.documentation ?? '';
  const why = [compared ? `This order is ${compared}.` : '', documented].filter(Boolean).join(' ');
  return { tier, why: why || `A step of ${task.processName ?? task.processKey}.` };
}

/** "UserTask_ApproveBySalesDirector" → "Approve by sales director" (history names elements by id). */
export function elementLabel(elementId: string | null): string {
  if (!elementId) return '';
  const words = elementId.replace(/^[A-Za-z]+_/, '').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

// helpers

function comparedAmount(order: Record<string, unknown>, locale: string | undefined): string | null {
  if (order.reportingAmount === undefined) return order.amount === undefined ? null : money(order.amount, order.currency, locale);
  return money(order.reportingAmount, order.reportingCurrency, locale);
}
