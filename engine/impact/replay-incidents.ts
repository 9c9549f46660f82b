// Incidents in both replays (replay-sandbox.ts, fast-replay.ts), as the runtime keeps them (runtime/incidents.ts):
// a replayed step that fails, or a recorded job failure that used the last retry, leaves an incident open, and
// a recorded retry of an incident at the same element takes it up again — a failed step runs again on the state
// before it, a job is handed out again — with the retry's variables, under the runtime's check of them — and a
// recorded cancel that closed an incident at the same element closes it with the order, as the runtime's cancel does.
// While an incident is open the order does nothing else: any other recorded action (the order went on in reality)
// ends the replay there: a failed step blocks the order, a failed job leaves it failed.
import type { ProcessModel } from '../bpmn/process-model.js';
import { retryWrites } from '../runtime/completion-variables.js';
import { blocked } from './replay-blocks.js';
import type { RecordedAction } from './recorded-orders.js';

export type RecordedRetry = Extract<RecordedAction, { kind: 'retry' }>;
type RecordedCancel = Extract<RecordedAction, { kind: 'cancel' }>;

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
 * What a recorded action does while an incident is open: a change request is still recorded (four eyes), and so is
 * a cancel that closed this incident (the order ends cancelled); a retry of this incident retries it; anything else
 * means the order went on in reality where the replay cannot.
 */
export function whileOpen(incident: OpenIncident, action: RecordedAction): 'apply' | 'retry' | 'stop' {
  if (action.kind === 'change') return 'apply';
  if (action.kind === 'cancel' && action.incidents?.some((closed) => sameIncident(incident, closed))) return 'apply';
  if (action.kind === 'retry' && sameIncident(incident, action)) return 'retry';
  return 'stop';
}

/**
 * What a recorded cancel closed that the replay has not open (`open`: the incident it has, if any): with none open,
 * the candidate raised none of them — the order went on until the cancel — and each is an action nothing waited for.
 */
export function notRaised(cancel: RecordedCancel, open: OpenIncident | undefined): { kind: 'cancel'; element: string }[] {
  if (open) return [];
  return (cancel.incidents ?? []).map((closed) => ({ kind: 'cancel', element: `${closed.processKey}/${closed.elementId}` }));
}

function sameIncident(incident: OpenIncident, recorded: { processKey: string; elementId: string; job: boolean }): boolean {
  return recorded.job === incident.job && recorded.processKey === incident.processKey && recorded.elementId === (incident.elementId ?? '');
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

/**
 * Whether a failed step leaves an incident open in the replay: only when the history retried an incident or its
 * cancel closed one, else the order blocks at once (nothing recorded could take the incident up).
 */
export function incidentsRecorded(actions: readonly RecordedAction[]): boolean {
  return actions.some((action) => action.kind === 'retry' || (action.kind === 'cancel' && Boolean(action.incidents?.length)));
}
