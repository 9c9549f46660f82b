// External jobs (service, send and business-rule tasks, job throw events):
// workers fetch and lock them, then complete them (with the job's declared
// outputs), fail them (retries count down to an incident) or throw a BPMN error.
import type { Actor, JobCallOptions, JobFailure, JobUpdate, JobView } from '../api.js';
import type { ElementInfo } from '../bpmn/process-model.js';
import { conflict, StratumError } from '../errors.js';
import { refuseJobWhileChangeOpen } from '../orders/order-change.js';
import type { HistoryRow, IncidentReason, IncidentRow, InstanceRow, StoreTx, WaitRow } from '../store/types.js';
import { returnToParent } from './call-activities.js';
import { errorWrites, jobWrites } from './completion-variables.js';
import { errorCatchOf } from './error-catch.js';
import { waitInputs } from './local-inputs.js';
import { callerEntry, callerOf } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';
import { treeModels } from './tree-models.js';
import { jobView } from './views.js';
import { keepingLateCall } from './late-calls.js';
import { noteRefusal, recordRefusedAttempt, recordingRefusal, VARIABLE_REFUSED, type AttemptNote } from './refused-attempts.js';
import { instancesInOrders } from './order-membership.js';
import { lockWait } from './wait-locks.js';

const DEFAULT_LOCK_MS = 5 * 60_000;

export class ExternalJobs {
  constructor(private readonly steps: StepExecutor) {}

  /**
   * Locks up to `max` (default 1) fetchable jobs of `type`, oldest first; with `businessKey`, only that order's. With
   * `localVariables`, a job hands over only its local variables: those its input mappings made when it opened.
   */
  async fetchAndLock(request: { type: string; workerId: string; lockMs?: number; max?: number; businessKey?: string; localVariables?: boolean }): Promise<JobView[]> {
    const { steps } = this;
    const now = steps.clock.now();
    const lockExpiresAt = new Date(now.getTime() + (request.lockMs ?? DEFAULT_LOCK_MS)).toISOString();
    return steps.inTransaction(async (tx) => {
      const locked = await tx.lockJobs(request.type, request.workerId, now.toISOString(), lockExpiresAt, request.max ?? 1, request.businessKey);
      const views: JobView[] = [];
      const instances = new Map<string, InstanceRow>();
      for (const job of locked) {
        const instance = await tx.getInstance(job.instanceId);
        if (instance) instances.set(instance.id, instance);
      }
      const inOrders = await instancesInOrders(tx, instances.values());
      for (const job of locked) {
        const instance = instances.get(job.instanceId);
        const definition = instance && (await steps.definition(tx, instance.processKey, instance.version));
        const info = definition?.model.elements.get(job.elementId);
        const view = jobView(job, info?.jobHeaders, instance, inOrders.has(job.instanceId));
        views.push(request.localVariables ? { ...view, variables: info ? localVariablesOf(info, job.variables) : {} } : view);
      }
      return views;
    });
  }

  /** Completes the job; returns the id of the order (root instance) it moved. */
  async complete(jobId: string, variables: Record<string, unknown>, actor: Actor, workerId?: string, options: JobCallOptions = {}): Promise<string> {
    const { steps } = this;
    const caller = callerOf(actor);
    // a completion of a job another worker holds, held by an open order change, or one whose variables would set
    // what no worker may, is kept in the history as `job.refused`
    const late = { attempted: 'complete', variables, ...(workerId !== undefined && { workerId }) };
    return keepingLateCall(steps, 'job', jobId, late, caller, () => recordingRefusal((attempt) => steps.step('complete-job', async (tx, moving) => {
      const sentAt = (wait: WaitRow) => ({ attempted: 'complete', jobType: wait.jobType, variables, ...(workerId !== undefined && { workerId }) });
      const { wait, instance } = await this.lock(tx, jobId, { workerId, ...options }, { order: true, active: true }, { attempt, sent: sentAt });
      moving(instance);
      const sent = sentAt(wait);
      if (!steps.isSpeculation(tx)) await noteRefusal(attempt, wait, sent, () => refuseJobWhileChangeOpen(tx, instance, wait.id));
      const definition = await steps.definition(tx, instance.processKey, instance.version);
      const info = definition.model.elements.get(wait.elementId)!;
      // a worker's variables never set what an element of the order's processes decides (only read when it sends any)
      const deciding = Object.keys(variables).length ? await treeModels(tx, instance.rootId, (key, version) => steps.definition(tx, key, version)) : [];
      const writes = await noteRefusal(attempt, wait, sent, () => jobWrites(info, deciding, variables, waitInputs(info, wait.variables)), VARIABLE_REFUSED);
      const entry = callerEntry(steps.rows.waitHistory(wait, actor.name, 'job.completed', null, {
        jobType: wait.jobType, variables, ...(workerId !== undefined && { workerId }), ...lockHolder(wait, steps.rows.nowIso()),
      }), caller);
      await steps.runQueue(tx, [{
        instance, isNew: false, kind: 'complete-job', history: [entry], actor: actor.name,
        action: { type: 'signal', elementId: wait.elementId, executionId: wait.executionId, variables: writes, outputsApplied: Boolean(info.outputs?.length) },
      }]);
      return instance.rootId;
    }, caller), (refused) => recordRefusedAttempt(steps, refused, caller, 'job.refused', null)));
  }

