// How both replays stop an order that cannot go on: a Blocked error carrying the block the report shows.
// A failed step's block is the runtime's incident, with its reason where the runtime gives one: an
// assignment expression that gives a server role is refused, not a failure of the recorded data
// (`assignment-refused`); every other failure stays `step-failed`.
import type { StepIncident } from '../store/types.js';
import type { ReplayBlock } from './impact-report.js';

/** Thrown inside a replay; the replay answers the order `blocked` with its block. */
export class Blocked extends Error {
  constructor(readonly block: ReplayBlock) {
    super(block.message);
  }
}

export function blocked(element: string, name: string | null, reason: ReplayBlock['reason'], message: string): Blocked {
  return new Blocked({ element, name, reason, message });
}

export function failedStepBlock(element: string, name: string | null, incident: Pick<StepIncident, 'message' | 'reason'>): ReplayBlock {
  const { message, reason } = incident;
  return {
    element, name, reason: reason?.kind === 'assignment-server-role' ? 'assignment-refused' : 'step-failed', message,
    ...(reason && { incident: reason }),
  };
}
