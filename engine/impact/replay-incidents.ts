// Incidents in both replays (replay-sandbox.ts, fast-replay.ts), as the runtime keeps them (runtime/incidents.ts):
// a replayed step that fails, or a recorded job failure that used the last retry, leaves an incident open, and
// a recorded retry of an incident at the same element takes it up again — a failed step runs again on the state
// before it, a job is handed out again — with the retry's variables, under the runtime's check of them. While an
// incident is open the order does nothing else: any other recorded action (the order went on in reality) ends the
// replay there, as before there were retries: a failed step blocks the order, a failed job leaves it failed.
import type { ProcessModel } from '../bpmn/process-model.js';
import { retryWrites } from '../runtime/completion-variables.js';
import { blocked } from './replay-blocks.js';
import type { RecordedAction } from './recorded-orders.js';

export type RecordedRetry = Extract<RecordedAction, { kind: 'retry' }>;

/** An incident open in a replay: where it was raised and what kind it is. */
export interface OpenIncident {
  processKey: string;
  elementId: string | null;
  /** A job out of retries (the job waits on); else a failed step. */
  job: boolean;
  /** `processKey/elementId` and its name, for a block at the incident. */
  element: string;
  name: string | null;
}

/**
 * What a recorded action does while an incident is open: a change request is still recorded (four eyes), a retry
 * of this incident retries it, anything else means the order went on in reality where the replay cannot.
 */
export function whileOpen(incident: OpenIncident, action: RecordedAction): 'apply' | 'retry' | 'stop' {
  if (action.kind === 'change') return 'apply';
  if (action.kind === 'retry' && action.job === incident.job && action.processKey === incident.processKey && action.elementId === (incident.elementId ?? '')) {
    return 'retry';
  }
  return 'stop';
}

/** The retry's variables as the runtime takes them (never what an element of the order's processes decides); refused, the order blocks at the incident. */
export function retryVariables(retry: RecordedRetry, incident: OpenIncident, models: readonly ProcessModel[]): Record<string, unknown> | undefined {
  if (!retry.variables) return undefined;
  try {
    return retryWrites(models, retry.variables, `the retry of incident ${retry.incidentId}`);
  } catch (error) {
    throw blocked(incident.element, incident.name, 'decision-refused', (error as Error).message);
  }
}

/** Whether the order's history holds any incident retry: only then does a replay keep what a retry needs. */
export function retriesRecorded(actions: readonly RecordedAction[]): boolean {
  return actions.some((action) => action.kind === 'retry');
}
