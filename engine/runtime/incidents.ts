// Incidents: why an instance failed, kept with what a retry needs (the failing
// action, the engine state, variables and waits before it). A retry puts the
// instance back on that last good state and runs the action again (a job
// incident: the job gets retries again); the callers that failed only because
// this instance failed are put back first, so the order goes on as one.
// Cancelling the order closes its incidents. The history says who did what; a retry refused for the incident's
// state or for what its variables would set is kept there too, as `incident.refused` (refused-attempts.ts).
import { randomUUID } from 'node:crypto';
import type { Actor, Clock, IncidentCountQuery, IncidentRetry, IncidentSearch, IncidentView } from '../api.js';
import type { ProcessModel } from '../bpmn/process-model.js';
import { conflict, lostRace, notFound, StratumError } from '../errors.js';
import type { HistoryRow, IncidentMatch, IncidentRow, InstanceRow, StoreTx, WaitRow } from '../store/types.js';
import { retryWrites } from './completion-variables.js';
import { recordingRefusal, recordRefusedAtInstance, VARIABLE_REFUSED, type AttemptNote } from './refused-attempts.js';
import type { StepAction } from './instance-step.js';
import type { QueuedStep } from './queued-step.js';
import { callerEntry, callerOf, type StepCaller } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';
import { subtreeOf } from './tree-views.js';
import { lockInstanceAfterOrder } from './wait-locks.js';

/**
 * A retry refused for the incident's state (`incident-resolved`, `not-root-cause`, `caller-moved-on`) or for what
 * its variables would set (`variable-refused`), noted to be kept in the failed instance's history.
 */
export interface RefusedRetry {
  error: StratumError;
  reason: string;
  instanceId: string;
}

/**
 * Retries incident `incidentId` as `actor` (Runtime.retryIncident); returns the id of its order. A retry refused
 * for the incident's state or for what its variables would set is kept as `incident.refused` in the failed
 * instance's history, as a retry the role check refuses is (recordRefusedRequest), with what it would have set.
 */
export async function retryIncident(steps: StepExecutor, incidentId: string, retry: IncidentRetry, actor: Actor): Promise<string> {
  const caller = callerOf(actor);
  return recordingRefusal<string, RefusedRetry>(
    (note) => steps.step('incident-retry', async (tx, moving) => steps.incidents.retry(tx, incidentId, retry, actor, moving, note), caller),
    ({ error, reason, instanceId }) => recordRefusedAtInstance(steps, {
      event: 'incident.refused',
      instanceOf: () => Promise.resolve(instanceId),
      sent: { attempted: 'retry', incidentId, variables: retry.variables, retries: retry.retries },
      reason,
      refusal: error.message,
    }, caller),
  );
}

/** The runtime's step machinery an incident retry runs on. */
export interface IncidentMachinery {
  /** Runs steps on behalf of `actor` (the user retrying): the history of everything they move names them. */
  runQueue(tx: StoreTx, steps: QueuedStep[], refuseFailure: string, actor: string): Promise<void>;
  startChild(tx: StoreTx, parent: InstanceRow, call: WaitRow, actor: string): Promise<QueuedStep[]>;
  saveInstance(tx: StoreTx, row: InstanceRow): Promise<void>;
  /** The models of the processes the call tree runs and may still call (tree-models.ts). */
  treeModels(tx: StoreTx, rootId: string): Promise<ProcessModel[]>;
  /** Gives back `claimant`'s claims on the order's separated tasks that four eyes now refuses them, as `actor` (void-claims.ts). */
  releaseVoidClaims(tx: StoreTx, instance: InstanceRow, claimant: string, actor: string): Promise<void>;
}

const DEFAULT_PAGE = 50;

export class Incidents {
  constructor(
    private readonly clock: Clock,
    private readonly machinery: IncidentMachinery,
  ) {}

