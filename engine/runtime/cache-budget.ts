// The memory budget of an in-process cache: a number of megabytes from the
// environment, or a default share of the machine's memory with a ceiling.
import { totalmem } from 'node:os';
import { ConfigurationError } from '../errors.js';
import { decimalSetting } from '../setting-number.js';

/** Bytes: `variable` in megabytes (decimal, ≥ 0; 0 turns the cache off) when set, else `share` of the memory, at most `ceilingMb`. */
export function cacheBudgetBytes(variable: string, share: number, ceilingMb: number): number {
  const configured = process.env[variable];
  if (configured !== undefined && configured.trim() !== '') {
    const megabytes = decimalSetting(configured);
    if (!Number.isFinite(megabytes) || megabytes < 0) throw new ConfigurationError(variable, `${variable} must be a number of megabytes ≥ 0, not ${configured}`);
    return Math.floor(megabytes * 1024 * 1024);
  }
  return Math.min(ceilingMb * 1024 * 1024, Math.floor(totalmem() * share));
}