  async fail(jobId: string, failure: JobFailure & JobCallOptions, actor: Actor): Promise<string> {
    const { steps } = this;
    const caller = callerOf(actor);
    // a failure held by an open order change is refused as its completion is (kept as `job.refused`): counted, it
    // spent the retries of a job that could not move on (a Camunda 8 worker fails the job its completion was refused
    // for), and at 0 its incident failed the order and held the change's acknowledgements with it
    const late = { attempted: 'failure', message: failure.message ?? null, retries: failure.retries, ...(failure.workerId !== undefined && { workerId: failure.workerId }) };
    return keepingLateCall(steps, 'job', jobId, late, caller, () => recordingRefusal((attempt) => steps.step('fail-job', async (tx, moving) => {
      const sentAt = (wait: WaitRow) => ({
        attempted: 'failure', jobType: wait.jobType, message: failure.message ?? null, retries: failure.retries, ...(failure.workerId !== undefined && { workerId: failure.workerId }),
      });
      const { wait, instance } = await this.lock(tx, jobId, failure, { order: true, active: true }, { attempt, sent: sentAt });
      moving(instance);
      await noteRefusal(attempt, wait, sentAt(wait), () => refuseJobWhileChangeOpen(tx, instance, wait.id));
      const retries = Math.max(0, Math.floor(failure.retries));
      // a back-off is a lock nobody holds: no fetch takes the job before it ends, and no worker's lock is checked
      const backOff = retries > 0 ? Math.max(0, Math.floor(failure.retryTimeoutMs ?? 0)) : 0;
      const retryAt = backOff > 0 ? new Date(steps.clock.now().getTime() + backOff).toISOString() : null;
      await tx.updateWait({ ...wait, jobRetries: retries, jobRetriesSet: true, jobError: failure.message ?? null, lockedBy: null, lockExpiresAt: retryAt });
      const entry = callerEntry(steps.rows.waitHistory(wait, actor.name, 'job.failed', null, {
        jobType: wait.jobType, message: failure.message ?? null, retries, ...(retryAt !== null && { retryAt }),
        ...(failure.workerId !== undefined && { workerId: failure.workerId }), ...lockHolder(wait, steps.rows.nowIso()),
      }), caller);
      const entries = [entry];
      if (retries === 0) {
        // Out of retries: an incident that names the job, like Camunda's, and says why: the worker's message, or,
        // when it sent none, that no retries are left (Zeebe's "No more retries left."), not a bare "failed"
        const incident = {
          elementId: wait.elementId, message: jobFailureIncidentMessage(wait.jobType ?? wait.elementId, failure.message),
          reason: { kind: 'job-no-retries', jobType: wait.jobType ?? '' } satisfies IncidentReason,
        };
        await steps.saveInstance(tx, { ...instance, status: 'failed', incident });
        await steps.incidents.raiseForJob(tx, instance, wait, incident);
        entries.push(steps.rows.history(instance.id, actor.name, 'instance.failed', wait.elementId, null, { incident }));
      }
      await tx.appendHistory(entries);
      if (retries === 0 && instance.parentId) {
        const returns = await returnToParent(tx, { ...instance, status: 'failed', incident: { elementId: wait.elementId, message: failure.message ?? jobFailureIncidentMessage(wait.jobType ?? wait.elementId, undefined) } }, [],
          (key, version) => steps.definition(tx, key, version));
        await steps.runQueue(tx, returns.map((step) => ({ ...step, actor: actor.name })));
      }
      return instance.rootId;
    }, caller), (refused) => recordRefusedAttempt(steps, refused, caller, 'job.refused', null)));
  }