  /** A step failed `before`: keep the action and the state it ran on. */
  async raise(tx: StoreTx, failed: { before: InstanceRow; action: StepAction; previousWaits: WaitRow[]; incident: InstanceRow['incident'] }): Promise<void> {
    const { before, action, previousWaits, incident } = failed;
    await tx.insertIncident({
      ...this.base(before, incident),
      kind: 'step',
      causeId: await causeOf(tx, action, previousWaits),
      waitId: null,
      action,
      stateBefore: before.state,
      variablesBefore: before.variables,
      waitsBefore: previousWaits,
    });
  }

  /** A job ran out of retries (reason `job-no-retries`): the instance keeps its state; a retry gives the job retries again. */
  async raiseForJob(tx: StoreTx, instance: InstanceRow, job: WaitRow, incident: NonNullable<InstanceRow['incident']>): Promise<void> {
    await tx.insertIncident({
      ...this.base(instance, incident),
      kind: 'job',
      causeId: null,
      waitId: job.id,
      action: null,
      stateBefore: null,
      variablesBefore: instance.variables,
      waitsBefore: [],
    });
  }

  /** The order was cancelled: its instance's open incidents end with it. */
  async closeOnCancel(tx: StoreTx, instanceId: string, actor: string): Promise<void> {
    const history: HistoryRow[] = [];
    for (const incident of await tx.findIncidents({ instanceId, open: true })) {
      await tx.resolveIncident(incident.id, { resolvedAt: this.now(), resolvedBy: actor, resolution: 'cancelled' });
      history.push(this.entry(incident.instanceId, actor, 'incident.resolved', incident, { resolution: 'cancelled' }));
    }
    await tx.appendHistory(history);
  }

  async find(tx: StoreTx, query: IncidentSearch): Promise<{ items: IncidentView[]; nextCursor: string | null }> {
    const limit = query.limit ?? DEFAULT_PAGE;
    const offset = query.offset ?? 0;
    const byId = query.sort?.by === 'id';
    const rows = await tx.findIncidents({
      ...(await matchOf(tx, query)),
      ...(query.sort && { order: { by: byId ? 'id' : 'seq', descending: query.sort.descending === true } }),
      ...(query.cursor !== undefined && (byId ? { afterId: cursorId(query.cursor) } : { afterSeq: cursorSeq(query.cursor) })),
      // the store skips them: reading them here read every skipped incident with the state it kept (firstResult=100000)
      offset,
      limit: limit + 1,
    });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const more = rows.length > limit && last !== undefined;
    return { items: page.map(incidentView), nextCursor: more ? (byId ? `${ID_CURSOR}${last.id}` : String(last.seq)) : null };
  }

  /** How many incidents `find` would list for the query, read as one count. */
  async count(tx: StoreTx, query: IncidentCountQuery): Promise<number> {
    return tx.countIncidents(await matchOf(tx, query));
  }

  async get(tx: StoreTx, id: string): Promise<IncidentView | undefined> {
    const row = await tx.getIncident(id);
    return row && incidentView(row);
  }

