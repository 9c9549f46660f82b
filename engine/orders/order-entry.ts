// What an entered order is: its fields checked (money included), the order as
// kept, and the process variables it starts with. The runtime runs the entry
// in one transaction (runtime.enterOrder); this module decides what is valid.
import type { OrderEntry } from '../api.js';
import { StratumError, type FieldProblem } from '../errors.js';
import { convertOrderAmount, conversionVariables, type Conversion } from '../money/conversion.js';
import { formatDecimal } from '../money/decimal.js';
import type { RateTable } from '../money/rate-table.js';
import { GUARANTEED_ORDER_ENTRIES } from './order-fields.js';
import type { OrderRow } from '../store/types.js';

/** The order as entered and converted: tasks, jobs and messages add to it but never change it. */
export const ORDER_VARIABLES = [
  'orderNo', 'customer', 'amount', 'currency', 'paymentTerms', 'specialChange',
  'reportingAmount', 'reportingCurrency', 'exchangeRate', 'rateDate',
] as const;

export const PAYMENT_TERMS = ['credit', 'prepaid-at-entry', 'prepaid-at-shipment'] as const;

/** The order as kept and compared: the six order fields, `specialChange` null when absent. */
export function orderAsEntered(order: OrderEntry): Record<string, unknown> {
  return {
    orderNo: order.orderNo,
    customer: order.customer,
    amount: order.amount,
    currency: order.currency,
    paymentTerms: order.paymentTerms,
    specialChange: order.specialChange ?? null,
  };
}

/** Names a URL path cannot carry as one segment (RFC 3986 dot segments): an order number's, a change's id. */
const DOT_SEGMENTS: readonly string[] = ['.', '..'];

/** Whether `name` as a path segment would be resolved away, so that no URL could name what it names. */
export const isDotSegment = (name: string): boolean => DOT_SEGMENTS.includes(name);

/** A repeated entry is the same order when its fields are equal, whatever their key order. */
export function isSameOrder(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Checks the fields the engine relies on and converts the amount at the rate
 * of `day` (YYYY-MM-DD). Throws StratumError('invalid') naming every field at
 * fault as a JSON pointer into the order.
 */
export function checkOrder(order: OrderEntry, rates: RateTable, day: string): Conversion {
  const problems: FieldProblem[] = [];
  if (typeof order.orderNo !== 'string' || order.orderNo.trim() === '') {
    problems.push({ field: '/orderNo', message: 'must be a non-empty text' });
  } else if (isDotSegment(order.orderNo)) {
    // URL parsers (fetch, browsers, proxies) resolve them away: GET /api/orders/./changes reads the order numbered changes
    problems.push({ field: '/orderNo', message: `may not be ${order.orderNo}: in a URL path it is a relative segment, so /api/orders/{orderNo} could never name the order` });
  }
  for (const entry of GUARANTEED_ORDER_ENTRIES.customer) {
    const value = order.customer?.[entry];
    if (typeof value !== 'string' || value.trim() === '') problems.push({ field: `/customer/${entry}`, message: 'must be a non-empty text' });
  }
  if (!(PAYMENT_TERMS as readonly string[]).includes(order.paymentTerms)) {
    problems.push({ field: '/paymentTerms', message: `must be one of ${PAYMENT_TERMS.join(', ')}` });
  }
  const money = convertOrderAmount(order.amount, order.currency, rates, day);
  if (!money.ok) problems.push(...money.problems);
  if (problems.length || !money.ok) {
    throw new StratumError('invalid', `order ${String(order.orderNo)} is refused: ${problems.map((p) => `${p.field.slice(1)} ${p.message}`).join('; ')}`, {
      errors: problems,
    });
  }
  return money.conversion;
}

/** The variables an order starts its process with: the order fields and the converted amount. */
export function orderVariables(order: OrderEntry, conversion: Conversion): Record<string, unknown> {
  return { ...orderAsEntered(order), ...conversionVariables(conversion) };
}

export function orderRow(order: OrderEntry, conversion: Conversion, row: Pick<OrderRow, 'processKey' | 'instanceId' | 'enteredBy' | 'enteredAt'>): OrderRow {
  return {
    ...row,
    orderNo: order.orderNo,
    order: orderAsEntered(order),
    amount: formatDecimal(conversion.amount),
    currency: conversion.currency.code,
    reportingAmount: formatDecimal(conversion.reportingAmount),
    reportingCurrency: conversion.reportingCurrency.code,
    exchangeRate: formatDecimal(conversion.exchangeRate),
    rateDate: conversion.rateDate,
  };
}

// helpers

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
