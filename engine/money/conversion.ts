// An order's amount checked against its currency's minor units and converted
// into the reporting currency, which is what the diagrams' thresholds compare.
import type { Currency } from './currencies.js';
import { currencyOf } from './currencies.js';
import { multiply, parseDecimal, roundHalfUp, toNumber, type Decimal } from './decimal.js';
import { rateOn, type RateTable } from './rate-table.js';

/** The largest amount accepted, in any currency: keeps every cent exact in a double. */
export const MAX_AMOUNT = 1e13;

export interface Conversion {
  /** The amount as entered, with its currency's minor units (2 for EUR: "1250.50"). */
  amount: Decimal;
  currency: Currency;
  /** Converted and rounded half away from zero to the reporting currency's minor units. */
  reportingAmount: Decimal;
  reportingCurrency: Currency;
  /** Units of the reporting currency for one unit of `currency`. */
  exchangeRate: Decimal;
  /** YYYY-MM-DD: the day the rate applies from. */
  rateDate: string;
}

/** A refused field of the order, as a JSON pointer and what is wrong. */
interface MoneyProblem {
  field: '/amount' | '/currency';
  message: string;
}

export type ConversionResult = { ok: true; conversion: Conversion } | { ok: false; problems: MoneyProblem[] };

/** Checks `amount` in `currency` and converts it at the rate of `day` (YYYY-MM-DD). */
export function convertOrderAmount(amount: unknown, currencyCode: unknown, table: RateTable, day: string): ConversionResult {
  const problems: MoneyProblem[] = [];
  const currency = typeof currencyCode === 'string' ? currencyOf(currencyCode) : undefined;
  if (!currency) {
    problems.push({ field: '/currency', message: `${JSON.stringify(currencyCode)} is not an ISO 4217 currency code` });
  }
  const exact = typeof amount === 'number' ? parseDecimal(amount) : undefined;
  if (!exact || typeof amount !== 'number' || !(amount > 0) || amount > MAX_AMOUNT) {
    problems.push({ field: '/amount', message: `must be a number greater than 0 and at most ${MAX_AMOUNT}, not ${JSON.stringify(amount ?? null)}` });
  } else if (currency && exact.scale > currency.minorUnits) {
    const allowed = currency.minorUnits === 0 ? 'no decimals' : `at most ${currency.minorUnits} decimal${currency.minorUnits === 1 ? '' : 's'}`;
    problems.push({ field: '/amount', message: `${currency.code} has ${allowed}; ${amount} has ${exact.scale}` });
  }
  if (!currency) return { ok: false, problems };
  const rate = rateOn(table, currency.code, day);
  if (!rate) {
    problems.push({
      field: '/currency',
      message: `no exchange rate from ${currency.code} to ${table.reportingCurrency.code} applies on ${day} in the rate table; the operator adds one to ${table.source}`,
    });
  }
  if (problems.length || !exact || !rate) return { ok: false, problems };

  const entered = roundHalfUp(exact, currency.minorUnits); // only pads: the scale was checked above
  const reporting = roundHalfUp(multiply(entered, rate.rate), table.reportingCurrency.minorUnits);
  return {
    ok: true,
    conversion: {
      amount: entered,
      currency,
      reportingAmount: reporting,
      reportingCurrency: table.reportingCurrency,
      exchangeRate: rate.rate,
      rateDate: rate.date,
    },
  };
}

/** The process variables of a conversion: numbers for FEEL, the rate's date as text. */
export function conversionVariables(conversion: Conversion) {
  return {
    reportingAmount: toNumber(conversion.reportingAmount),
    reportingCurrency: conversion.reportingCurrency.code,
    exchangeRate: toNumber(conversion.exchangeRate),
    rateDate: conversion.rateDate,
  };
}
