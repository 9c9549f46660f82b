// A worker that held a job when its order was cancelled learns of the cancel only when it reports back: the job is
// gone, and its completion, failure or BPMN error is answered 404 as any unknown job's. What it reports (goods
// shipped, a plan made after the cancel) is kept in the cancelled instance's history as `job.refused` with
// `reason: "instance-cancelled"`, so the order's audit shows the work the cancel cut off instead of nothing. Only a
// job the cancel's `instance.cancelled` entry names as closed counts (cancel.ts): an id made up to look like one of
// the order's writes nothing.
import { StratumError } from '../errors.js';
import { keptUnderLock, keptVariables, KEPT_PER_PERSON, withLastKept } from './refused-attempts.js';
import { callerEntry, type StepCaller } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';

/** The word a late call about a job its order's cancel closed is kept under. */
const INSTANCE_CANCELLED = 'instance-cancelled';

interface ClosedJob { jobId: string; elementId: string; jobType: string | null; lockedBy?: string }

/** Runs `call` (a job's completion, failure or BPMN error); when it finds no such job, keeps it as a late call if a cancel closed the job. */
export async function keepingLateJobCall<T>(steps: StepExecutor, jobId: string, sent: Record<string, unknown>, caller: StepCaller, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof StratumError && error.code === 'not-found') await keepLateJobCall(steps, jobId, sent, caller, error.message);
    throw error;
  }
}

async function keepLateJobCall(steps: StepExecutor, jobId: string, sent: Record<string, unknown>, caller: StepCaller, refusal: string): Promise<void> {
  // a job's id is its instance's id and its execution's (instance-step.ts)
  const instanceId = jobId.slice(0, Math.max(0, jobId.indexOf(':')));
  if (!instanceId) return;
  await steps.inTransaction(async (tx) => {
    const instance = await tx.getInstance(instanceId);
    if (instance?.status !== 'cancelled') return;
    const [cancelled] = await tx.historyOf([instanceId], { event: 'instance.cancelled' });
    const closed = (cancelled?.data?.closedJobs as ClosedJob[] | undefined)?.find((job) => job.jobId === jobId);
    if (!closed) return;
    const kept = await keptUnderLock(tx, instanceId, 'job.refused', caller.actor, (entry) => entry.waitId === jobId && entry.data?.reason === INSTANCE_CANCELLED);
    if (kept >= KEPT_PER_PERSON) return;
    const data = withLastKept({
      ...keptVariables({ ...sent, jobType: closed.jobType }), ...(closed.lockedBy !== undefined && { lockedBy: closed.lockedBy }),
      reason: INSTANCE_CANCELLED, refusal, cancelledAt: cancelled.at, cancelledBy: cancelled.actor,
    }, kept);
    await tx.appendHistory([callerEntry({ ...steps.rows.history(instanceId, caller.actor, 'job.refused', closed.elementId, null, data), waitId: jobId }, caller)]);
  });
}