  /**
   * Retries an open root-cause incident; returns the id of the order (root instance). Its resolution is the
   * caller's entry (it names their route); the incidents of the callers that close with it follow from it.
   */
  async retry(
    tx: StoreTx, incidentId: string, retry: IncidentRetry, by: Actor, moving: (instance: InstanceRow) => void, note: AttemptNote<RefusedRetry> = {},
  ): Promise<string> {
    const actor = by.name;
    const incident = await tx.getIncident(incidentId);
    if (!incident) throw notFound(`no incident ${incidentId}`);
    const refusing = (error: StratumError, reason: string) => (note.current = { error, reason, instanceId: incident.instanceId }).error;
    // The order's lock first, as a task's decision takes it: the retry may bring back a claim that four eyes now
    // refuses its holder, and gives it back reading the order's decisions (void-claims.ts), which a decision
    // committing beside it on another server must not slip past.
    const instance = await lockInstanceAfterOrder(tx, incident.instanceId);
    moving(instance);
    if (incident.resolvedAt) {
      throw refusing(conflict(`incident ${incidentId} was already ${incident.resolution} at ${incident.resolvedAt} by ${incident.resolvedBy ?? 'the system'}`, {
        problem: 'incident-resolved',
      }), 'incident-resolved');
    }
    if (incident.causeId) {
      const rootCause = await rootCauseOf(tx, incident);
      throw refusing(conflict(`incident ${incidentId} only follows from incident ${rootCause} of a called instance; retry that one`, {
        problem: 'not-root-cause', rootCauseIncidentId: rootCause,
      }), 'not-root-cause');
    }
    if (instance.status !== 'failed') throw refusing(conflict(`instance ${instance.id} is ${instance.status}, not failed`, { problem: 'incident-resolved' }), 'incident-resolved');
    // the retry's variables fix what the step lacked; they never make a decision nobody made
    if (retry.variables) {
      const models = await this.machinery.treeModels(tx, instance.rootId);
      try {
        retryWrites(models, retry.variables, `the retry of incident ${incidentId}`);
      } catch (error) {
        throw error instanceof StratumError ? refusing(error, VARIABLE_REFUSED) : error;
      }
    }
    if (incident.kind === 'step' && retry.retries !== undefined) {
      throw new StratumError('invalid', `incident ${incidentId} is a failed step, not a job: it takes no retries`, { problem: 'not-a-job-incident' });
    }

    const job = incident.kind === 'job' && incident.waitId ? await tx.getWait(incident.waitId) : undefined;
    if (incident.kind === 'job' && !job) throw conflict(`the job of incident ${incident.id} no longer exists`);
    // the retries an update gave the failed job while its incident was open (Zeebe's way: update, then resolve), else one
    const jobRetries = retry.retries ?? (job?.jobRetries && job.jobRetries > 0 ? job.jobRetries : 1);

    const callers = await this.failedCallers(tx, instance, incident, refusing);
    for (const caller of callers) {
      await this.restore(tx, caller.instance, caller.incident, actor);
      await this.close(tx, caller.incident, actor, { resolution: 'retried', rootCauseIncidentId: incident.id });
    }
    await this.close(tx, incident, actor, {
      resolution: 'retried',
      ...(retry.variables && { variables: retry.variables }),
      ...(incident.kind === 'job' && { retries: jobRetries }),
    }, callerOf(by));
    const refuse = `retrying incident ${incident.id}`;

    if (job) {
      await this.machinery.saveInstance(tx, { ...instance, status: 'running', incident: null });
      // the last failure's message stays until the job completes, as Camunda keeps it when an operator sets retries
      await tx.updateWait({ ...job, jobRetries, jobRetriesSet: true, lockedBy: null, lockExpiresAt: null });
      if (retry.variables) await this.machinery.runQueue(tx, [await this.assignStep(tx, instance.id, retry.variables)], refuse, actor);
      return instance.rootId;
    }

    await this.restore(tx, instance, incident, actor);
    const action = incident.action as StepAction;
    const call = unstartedCall(action, incident.waitsBefore);
    if (call && !(await tx.getInstance(call.childInstanceId!))) {
      // The call activity could not start its child (the called process was not deployed, the order border refused
      // it): start it now, and the calls of the same step that waited behind it (a multi-instance call's iterations).
      if (retry.variables) await this.machinery.runQueue(tx, [await this.assignStep(tx, instance.id, retry.variables)], refuse, actor);
      for (const unstarted of [call, ...incident.waitsBefore.filter((wait) => wait.kind === 'call' && wait !== call && wait.childInstanceId)]) {
        if (unstarted !== call && await tx.getInstance(unstarted.childInstanceId!)) continue;
        const parent = (await tx.getInstance(instance.id, { lock: true }))!;
        await this.machinery.runQueue(tx, await this.machinery.startChild(tx, parent, unstarted, actor), refuse, actor);
      }
      return instance.rootId;
    }
    const restored = (await tx.getInstance(instance.id, { lock: true }))!;
    await this.machinery.runQueue(tx, [{
      instance: restored, isNew: false, kind: 'incident-retry', history: [],
      action: { type: 'retry', action, ...(retry.variables && { variables: retry.variables }) },
    }], refuse, actor);
    return instance.rootId;
  }

