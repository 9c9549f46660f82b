// The StratumError an engine call is refused with, typed, for tests that
// read its code and details.
import { StratumError } from '../../engine/errors.js';

/** Awaits `promise` and returns its StratumError; fails the test if it succeeds or fails with anything else. */
export async function refusalOf(promise: Promise<unknown>): Promise<StratumError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    if (error instanceof StratumError) return error;
    throw error;
  }
  throw new Error(`expected a refusal, but the call succeeded with ${JSON.stringify(outcome)}`);
}
