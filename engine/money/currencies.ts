// ISO 4217 currencies with their minor units, from the maintained list of the
// `currency-codes` package (its data follows ISO's published list). Orders are
// priced in money, so the list's units of account, precious metals, bond units
// and testing codes (ISO's entries whose minor unit is "N.A.", which the
// package reports as 0) are not order currencies.
import currencyCodes from 'currency-codes';

export interface Currency {
  code: string;
  name: string;
  /** Digits after the point: 2 for EUR, 0 for JPY, 3 for KWD. */
  minorUnits: number;
}

/** ISO 4217 entries with minor unit "N.A." (test/engine/money checks this against the package's ISO XML). */
export const NOT_MONEY = new Set(['XAG', 'XAU', 'XBA', 'XBB', 'XBC', 'XBD', 'XDR', 'XPD', 'XPT', 'XSU', 'XTS', 'XUA', 'XXX']);

export function currencyOf(code: string): Currency | undefined {
  if (NOT_MONEY.has(code)) return undefined;
  const record = currencyCodes.code(code);
  if (!record || record.code !== code) return undefined;
  return { code: record.code, name: record.currency, minorUnits: record.digits };
}

/** Every order currency, sorted: for the JSON schema's enum. */
export function currencyCodesForOrders(): string[] {
  return currencyCodes.codes().filter((code) => !NOT_MONEY.has(code)).sort();
}