  /**
   * The callers, from the parent up, that failed only because `instance` did
   * (their incidents follow from this one). A caller that moved on (it caught
   * the failure) no longer waits for the instance: then the retry is refused.
   */
  private async failedCallers(
    tx: StoreTx, instance: InstanceRow, incident: IncidentRow, refusing: (error: StratumError, reason: string) => StratumError,
  ): Promise<{ instance: InstanceRow; incident: IncidentRow }[]> {
    const callers: { instance: InstanceRow; incident: IncidentRow }[] = [];
    let child = instance;
    let cause = incident;
    while (child.parentId) {
      const parent = await tx.getInstance(child.parentId, { lock: true });
      if (!parent) break;
      const [following] = await tx.findIncidents({ instanceId: parent.id, causeId: cause.id, open: true });
      if (following && parent.status === 'failed') {
        callers.push({ instance: parent, incident: following });
        child = parent;
        cause = following;
        continue;
      }
      const stillCalls = (await tx.findWaits({ instanceId: parent.id, kind: 'call' })).some((wait) => wait.childInstanceId === child.id);
      if (parent.status !== 'running' || !stillCalls) {
        throw refusing(conflict(`instance ${parent.id} (${parent.processKey}) no longer waits for instance ${child.id}: retrying it would have nobody to return to; cancel the order instead`, {
          problem: 'caller-moved-on',
        }), 'caller-moved-on');
      }
      break;
    }
    return callers;
  }

  /** The instance as it was before the failed step (`actor` retries it). */
  private async restore(tx: StoreTx, instance: InstanceRow, incident: IncidentRow, actor: string): Promise<void> {
    await this.machinery.saveInstance(tx, {
      ...instance, status: 'running', state: incident.stateBefore, variables: incident.variablesBefore, incident: null, endedAt: null,
    });
    await tx.replaceWaits(instance.id, incident.waitsBefore);
    // A claim comes back with its task; its claimant may have decided another separated task of the order meanwhile,
    // when the task was not there for that decision to give the claim back.
    const claimants = new Set(incident.waitsBefore.flatMap((wait) => (wait.kind === 'task' && wait.claimedBy ? [wait.claimedBy] : [])));
    for (const claimant of claimants) await this.machinery.releaseVoidClaims(tx, instance, claimant, actor);
  }

  /** A step that only sets the retry's variables on the instance's state. */
  private async assignStep(tx: StoreTx, instanceId: string, variables: Record<string, unknown>): Promise<QueuedStep> {
    const instance = (await tx.getInstance(instanceId, { lock: true }))!;
    return { instance, isNew: false, kind: 'incident-retry', history: [], action: { type: 'retry', variables } };
  }

  private async close(tx: StoreTx, incident: IncidentRow, actor: string, data: Record<string, unknown>, caller?: StepCaller): Promise<void> {
    if (!(await tx.resolveIncident(incident.id, { resolvedAt: this.now(), resolvedBy: actor, resolution: 'retried' }))) {
      throw lostRace('resolved', `incident ${incident.id} was resolved concurrently`);
    }
    const entry = this.entry(incident.instanceId, actor, 'incident.resolved', incident, data);
    await tx.appendHistory([caller ? callerEntry(entry, caller) : entry]);
  }

  private base(instance: InstanceRow, incident: InstanceRow['incident']) {
    return {
      id: randomUUID(),
      instanceId: instance.id,
      rootId: instance.rootId,
      processKey: instance.processKey,
      businessKey: instance.businessKey,
      elementId: incident?.elementId ?? null,
      message: incident?.message ?? 'failed',
      // the same reason the instance's incident carries, so the incident list says why without opening the instance
      reason: incident?.reason ?? null,
      createdAt: this.now(),
      resolvedAt: null,
      resolvedBy: null,
      resolution: null,
    };
  }

  private entry(instanceId: string, actor: string, event: string, incident: IncidentRow, data: Record<string, unknown>): HistoryRow {
    return {
      instanceId, at: this.now(), actor, event, elementId: incident.elementId, elementType: null, waitId: incident.waitId,
      data: { incidentId: incident.id, message: incident.message, ...data },
    };
  }

  private now(): string {
    return this.clock.now().toISOString();
  }
}

// helpers

