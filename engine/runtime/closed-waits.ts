// What an instance's `instance.cancelled` entry says of the open jobs and tasks its cancel closed, whether an order's
// cancel (cancel.ts) or a caller that left the call activity (abandoned-calls.ts) ended it: the history says whose work
// was cut off, and a late call about one of them is kept against it (late-calls.ts), which reads these lists back.
import type { WaitRow } from '../store/types.js';

/**
 * The open jobs and tasks among `waits`, with the worker that held each job's lock at `now` and the person who
 * claimed each task, as `closedJobs` and `closedTasks`; each list only when there is something in it.
 */
export function closedWaitsOf(waits: WaitRow[], now: string): Record<string, unknown> {
  const closedJobs = waits.filter((wait) => wait.kind === 'job').map((job) => ({
    jobId: job.id, elementId: job.elementId, jobType: job.jobType,
    ...(job.lockedBy && job.lockExpiresAt && job.lockExpiresAt > now && { lockedBy: job.lockedBy }),
  }));
  const closedTasks = waits.filter((wait) => wait.kind === 'task').map((task) => ({
    taskId: task.id, elementId: task.elementId, ...(task.claimedBy && { claimedBy: task.claimedBy }),
  }));
  return { ...(closedJobs.length > 0 && { closedJobs }), ...(closedTasks.length > 0 && { closedTasks }) };
}
