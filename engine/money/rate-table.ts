// The operator's exchange-rate table: how much one unit of a currency is worth
// in the library's reporting currency, from a date on. Thresholds in the
// diagrams are amounts in the reporting currency, so the table names it.
//
//   { "reportingCurrency": "CNY",
//     "rates": [ { "currency": "EUR", "rate": "7.8125", "date": "2026-11-30" } ] }
//
// A rate applies from its date until a later-dated rate for the same currency;
// a rate dated after the order's day is not used yet.
import { StratumError } from '../errors.js';
import { currencyOf, type Currency } from './currencies.js';
import { normalize, parseDecimal, type Decimal } from './decimal.js';
import { isRecord } from '../variables/is-record.js';

interface DatedRate {
  currency: string;
  /** Units of the reporting currency for one unit of `currency`. */
  rate: Decimal;
  /** YYYY-MM-DD: the day the rate applies from. */
  date: string;
}

export interface RateTable {
  reportingCurrency: Currency;
  /** Per currency, newest first. */
  rates: Map<string, DatedRate[]>;
  /** Where the table came from, for messages (a file name). */
  source: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Validates a parsed JSON rate table; throws StratumError('invalid') naming the entry at fault. */
export function parseRateTable(json: unknown, source: string): RateTable {
  // a declaration, not an arrow: only so does a call narrow what it refuses
  function fail(where: string, problem: string): never {
    throw new StratumError('invalid', `${source}: ${where} ${problem}`);
  }
  if (!isRecord(json)) return fail('the table', 'must be an object with reportingCurrency and rates');
  const unknownKeys = Object.keys(json).filter((key) => !['reportingCurrency', 'rates', 'description'].includes(key));
  if (unknownKeys.length) fail(unknownKeys.join(', '), 'is not a field of a rate table (reportingCurrency, rates, description)');
  const reportingCode = json.reportingCurrency;
  const reportingCurrency = typeof reportingCode === 'string' ? currencyOf(reportingCode) : undefined;
  if (!reportingCurrency) return fail('reportingCurrency', `must be an ISO 4217 currency code, not ${JSON.stringify(reportingCode)}`);
  if (!Array.isArray(json.rates)) return fail('rates', 'must be a list');

  const rates = new Map<string, DatedRate[]>();
  json.rates.forEach((entry: unknown, index: number) => {
    const where = `rates[${index}]`;
    if (!isRecord(entry)) return fail(where, 'must be an object with currency, rate and date');
    const extra = Object.keys(entry).filter((key) => !['currency', 'rate', 'date', 'source'].includes(key));
    if (extra.length) fail(`${where}.${extra[0]}`, 'is not a field of a rate (currency, rate, date, source)');
    const code = entry.currency;
    if (typeof code !== 'string' || !currencyOf(code)) fail(`${where}.currency`, `must be an ISO 4217 currency code, not ${JSON.stringify(code)}`);
    if (code === reportingCurrency.code) fail(`${where}.currency`, `is the reporting currency ${code}, whose rate is always 1`);
    // Rates as text keep every digit the operator wrote; a JSON number is read through its shortest form.
    const rate = typeof entry.rate === 'string' || typeof entry.rate === 'number' ? parseDecimal(entry.rate) : undefined;
    if (!rate || rate.units <= 0n) fail(`${where}.rate`, `must be a positive decimal, not ${JSON.stringify(entry.rate)}`);
    if (rate.scale > 12) fail(`${where}.rate`, 'has more than 12 decimals');
    const date = entry.date;
    if (typeof date !== 'string' || !isCalendarDay(date)) fail(`${where}.date`, `must be a day as YYYY-MM-DD, not ${JSON.stringify(date)}`);
    const list = rates.get(code) ?? [];
    if (list.some((other) => other.date === date)) fail(`${where}`, `is a second ${code} rate dated ${date}`);
    list.push({ currency: code, rate: normalize(rate), date });
    rates.set(code, list);
  });
  for (const list of rates.values()) list.sort((a, b) => b.date.localeCompare(a.date));
  return { reportingCurrency, rates, source };
}

/** The rate for `currency` on `day` (YYYY-MM-DD): the newest dated on or before it. The reporting currency is 1 on every day. */
export function rateOn(table: RateTable, currency: string, day: string): { rate: Decimal; date: string } | undefined {
  if (currency === table.reportingCurrency.code) return { rate: { units: 1n, scale: 0 }, date: day };
  const entry = table.rates.get(currency)?.find((candidate) => candidate.date <= day);
  return entry && { rate: entry.rate, date: entry.date };
}

// helpers

function isCalendarDay(text: string): boolean {
  if (!DAY.test(text)) return false;
  const date = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text;
}
