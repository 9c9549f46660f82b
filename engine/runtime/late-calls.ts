// Whoever held a job or a task when its order was cancelled learns of the cancel only when they report back: the job
// or task is gone, and a worker's completion, failure or BPMN error, or an approver's decision, is answered 404 as any
// unknown id's. What they report (goods shipped, a plan made, an approval given after the cancel) is kept in the
// cancelled instance's history as `job.refused` or `task.refused` with `reason: "instance-cancelled"`, so the
// order's audit shows the work the cancel cut off instead of nothing. The same holds for a called instance whose caller
// left its call activity (an order rejected while a change was acknowledged: abandoned-calls.ts). Only a job or task
// the `instance.cancelled` entry names as closed counts (closed-waits.ts): an id made up to look like one of the
// order's writes nothing.
import { StratumError } from '../errors.js';
import { keptUnderLock, keptVariables, KEPT_PER_PERSON, withLastKept } from './refused-attempts.js';
import { callerEntry, type StepCaller } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';

/** The word a late call about a job or task its order's cancel closed is kept under. */
const INSTANCE_CANCELLED = 'instance-cancelled';

/** What a cancel keeps of an open job or task it closed (instance.cancelled's `closedJobs`, `closedTasks`). */
interface ClosedWait { jobId?: string; taskId?: string; elementId: string; jobType?: string | null; lockedBy?: string; claimedBy?: string }

const KINDS = {
  job: { list: 'closedJobs', id: 'jobId', event: 'job.refused', elementType: null },
  task: { list: 'closedTasks', id: 'taskId', event: 'task.refused', elementType: 'bpmn:UserTask' },
} as const;

/** Runs `call` (a job's completion, failure or BPMN error; a task's completion); when it is refused, keeps it as a late call if a cancel closed its job or task. */
export async function keepingLateCall<T>(
  steps: StepExecutor, kind: keyof typeof KINDS, waitId: string, sent: Record<string, unknown>, caller: StepCaller, call: () => Promise<T>,
): Promise<T> {
  try {
    return await call();
  } catch (error) {
    // 404 once the cancel has committed; 409 (no longer open) when the call read the job or task just before and
    // waited for the cancel's lock: either way only a wait the cancel closed is kept (keepLateCall checks)
    if (error instanceof StratumError && (error.code === 'not-found' || error.code === 'conflict')) await keepLateCall(steps, kind, waitId, sent, caller, error.message);
    throw error;
  }
}

async function keepLateCall(steps: StepExecutor, kind: keyof typeof KINDS, waitId: string, sent: Record<string, unknown>, caller: StepCaller, refusal: string): Promise<void> {
  const { list, id, event, elementType } = KINDS[kind];
  // a job's or task's id is its instance's id and its execution's (instance-step.ts)
  const instanceId = waitId.slice(0, Math.max(0, waitId.indexOf(':')));
  if (!instanceId) return;
  // most refusals are of a task or job decided or moved on, not cancelled: a read tells, and only a cancel's takes the write lock
  if ((await steps.store.read((tx) => tx.getInstance(instanceId)))?.status !== 'cancelled') return;
  await steps.inTransaction(async (tx) => {
    const instance = await tx.getInstance(instanceId);
    if (instance?.status !== 'cancelled') return;
    const [cancelled] = await tx.historyOf([instanceId], { event: 'instance.cancelled' });
    const closed = (cancelled?.data?.[list] as ClosedWait[] | undefined)?.find((wait) => wait[id] === waitId);
    if (!closed) return;
    const kept = await keptUnderLock(tx, instanceId, event, caller.actor, (entry) => entry.waitId === waitId && entry.data?.reason === INSTANCE_CANCELLED);
    if (kept >= KEPT_PER_PERSON) return;
    const { elementId, [id]: _id, ...held } = closed;
    const data = withLastKept({
      ...keptVariables({ ...sent, ...held }), reason: INSTANCE_CANCELLED, refusal, cancelledAt: cancelled.at, cancelledBy: cancelled.actor,
    }, kept);
    await tx.appendHistory([callerEntry({ ...steps.rows.history(instanceId, caller.actor, event, elementId, elementType, data), waitId }, caller)]);
  });
}