/** A failed call activity (the throw its failed child sent) follows from the child's open incident. */
async function causeOf(tx: StoreTx, action: StepAction, previousWaits: WaitRow[]): Promise<string | null> {
  if (action.type !== 'throw') return null;
  const call = previousWaits.find((wait) => wait.kind === 'call' && wait.executionId === action.executionId);
  if (!call?.childInstanceId) return null;
  const open = await tx.findIncidents({ instanceId: call.childInstanceId, open: true });
  return open.at(-1)?.id ?? null;
}

async function rootCauseOf(tx: StoreTx, incident: IncidentRow): Promise<string> {
  let current = incident;
  for (let depth = 0; current.causeId && depth < 100; depth++) {
    const cause = await tx.getIncident(current.causeId);
    if (!cause) break;
    current = cause;
  }
  return current.id;
}

/** The call wait a failed throw (or a refused call) was aimed at, when its child could not start. */
function unstartedCall(action: StepAction, waitsBefore: WaitRow[]): WaitRow | undefined {
  if (action.type !== 'throw' && action.type !== 'call-refused') return undefined;
  return waitsBefore.find((wait) => wait.kind === 'call' && wait.executionId === action.executionId && wait.childInstanceId);
}

/** The incidents of an instance and of the instances it called, directly or not (Camunda 8's search of a process instance's incidents). */
/** The store's conditions for a query's filters: the same for a page and a count. */
async function matchOf(tx: StoreTx, query: IncidentCountQuery): Promise<IncidentMatch> {
  const state = query.state ?? 'open';
  return {
    ...(state === 'open' && { open: true }),
    ...(state === 'resolved' && { resolved: true }),
    ...(query.processKey !== undefined && { processKey: query.processKey }),
    ...(query.businessKey !== undefined && { businessKey: query.businessKey }),
    ...(query.instanceId !== undefined && { instanceId: query.instanceId }),
    ...(query.elementId !== undefined && { elementId: query.elementId }),
    ...(query.instanceTree !== undefined && await treeScope(tx, query.instanceTree)),
    ...(query.kind !== undefined && { kind: query.kind }),
    ...(query.reasonKinds !== undefined && { reasonKinds: query.reasonKinds }),
  };
}

async function treeScope(tx: StoreTx, instanceId: string): Promise<Pick<IncidentMatch, 'rootId' | 'instanceIds'>> {
  const instance = await tx.getInstance(instanceId);
  if (!instance) throw notFound(`no instance ${instanceId}`);
  // a root's tree is its whole order: every incident with its root id, one index range
  if (instance.id === instance.rootId) return { rootId: instance.id };
  return { instanceIds: subtreeOf(instance, await tx.findInstances({ rootId: instance.rootId })).map((member) => member.id) };
}

/** A page by id ends at an id; its cursor says so, so that it is never read as a seq (digits) or the other way round. */
const ID_CURSOR = 'id:';

function cursorSeq(cursor: string): number {
  if (!/^\d{1,15}$/.test(cursor)) throw notHandedOut(cursor);
  return Number(cursor);
}

function cursorId(cursor: string): string {
  const id = cursor.startsWith(ID_CURSOR) ? cursor.slice(ID_CURSOR.length) : '';
  if (!/^[\x21-\x7e]{1,200}$/.test(id)) throw notHandedOut(cursor);
  return id;
}

function notHandedOut(cursor: string): StratumError {
  return new StratumError('bad-request', `cursor ${JSON.stringify(cursor.slice(0, 40))} is not one this server handed out`);
}

function incidentView(row: IncidentRow): IncidentView {
  return {
    id: row.id,
    instanceId: row.instanceId,
    rootInstanceId: row.rootId,
    processKey: row.processKey,
    businessKey: row.businessKey,
    elementId: row.elementId,
    message: row.message,
    ...(row.reason && { reason: row.reason }),
    kind: row.kind,
    jobId: row.kind === 'job' ? row.waitId : null,
    causeIncidentId: row.causeId,
    createdAt: row.createdAt,
    ...(row.resolvedAt && { resolvedAt: row.resolvedAt }),
    ...(row.resolution && { resolution: row.resolution }),
  };
}
