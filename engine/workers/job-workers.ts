// What job workers call beyond the runtime's steps: a fetch over several job
// types that may wait for work (long polling) and filter by order, and the
// lock of a job taken by its id, extended or given back. Completing, failing and
// throwing errors stay runtime steps (runtime.completeJob …).
import type { Actor, Clock, JobFetch, JobUnlock, JobView, Runtime, Workers } from '../api.js';
import { conflict, notFound, StratumError } from '../errors.js';
import { refuseJobWhileChangeOpen } from '../orders/order-change.js';
import { callerOf } from '../runtime/step-caller.js';
import { lockWait } from '../runtime/wait-locks.js';
import type { Store, WaitRow } from '../store/types.js';
import { JobWaiters } from './job-waiters.js';

/** The longest a fetch may wait for work (Camunda 7 allows 30 minutes; proxies rarely keep a request that long). */
const MAX_ASYNC_RESPONSE_TIMEOUT_MS = 30 * 60_000;

export class JobWorkers implements Workers {
  readonly waiters = new JobWaiters();
  private unsubscribe: (() => Promise<void>) | null = null;

  constructor(
    private readonly store: Store,
    private readonly runtime: Pick<Runtime, 'fetchAndLockJobs' | 'recordRefusedRequest'>,
    private readonly clock: Clock,
  ) {}

  /** Listens for jobs becoming fetchable (a LISTEN connection on PostgreSQL). */
  async start(): Promise<void> {
    this.unsubscribe ??= await this.store.watchJobs((jobType) => this.waiters.announce(jobType), () => this.waiters.announceAll());
  }

  jobsFetchable(jobType: string): void {
    this.waiters.announce(jobType);
  }

  releaseWaiting(): void {
    this.waiters.releaseAll();
  }

  async close(): Promise<void> {
    this.waiters.releaseAll();
    const unsubscribe = this.unsubscribe;
    this.unsubscribe = null;
    await unsubscribe?.();
  }

  fetchAndLock(fetch: JobFetch, signal?: AbortSignal): Promise<JobView[]> {
    const attempt = () => this.lockTopics(fetch);
    const timeoutMs = Math.min(fetch.asyncResponseTimeoutMs ?? 0, MAX_ASYNC_RESPONSE_TIMEOUT_MS);
    if (timeoutMs <= 0) return attempt();
    const narrow = fetch.topics.some((topic) => topic.businessKey !== undefined);
    return this.waiters.wait({ types: fetch.topics.map((topic) => topic.type), attempt, narrow }, timeoutMs, signal);
  }

  async extendLock(jobId: string, workerId: string, lockMs: number, actor?: Actor): Promise<{ id: string; lockExpiresAt: string }> {
    try {
      return await this.store.transaction(async (tx) => {
        const job = heldBy(await tx.getWait(jobId, { lock: true }), jobId, workerId, this.clock.now().toISOString());
        const lockExpiresAt = new Date(this.clock.now().getTime() + lockMs).toISOString();
        await tx.updateWait({ ...job, lockExpiresAt });
        return { id: job.id, lockExpiresAt };
      });
    } catch (error) {
      // an extension of another worker's lock is an attempt to keep their job: kept as a completion of it is (job.refused)
      if (actor && isHeldByAnother(error)) await this.keepRefused(jobId, error, 'extend-lock', workerId, actor);
      throw error;
    }
  }

  async lock(jobId: string, workerId: string, lockMs: number, actor?: Actor): Promise<{ id: string; lockExpiresAt: string }> {
    try {
      return await this.lockById(jobId, workerId, lockMs);
    } catch (error) {
      // a job an open change holds, or another worker's: kept in its order's history as a completion would be (job.refused)
      if (actor && error instanceof StratumError && (error.details?.reason === 'order-change-open' || isHeldByAnother(error))) {
        await this.keepRefused(jobId, error, 'lock', workerId, actor);
      }
      throw error;
    }
  }

  /** Keeps a refused call at a job (`attempted`, by `workerId`) as `job.refused` in its order's history. */
  private async keepRefused(jobId: string, error: StratumError, attempted: string, workerId: string, actor: Actor): Promise<void> {
    await this.runtime.recordRefusedRequest({ kind: 'job', id: jobId, reason: String(error.details!.reason), refusal: error.message, attempted, workerId }, actor);
  }

  private async lockById(jobId: string, workerId: string, lockMs: number): Promise<{ id: string; lockExpiresAt: string }> {
    return this.store.transaction(async (tx) => {
      // as a completion takes it: the order's lock first (its open changes are read), then the instance's; a job
      // gone (404), of an ended or failed instance or under a failed caller (409) is refused there
      const { wait, instance } = await lockWait(tx, jobId, 'job', { order: true });
      const now = this.clock.now();
      if (wait.lockedBy && wait.lockedBy !== workerId && wait.lockExpiresAt && wait.lockExpiresAt >= now.toISOString()) {
        throw heldByAnother(conflict(`job ${jobId} is locked by another worker until ${wait.lockExpiresAt}: only the worker holding the lock `
          + '(its workerId) acts on it until then', { reason: 'not-locked-by-worker' }));
      }
      await refuseJobWhileChangeOpen(tx, instance, wait.id);
      const lockExpiresAt = new Date(now.getTime() + lockMs).toISOString();
      // the poll's own statement decides the rest, so whatever a fetch would not hand out is not locked here either
      const locked = await tx.lockJob(wait, workerId, now.toISOString(), lockExpiresAt);
      if (!locked) {
        const backOff = !wait.lockedBy && wait.lockExpiresAt ? `: its retry is due at ${wait.lockExpiresAt}, after a failure` : '';
        throw conflict(`job ${jobId} is not fetchable now${backOff}; a fetch would not hand it out either`, { reason: 'job-not-fetchable' });
      }
      return { id: locked.id, lockExpiresAt };
    });
  }

