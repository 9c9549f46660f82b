// Reads the operator's rate table file (STRATUM_RATES). Node-only.
import { readFileSync } from 'node:fs';
import { StratumError } from '../errors.js';
import { parseRateTable, type RateTable } from './rate-table.js';

export function loadRateTable(path: string): RateTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new StratumError('invalid', `${path}: the rate table cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new StratumError('invalid', `${path}: the rate table is not JSON (${(error as Error).message})`);
  }
  return parseRateTable(json, path);
}
