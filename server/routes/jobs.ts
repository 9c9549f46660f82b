// External jobs: ERP workers fetch-and-lock (waiting for work when asked),
// complete, fail, extend or give back their locks. The history records the
// authenticated user; `workerId` is only the worker's label.
import type { Runtime, Workers } from '../../engine/api.js';
import { ok, type Handlers, type Input } from '../http/handler.js';
import { clientGone } from '../http/client-gone.js';
import { GROUPS } from '../auth/authenticate.js';

interface FetchAndLockBody {
  type: string;
  workerId: string;
  lockMs?: number;
  max?: number;
  asyncResponseTimeout?: number;
  businessKey?: string;
  variables?: string[];
}

const HOLDER_ONLY = { holderOnly: true } as const;

export function jobHandlers(runtime: Runtime, workers: Workers): Handlers {
  return {
    fetchAndLockJobs: async ({ body, req }: Input<FetchAndLockBody>) => {
      const { type, lockMs, businessKey, variables, workerId, max, asyncResponseTimeout } = body;
      const topic = { type, ...(lockMs !== undefined && { lockMs }), ...(businessKey !== undefined && { businessKey }), ...(variables && { variables }) };
      return ok(await workers.fetchAndLock(
        { workerId, topics: [topic], ...(max !== undefined && { max }), ...(asyncResponseTimeout !== undefined && { asyncResponseTimeoutMs: asyncResponseTimeout }) },
        clientGone(req),
      ));
    },

    // a job a worker holds is that worker's until its lock ends: a call without its workerId is refused meanwhile
    // (HOLDER_ONLY), while a job nobody holds is completed, failed or thrown for by its id
    completeJob: async ({ params, body, user }: Input<{ variables?: Record<string, unknown>; workerId?: string }, unknown, { id: string }>) =>
      ok(await runtime.completeJob(params.id, body.variables ?? {}, user!, body.workerId, HOLDER_ONLY)),

    failJob: async ({ params, body, user }: Input<{ message: string; retries: number; workerId?: string; retryTimeout?: number }, unknown, { id: string }>) => {
      const { retryTimeout, ...failure } = body;
      return ok(await runtime.failJob(params.id, { ...failure, retryTimeoutMs: retryTimeout ?? 0, ...HOLDER_ONLY }, user!));
    },

    throwJobError: async ({ params, body, user }: Input<{ errorCode: string; message?: string; variables?: Record<string, unknown>; workerId?: string }, unknown, { id: string }>) =>
      ok(await runtime.throwJobError(params.id, { ...body, ...HOLDER_ONLY }, user!)),

    extendJobLock: async ({ params, body, user }: Input<{ workerId: string; lockMs: number }, unknown, { id: string }>) =>
      ok(await workers.extendLock(params.id, body.workerId, body.lockMs, user)),

    // the holder gives its lock back, or an operator frees a stuck worker's job (docs/api.md, "Jobs and their locks")
    unlockJob: async ({ params, body, user }: Input<{ workerId?: string } | undefined, unknown, { id: string }>) => {
      await workers.unlock(params.id, { ...(body?.workerId !== undefined && { workerId: body.workerId }), asOperator: user!.groups.includes(GROUPS.operations) }, user);
      return { status: 204 };
    },
  };
}
