// Refused attempts at a control (a task completion four eyes or the candidate groups refuse, a job completion
// held by an open order change) leave an entry in the order's history, so an auditor sees who tried what and
// why it was refused. The refusal rolls its own step back; the entry is written after, in a transaction of its
// own. It is not a decision: four eyes reads only `task.completed`, the order's path only what moved it.
import { StratumError } from '../errors.js';
import type { WaitRow } from '../store/types.js';
import type { StepExecutor } from './step-executor.js';

/** A refusal thrown inside a step, with the wait it was about and what the caller sent. */
export interface RefusedAttempt {
  wait: WaitRow;
  error: StratumError;
  data: Record<string, unknown>;
}

/** Keeps `attempt` as `event` (`task.refused`, `job.refused`) in the history of its wait's instance. */
export async function recordRefusedAttempt(steps: StepExecutor, attempt: RefusedAttempt, actor: string, event: string, elementType: string | null): Promise<void> {
  const { wait, error, data } = attempt;
  const reason = typeof error.details?.reason === 'string' ? error.details.reason : error.code;
  await steps.inTransaction((tx) => tx.appendHistory([
    steps.rows.waitHistory(wait, actor, event, elementType, { ...data, reason, refusal: error.message }),
  ]));
}

/** Where a step notes the refusal it is about to throw, for `recordingRefusal`. */
export type AttemptNote = { current?: RefusedAttempt };

/** Runs `check` (a control); a refusal it throws is noted in `attempt`, with its wait and what the caller sent. */
export async function noteRefusal(attempt: AttemptNote, wait: WaitRow, data: Record<string, unknown>, check: () => void | Promise<void>): Promise<void> {
  try {
    await check();
  } catch (error) {
    if (error instanceof StratumError) attempt.current = { wait, error, data };
    throw error;
  }
}

/**
 * Runs `refusing` (a step); when it throws the refusal it noted in `attempt.current`, records that attempt before
 * passing the refusal on. Any other error (a lost race, a task no longer open) passes unrecorded.
 */
export async function recordingRefusal<T>(
  refusing: (attempt: AttemptNote) => Promise<T>,
  record: (attempt: RefusedAttempt) => Promise<void>,
): Promise<T> {
  const attempt: AttemptNote = {};
  try {
    return await refusing(attempt);
  } catch (error) {
    if (attempt.current && error === attempt.current.error) await record(attempt.current);
    throw error;
  }
}
