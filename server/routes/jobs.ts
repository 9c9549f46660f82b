// External jobs: ERP workers fetch-and-lock, complete and fail them. The
// history records the authenticated user; `workerId` is only the worker's label.
import type { Runtime } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';

export function jobHandlers(runtime: Runtime): Handlers {
  return {
    fetchAndLockJobs: async ({ body }: Input<{ type: string; workerId: string; lockMs?: number; max?: number }>) =>
      ok(await runtime.fetchAndLockJobs(body)),

    completeJob: async ({ params, body, user }: Input<{ variables?: Record<string, unknown>; workerId?: string }, unknown, { id: string }>) =>
      ok(await runtime.completeJob(params.id, body.variables ?? {}, user!, body.workerId)),

    failJob: async ({ params, body, user }: Input<{ message: string; retries: number; workerId?: string }, unknown, { id: string }>) =>
      ok(await runtime.failJob(params.id, body, user!)),

    throwJobError: async ({ params, body, user }: Input<{ errorCode: string; message?: string; variables?: Record<string, unknown>; workerId?: string }, unknown, { id: string }>) =>
      ok(await runtime.throwJobError(params.id, body, user!)),
  };
}
