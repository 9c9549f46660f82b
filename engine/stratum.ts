import type { Stratum, StratumOptions } from './index.js';

/** Opens the library and runtime on a migrated store. */
export async function openStratum(options: StratumOptions): Promise<Stratum> {
  void options;
  throw new Error('openStratum: not implemented yet');
}
