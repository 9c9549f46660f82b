// Money: ISO 4217 currencies with their minor units, a dated rate table, and
// the exact conversion that the approval thresholds compare.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { convertOrderAmount, conversionVariables } from '../../../engine/money/conversion.js';
import { currencyOf, NOT_MONEY } from '../../../engine/money/currencies.js';
import { formatDecimal, parseDecimal, roundHalfUp } from '../../../engine/money/decimal.js';
import { loadRateTable } from '../../../engine/money/rate-file.js';
import { parseRateTable, rateOn } from '../../../engine/money/rate-table.js';
import { StratumError } from '../../../engine/errors.js';
import { anyText, textContaining, textMatching } from '../../support/matchers.js';

const TABLE = parseRateTable(
  {
    reportingCurrency: 'CNY',
    rates: [
      { currency: 'EUR', rate: '8.00', date: '2026-01-02' },
      { currency: 'EUR', rate: '8.25', date: '2026-02-01' },
      { currency: 'JPY', rate: '0.05', date: '2026-01-02' },
      { currency: 'KWD', rate: '25', date: '2026-01-02' },
      { currency: 'USD', rate: 7.125, date: '2026-01-02' },
      { currency: 'CHF', rate: '8.245', date: '2026-01-02' },
    ],
  },
  'rates.json',
);
const DAY = '2026-01-05';

function converted(amount: number, currency: string, day = DAY) {
  const result = convertOrderAmount(amount, currency, TABLE, day);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return { ...conversionVariables(result.conversion), amount: formatDecimal(result.conversion.amount) };
}

function refusal(amount: unknown, currency: unknown, day = DAY) {
  const result = convertOrderAmount(amount, currency, TABLE, day);
  if (result.ok) throw new Error(`expected ${String(amount)} ${String(currency)} to be refused`);
  return result.problems;
}

describe('currencies', () => {
  it('knows the minor units of ISO 4217: 2 for EUR, 0 for JPY, 3 for KWD', () => {
    expect(currencyOf('EUR')?.minorUnits).toBe(2);
    expect(currencyOf('JPY')?.minorUnits).toBe(0);
    expect(currencyOf('KWD')?.minorUnits).toBe(3);
    expect(currencyOf('CNY')?.minorUnits).toBe(2);
  });

  it('refuses codes that are not ISO 4217 currencies, whatever their shape', () => {
    for (const code of ['ABC', 'XYZ', 'EURO', 'eur', '', 'EU']) expect(currencyOf(code), code).toBeUndefined();
  });

  it('refuses ISO units that are not money: gold, SDR, the testing code, "no currency"', () => {
    for (const code of ['XAU', 'XDR', 'XTS', 'XXX']) expect(currencyOf(code), code).toBeUndefined();
  });

  it('leaves out exactly the entries whose minor unit ISO gives as N.A. in the list the package ships', () => {
    const xml = readFileSync(createRequire(import.meta.url).resolve('currency-codes/iso-4217-list-one.xml'), 'utf8');
    const notApplicable = new Set(
      [...xml.matchAll(/<CcyNtry>([\s\S]*?)<\/CcyNtry>/g)]
        .map((entry) => entry[1])
        .filter((entry) => /<CcyMnrUnts>N\.A\.<\/CcyMnrUnts>/.test(entry))
        .map((entry) => /<Ccy>([A-Z]{3})<\/Ccy>/.exec(entry)?.[1])
        .filter((code): code is string => code !== undefined),
    );
    expect([...NOT_MONEY].sort()).toEqual([...notApplicable].sort());
  });
});