  /**
   * An operator sets the retries of a job that has none to spend yet or some left (Camunda 7's setRetries on a task
   * without incident): the number a failure would count down from. Under the instance's lock like a failure, so a
   * concurrent failure or completion either comes first (then this one finds the job gone or the instance failed,
   * and is refused) or after. A job out of retries has an incident: retrying it is the incident's retry.
   */
  async setRetries(jobId: string, retries: number, actor: Actor): Promise<string> {
    const { steps } = this;
    const caller = callerOf(actor);
    return steps.step('job-retries', async (tx, moving) => {
      // an operator's call: whoever holds the job's lock
      const { wait, instance } = await this.lock(tx, jobId, {});
      moving(instance);
      const count = Math.floor(retries);
      if (count < 1) throw new StratumError('invalid', `retries of job ${jobId} must be at least 1: a job runs out of retries only when its worker reports a failure`);
      await tx.updateWait({ ...wait, jobRetries: count, jobRetriesSet: true });
      await tx.appendHistory([callerEntry(steps.rows.waitHistory(wait, actor.name, 'job.retries-set', null, { jobType: wait.jobType, retries: count, previous: wait.jobRetries }), caller)]);
      return instance.rootId;
    }, caller);
  }

  /**
   * Camunda 8's job update, as Zeebe does it: new retries, a new timeout, or both, in one step under the instance's
   * lock (all or nothing). Retries are the number a failure counts down from; a job that ran out of them keeps its
   * incident open (the store hands out no job an open incident names), and the incident's resolution gives the job
   * the retries set here. A timeout is a new lock of `timeoutMs` from now for a job a worker holds now, whichever
   * worker (Zeebe asks no worker id); a job no worker holds, its lock expired or given back or its job failed, has
   * no timeout to update (409 `job-not-activated`, as Zeebe refuses a job that is not activated).
   */
  async update(jobId: string, update: JobUpdate, actor: Actor): Promise<string> {
    const { steps } = this;
    const caller = callerOf(actor);
    return steps.step('job-update', async (tx, moving) => {
      const { wait, instance, incident } = await this.lockForUpdate(tx, jobId);
      moving(instance);
      if (update.retries === undefined && update.timeoutMs === undefined) {
        throw new StratumError('invalid', `an update of job ${jobId} needs retries or a timeout`);
      }
      const retries = update.retries === undefined ? undefined : Math.floor(update.retries);
      if (retries !== undefined && retries < 1) {
        throw new StratumError('invalid', `retries of job ${jobId} must be at least 1: a job runs out of retries only when its worker reports a failure`);
      }
      const now = steps.clock.now();
      let lockExpiresAt: string | undefined;
      if (update.timeoutMs !== undefined) {
        const held = !incident && wait.lockedBy !== null && wait.lockExpiresAt !== null && wait.lockExpiresAt > now.toISOString();
        if (!held) {
          throw conflict(`job ${jobId} is not activated (${incident ? `it failed: incident ${incident.id} is open` : 'no worker holds its lock'}): it has no timeout to update`, {
            problem: 'job-not-activated',
          });
        }
        lockExpiresAt = new Date(now.getTime() + Math.floor(update.timeoutMs)).toISOString();
      }
      await tx.updateWait({ ...wait, ...(retries !== undefined && { jobRetries: retries, jobRetriesSet: true }), ...(lockExpiresAt !== undefined && { lockExpiresAt }) });
      const history: HistoryRow[] = [];
      if (retries !== undefined) {
        history.push(callerEntry(steps.rows.waitHistory(wait, actor.name, 'job.retries-set', null, {
          jobType: wait.jobType, retries, previous: wait.jobRetries,
          // the incident stays open: its resolution gives the job these retries
          ...(incident && { incidentId: incident.id }),
        }), caller));
      }
      if (lockExpiresAt !== undefined) {
        history.push(callerEntry(steps.rows.waitHistory(wait, actor.name, 'job.timeout-set', null, {
          jobType: wait.jobType, timeoutMs: Math.floor(update.timeoutMs!), lockExpiresAt, previous: wait.lockExpiresAt, lockedBy: wait.lockedBy,
        }), caller));
      }
      await tx.appendHistory(history);
      return instance.rootId;
    }, caller);
  }

