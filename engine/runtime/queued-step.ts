// A step waiting in the step executor's queue, and what running it leaves behind: shapes of their
// own so the modules that queue steps (call activities, incidents, messages) need not import step-executor.ts.
import type { StepEvent } from '../api.js';
import type { FeelInput } from '../feel/feel-expression.js';
import type { HistoryRow, InstanceRow } from '../store/types.js';
import type { StepAction } from './instance-step.js';

export type StepKind = StepEvent['action'];

export interface QueuedStep {
  instance: InstanceRow;
  isNew: boolean;
  action: StepAction;
  kind: StepKind;
  history: HistoryRow[];
  /** Who caused the step (the authenticated user); steps it queues inherit it. Null for the scheduler. */
  actor?: string | null;
  /**
   * How many calls deep this step's instance runs (call-activities.ts), set on a child started in this public call:
   * a speculation has not written its callers, so reading them up would not find them.
   */
  callDepth?: number;
}

/** What a step left behind: the steps it queued, and the incident it raised (if it failed). */
export interface StepOutcome {
  follow: QueuedStep[];
  incident: InstanceRow['incident'];
  inputs?: FeelInput[];
}
