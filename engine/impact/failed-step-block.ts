// The block of a replayed step that fails, as both replays give it: the runtime's incident, with its reason where
// the runtime gives one. An assignment expression that gives a server role is refused, not a failure of the
// recorded data (`assignment-refused`); every other failure stays `step-failed`.
import type { StepIncident } from '../store/types.js';
import type { ReplayBlock } from './impact-report.js';

export function failedStepBlock(element: string, name: string | null, incident: Pick<StepIncident, 'message' | 'reason'>): ReplayBlock {
  const { message, reason } = incident;
  return {
    element, name, reason: reason?.kind === 'assignment-server-role' ? 'assignment-refused' : 'step-failed', message,
    ...(reason && { incident: reason }),
  };
}