  async throwError(jobId: string, thrown: { errorCode: string; message?: string; variables?: Record<string, unknown>; workerId?: string } & JobCallOptions, actor: Actor): Promise<string> {
    const { steps } = this;
    const caller = callerOf(actor);
    const late = { attempted: 'bpmn-error', errorCode: thrown.errorCode, variables: thrown.variables ?? {}, ...(thrown.workerId !== undefined && { workerId: thrown.workerId }) };
    return keepingLateCall(steps, 'job', jobId, late, caller, () => recordingRefusal((attempt) => steps.step('fail-job', async (tx, moving) => {
      const sentAt = (wait: WaitRow) => ({
        attempted: 'bpmn-error', jobType: wait.jobType, errorCode: thrown.errorCode, variables: thrown.variables ?? {}, ...(thrown.workerId !== undefined && { workerId: thrown.workerId }),
      });
      const { wait, instance } = await this.lock(tx, jobId, thrown, { order: true, active: true }, { attempt, sent: sentAt });
      moving(instance);
      const sent = sentAt(wait);
      await noteRefusal(attempt, wait, sent, () => refuseJobWhileChangeOpen(tx, instance, wait.id));
      const definition = await steps.definition(tx, instance.processKey, instance.version);
      if (thrown.variables) {
        const deciding = await treeModels(tx, instance.rootId, (key, version) => steps.definition(tx, key, version));
        const variablesSent = thrown.variables;
        await noteRefusal(attempt, wait, sent, () => errorWrites(definition.model.elements.get(wait.elementId)!, deciding, variablesSent), VARIABLE_REFUSED);
      }
      const entry = callerEntry(steps.rows.waitHistory(wait, actor.name, 'job.error-thrown', null, {
        jobType: wait.jobType, errorCode: thrown.errorCode, message: thrown.message ?? null, variables: thrown.variables ?? {},
        ...(thrown.workerId !== undefined && { workerId: thrown.workerId }), ...lockHolder(wait, steps.rows.nowIso()),
      }), caller);
      const error = { code: thrown.errorCode, message: thrown.message ?? `BPMN error ${thrown.errorCode}`, variables: thrown.variables };
      // uncaught in its own process, the error goes to the call activity of a caller that catches it (called-error.ts)
      const up = errorCatchOf(definition.sourceContext, wait.elementId, thrown.errorCode) ? undefined : await steps.callerCatching(tx, instance, thrown.errorCode);
      await steps.runQueue(tx, [up
        ? { instance: up.caller, isNew: false, kind: 'fail-job', history: [entry], actor: actor.name, action: { type: 'throw', elementId: up.elementId, executionId: up.executionId, ...error } }
        : { instance, isNew: false, kind: 'fail-job', history: [entry], actor: actor.name, action: { type: 'throw', elementId: wait.elementId, executionId: wait.executionId, ...error } },
      ]);
      return instance.rootId;
    }, caller), (refused) => recordRefusedAttempt(steps, refused, caller, 'job.refused', null)));
  }

  /**
   * A job to update and its instance, under the instance's lock: as every job call (lockWait), except that a job
   * whose own incident failed its instance is reached too (Zeebe updates a failed job's retries), then with that
   * incident. Its caller's failure is its own (the incident follows from this one), so it holds nothing back here.
   */
  private async lockForUpdate(tx: StoreTx, jobId: string): Promise<{ wait: WaitRow; instance: InstanceRow; incident?: IncidentRow }> {
    const first = await tx.getWait(jobId);
    if (first?.kind === 'job' && (await openIncidentOf(tx, first.instanceId, jobId))) {
      const instance = await tx.getInstance(first.instanceId, { lock: true });
      const wait = await tx.getWait(jobId, { lock: true });
      // re-read under the lock: a resolution may have come first, then the job is a running one again
      const incident = instance?.status === 'failed' && wait ? await openIncidentOf(tx, instance.id, jobId) : undefined;
      if (incident) return { wait: wait!, instance: instance!, incident };
    }
    return lockWait(tx, jobId, 'job');
  }