  async unlock(jobId: string, unlock: JobUnlock = {}, actor?: Actor): Promise<void> {
    try {
      await this.store.transaction(async (tx) => {
        const job = await tx.getWait(jobId, { lock: true });
        if (!job || job.kind !== 'job') throw notFound(`no open job ${jobId}`);
        const now = this.clock.now().toISOString();
        const heldNow = job.lockedBy !== null && job.lockExpiresAt !== null && job.lockExpiresAt > now;
        // the holder gives its lock back, or an operator frees a job whose worker is stuck: anyone else would take the
        // job from a worker still working on it, to fetch it themselves or complete it by its id (held by nobody then)
        if (heldNow && job.lockedBy !== unlock.workerId && !unlock.asOperator) {
          throw heldByAnother(conflict(`job ${jobId} is locked by ${unlock.workerId === undefined ? 'a worker' : 'another worker'} until ${job.lockExpiresAt}: `
            + 'only the worker holding the lock (its workerId) or an operator gives it back', { reason: 'not-locked-by-worker' }));
        }
        // a failure's back-off is no lock: ending it early would hand the job out before its worker asked
        if (job.lockedBy === null && job.lockExpiresAt !== null && job.lockExpiresAt > now) {
          throw conflict(`job ${jobId} is backing off after a failure until ${job.lockExpiresAt}: no worker holds it, and it is handed out again then`, {
            problem: 'job-in-back-off', retryAt: job.lockExpiresAt,
          });
        }
        await tx.updateWait({ ...job, lockedBy: null, lockExpiresAt: null });
        // an operator took the job from the worker holding it: kept, as an operator's unclaim of a task is
        if (heldNow && job.lockedBy !== unlock.workerId && actor) {
          await tx.appendHistory([{
            instanceId: job.instanceId, at: now, actor: actor.name, event: 'job.unlocked', elementId: job.elementId, elementType: null, waitId: job.id,
            data: { jobType: job.jobType, lockedBy: job.lockedBy, lockExpiresAt: job.lockExpiresAt }, via: callerOf(actor).via,
          }]);
        }
      });
    } catch (error) {
      // taking another worker's job from them is kept as a completion of it is (job.refused)
      if (actor && isHeldByAnother(error)) {
        await this.runtime.recordRefusedRequest({
          kind: 'job', id: jobId, reason: String(error.details!.reason), refusal: error.message, attempted: 'unlock',
          ...(unlock.workerId !== undefined && { workerId: unlock.workerId }),
        }, actor);
      }
      throw error;
    }
  }

  /** Each topic in turn, until `max` jobs are locked; each job keeps only the variables its topic asks for. */
  private async lockTopics(fetch: JobFetch): Promise<JobView[]> {
    const max = fetch.max ?? 1;
    const locked: JobView[] = [];
    for (const topic of fetch.topics) {
      if (locked.length >= max) break;
      const jobs = await this.runtime.fetchAndLockJobs({
        type: topic.type, workerId: fetch.workerId, max: max - locked.length,
        ...(topic.lockMs !== undefined && { lockMs: topic.lockMs }),
        ...(topic.businessKey !== undefined && { businessKey: topic.businessKey }),
        ...(topic.localVariables && { localVariables: true }),
      });
      locked.push(...jobs.map((job) => (topic.variables ? { ...job, variables: pick(job.variables, topic.variables) } : job)));
    }
    return locked;
  }
}

// helpers

/** The refusals of a call because another worker holds the job's lock now (kept as `job.refused`), apart from those of a lock that ended. */
const HELD_BY_ANOTHER = new WeakSet<Error>();

function heldByAnother(error: StratumError): StratumError {
  HELD_BY_ANOTHER.add(error);
  return error;
}

function isHeldByAnother(error: unknown): error is StratumError {
  return error instanceof StratumError && HELD_BY_ANOTHER.has(error);
}

/** The job, when `workerId` holds its lock now; a lock that expired may already be someone else's. */
function heldBy(job: WaitRow | undefined, jobId: string, workerId: string, now: string): WaitRow {
  if (!job || job.kind !== 'job') throw notFound(`no open job ${jobId}`);
  if (job.lockedBy !== workerId || !job.lockExpiresAt || job.lockExpiresAt <= now) {
    const another = job.lockedBy !== null && job.lockedBy !== workerId && job.lockExpiresAt !== null && job.lockExpiresAt > now;
    const refusal = conflict(`job ${jobId} is not locked by ${workerId}${job.lockedBy && job.lockedBy !== workerId ? '' : ' (its lock expired or was given back)'}`, {
      reason: 'not-locked-by-worker',
    });
    throw another ? heldByAnother(refusal) : refusal;
  }
  return job;
}

function pick(variables: Record<string, unknown>, names: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(names.filter((name) => Object.hasOwn(variables, name)).map((name) => [name, variables[name]]));
}