describe('decimals', () => {
  it('reads numbers exactly as written, also in exponent form', () => {
    expect(formatDecimal(parseDecimal(500_000.01)!)).toBe('500000.01');
    expect(formatDecimal(parseDecimal('1e-7')!)).toBe('0.0000001');
    expect(formatDecimal(parseDecimal(1e21)!)).toBe('1000000000000000000000');
    expect(parseDecimal(Number.NaN)).toBeUndefined();
    expect(parseDecimal(Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(parseDecimal('7,12')).toBeUndefined();
  });

  it('rounds half away from zero', () => {
    expect(formatDecimal(roundHalfUp(parseDecimal('500000.005')!, 2))).toBe('500000.01');
    expect(formatDecimal(roundHalfUp(parseDecimal('500000.0049')!, 2))).toBe('500000.00');
    expect(formatDecimal(roundHalfUp(parseDecimal('-0.005')!, 2))).toBe('-0.01');
    expect(formatDecimal(roundHalfUp(parseDecimal('12')!, 3))).toBe('12.000');
  });
});

describe('converting an order amount into the reporting currency', () => {
  it('keeps an amount in the reporting currency as it is, at rate 1', () => {
    expect(converted(500_000, 'CNY')).toEqual({
      amount: '500000.00', reportingAmount: 500_000, reportingCurrency: 'CNY', exchangeRate: 1, rateDate: DAY,
    });
  });

  it('puts 62,500.00 EUR exactly on the 500,000.00 CNY threshold and 62,500.01 EUR above it', () => {
    expect(converted(62_500, 'EUR').reportingAmount).toBe(500_000);
    expect(converted(62_500.01, 'EUR').reportingAmount).toBe(500_000.08);
  });

  it('converts with decimals, not doubles: 0.1 + 0.2 style errors cannot move an order across a threshold', () => {
    // 60,001 CHF × 8.245 = 494,708.245 exactly → 494,708.25; the double product 494708.24499999994 would round down
    expect(converted(60_001, 'CHF').reportingAmount).toBe(494_708.25);
    expect(converted(70_175.44, 'USD').reportingAmount).toBe(500_000.01);
    // 10,000,000 JPY × 0.05 = 500,000.00: approved automatically, not a cent above
    expect(converted(10_000_000, 'JPY').reportingAmount).toBe(500_000);
    expect(converted(10_000_001, 'JPY').reportingAmount).toBe(500_000.05);
  });

  it('rounds the converted amount half away from zero to the reporting currency\'s cents', () => {
    // 20,000.001 KWD × 25 = 500,000.025 CNY → 500,000.03
    expect(converted(20_000.001, 'KWD').reportingAmount).toBe(500_000.03);
    expect(converted(19_999.999, 'KWD').reportingAmount).toBe(499_999.98);
  });

  it('refuses yen with decimals and accepts whole yen', () => {
    expect(refusal(600_000.5, 'JPY')).toEqual([{ field: '/amount', message: textContaining('JPY has no decimals') }]);
    expect(converted(600_000, 'JPY')).toMatchObject({ amount: '600000', reportingAmount: 30_000 });
  });

  it('accepts three decimals for the Kuwaiti dinar and refuses four; refuses three for the euro', () => {
    expect(converted(499_999.999, 'KWD').amount).toBe('499999.999');
    expect(refusal(1.0001, 'KWD')).toEqual([{ field: '/amount', message: textContaining('at most 3 decimals') }]);
    expect(refusal(500_000.001, 'EUR')).toEqual([{ field: '/amount', message: textContaining('at most 2 decimals') }]);
  });

  it('refuses amounts that are not positive finite numbers', () => {
    for (const amount of [0, -0.01, -1_000, Number.NaN, Number.POSITIVE_INFINITY, 1e14, '100', null]) {
      expect(refusal(amount, 'EUR'), String(amount)).toEqual([{ field: '/amount', message: anyText() }]);
    }
  });

  it('refuses an unknown currency, naming the currency', () => {
    expect(refusal(100, 'ABC')).toEqual([{ field: '/currency', message: '"ABC" is not an ISO 4217 currency code' }]);
  });

  it('refuses a currency without a rate, naming the currency and the rate table', () => {
    expect(refusal(100, 'GBP')).toEqual([{ field: '/currency', message: textMatching(/no exchange rate from GBP to CNY .*rates\.json/) }]);
  });

  it('uses the newest rate dated on or before the order\'s day, never a future one', () => {
    expect(converted(100, 'EUR', '2026-01-31')).toMatchObject({ exchangeRate: 8, rateDate: '2026-01-02', reportingAmount: 800 });
    expect(converted(100, 'EUR', '2026-02-01')).toMatchObject({ exchangeRate: 8.25, rateDate: '2026-02-01', reportingAmount: 825 });
    expect(refusal(100, 'EUR', '2026-01-01')).toEqual([{ field: '/currency', message: textContaining('on 2026-01-01') }]);
    expect(rateOn(TABLE, 'EUR', '2027-01-01')?.date).toBe('2026-02-01');
  });
});

describe('the rate table', () => {
  const invalid = (json: unknown) => {
    try {
      parseRateTable(json, 'rates.json');
    } catch (error) {
      expect(error).toBeInstanceOf(StratumError);
      return (error as Error).message;
    }
    throw new Error('expected the table to be refused');
  };

  it('names the entry at fault', () => {
    expect(invalid({ reportingCurrency: 'RMB', rates: [] })).toMatch(/reportingCurrency must be an ISO 4217/);
    expect(invalid({ reportingCurrency: 'CNY', rates: [{ currency: 'EUR', rate: '-1', date: '2026-01-02' }] })).toMatch(/rates\[0\]\.rate must be a positive decimal/);
    expect(invalid({ reportingCurrency: 'CNY', rates: [{ currency: 'EUR', rate: '8', date: '2026-02-30' }] })).toMatch(/rates\[0\]\.date must be a day/);
    expect(invalid({ reportingCurrency: 'CNY', rates: [{ currency: 'ABC', rate: '8', date: '2026-01-02' }] })).toMatch(/rates\[0\]\.currency/);
    expect(invalid({ reportingCurrency: 'CNY', rates: [{ currency: 'CNY', rate: '2', date: '2026-01-02' }] })).toMatch(/reporting currency/);
    expect(
      invalid({ reportingCurrency: 'CNY', rates: [{ currency: 'EUR', rate: '8', date: '2026-01-02' }, { currency: 'EUR', rate: '9', date: '2026-01-02' }] }),
    ).toMatch(/rates\[1\] is a second EUR rate dated 2026-01-02/);
    expect(invalid({ reportingCurrency: 'CNY', rates: [], reporting: 'CNY' })).toMatch(/reporting is not a field/);
  });

  it('ships a sample in CNY that prices the common currencies', () => {
    const sample = loadRateTable(new URL('../../../server/rates.sample.json', import.meta.url).pathname);
    expect(sample.reportingCurrency.code).toBe('CNY');
    for (const code of ['CNY', 'USD', 'EUR', 'JPY', 'GBP', 'HKD', 'KWD', 'CHF']) {
      expect(convertOrderAmount(1000, code, sample, '2026-12-01').ok, code).toBe(true);
    }
  });
});