  /**
   * Locks a job's instance; a worker may not act on a job another worker holds a lock on, nor, with `holderOnly`,
   * a caller that names no worker (see JobCallOptions). With `order`, the order's lock first: its open-change check
   * reads rows a change on another server writes (wait-locks.ts). With `active` (a completion, failure or error), a
   * job in the back-off of a failure is refused (refuseInBackOff). Checked under the instance's lock, so a fetch
   * that locks the job meanwhile comes either before (then this call is refused) or after (then the job is gone).
   * With `note`, a refusal for a lock another worker holds is noted for the history with what `note.sent` says was
   * sent (an attempt to act on another worker's job, kept as `job.refused`).
   */
  private async lock(
    tx: StoreTx, jobId: string, caller: { workerId?: string } & JobCallOptions, options: { order?: boolean; active?: boolean } = {},
    note?: { attempt: AttemptNote; sent: (wait: WaitRow) => Record<string, unknown> },
  ): Promise<{ wait: WaitRow; instance: InstanceRow }> {
    const locked = await lockWait(tx, jobId, 'job', options);
    const { wait } = locked;
    const now = this.steps.rows.nowIso();
    if (options.active) refuseInBackOff(wait, now);
    const lockHeld = wait.lockedBy && wait.lockExpiresAt && wait.lockExpiresAt > now;
    const { workerId } = caller;
    if (lockHeld && (workerId ? wait.lockedBy !== workerId : caller.holderOnly)) {
      const refusal = conflict(`job ${wait.id} is locked by ${workerId ? 'another worker' : 'a worker'} until ${wait.lockExpiresAt}: only the worker holding the lock `
        + '(its workerId) acts on it until then', { reason: 'not-locked-by-worker' });
      if (note) await noteRefusal(note.attempt, wait, note.sent(wait), () => { throw refusal; });
      throw refusal;
    }
    return locked;
  }
}

// helpers

/**
 * The worker that fetched or activated the job and holds its lock, for the history: a completion need not name
 * one (Camunda 8's does not), and `workerId` is only what the caller sent. A lock that ended before `now` is no
 * longer held, and anyone may have acted on the job: it is kept as `lockExpired`, never as `lockedBy`, so the
 * history does not name a worker whose lock had run out as the one that completed the job.
 */
function lockHolder(wait: WaitRow, now: string): { lockedBy?: string; lockExpired?: { lockedBy: string; at: string } } {
  if (!wait.lockedBy) return {};
  if (wait.lockExpiresAt && wait.lockExpiresAt <= now) return { lockExpired: { lockedBy: wait.lockedBy, at: wait.lockExpiresAt } };
  return { lockedBy: wait.lockedBy };
}

/**
 * Refuses to complete, fail or throw for a job in the back-off of a failure with retries left (a lock nobody holds,
 * until `retryAt`): its worker asked for it to be handed out again then, so a call by its id meanwhile would act on
 * a job no worker was given. Zeebe refuses the same (the job is `FAILED` until its back-off ends, then activatable).
 */
function refuseInBackOff(wait: WaitRow, now: string): void {
  if (wait.lockedBy !== null || wait.lockExpiresAt === null || wait.lockExpiresAt <= now) return;
  throw conflict(`job ${wait.id} is backing off after a failure until ${wait.lockExpiresAt}: it is handed out again then, `
    + 'and a worker acts on it once it has fetched it (or once the back-off has ended)', { problem: 'job-in-back-off', retryAt: wait.lockExpiresAt });
}

/**
 * A job's own variables, as Camunda 7 keeps them on the task's execution: an iteration's element and loopCounter
 * (multi-instance), and what its input mappings made.
 */
function localVariablesOf(info: ElementInfo, variables: Record<string, unknown> | null): Record<string, unknown> {
  const iteration = (info.iterationVariables ?? []).filter((name) => variables && Object.hasOwn(variables, name));
  return { ...Object.fromEntries(iteration.map((name) => [name, variables![name]])), ...waitInputs(info, variables) };
}

/** The open incident that names the job (one that ran out of retries), if any. */
async function openIncidentOf(tx: StoreTx, instanceId: string, jobId: string): Promise<IncidentRow | undefined> {
  const incidents = await tx.findIncidents({ instanceId, open: true, kind: 'job' });
  return incidents.find((incident) => incident.waitId === jobId);
}

/** The text of the incident a job's last failure raises: the job and what went wrong, or that no retries are left. */
function jobFailureIncidentMessage(jobType: string, message: string | undefined): string {
  return message ? `job ${jobType} failed: ${message}` : `job ${jobType} failed and has no retries left (its worker gave no error message)`;
}
