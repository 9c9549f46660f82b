// User tasks: the open ones (by candidate group or assignee), claiming one (task-claims.ts), and completing one — by
// its assignee, a candidate user or a member of a candidate group (only its claimant while it is claimed), with the
// task's declared completion variables only, and (for separated tasks) never by whoever started the order,
// requested a change of it or decided an earlier one.
import type { Actor, TaskCompletionView, TaskCountQuery, TaskFourEyes, TaskQuery, TaskRefusal, TaskView } from '../api.js';
import { conflict, forbidden } from '../errors.js';
import type { InstanceRow, StoreTx, WaitRow } from '../store/types.js';
import type { ExecutableDefinition } from './definition-cache.js';
import { completionInputsBehind, refuseDecisionWithoutReason, refuseUndeclaredTaskVariables, userTaskWrites } from './completion-variables.js';
import { distinctDeciderRefusalOf } from './distinct-deciders.js';
import { ENCLOSING_ITERATIONS } from './enclosing-iteration.js';
import { fourEyesRefusal, MULTI_INSTANCE_BODY, separatedTaskIn, type SeparatedTask } from './four-eyes.js';
import { waitInputs } from './local-inputs.js';
import { multiInstanceBodyOf } from './multi-instance.js';
import { keepingLateCall } from './late-calls.js';
import { noteRefusal, recordRefusedAttempt, recordingRefusal, VARIABLE_REFUSED } from './refused-attempts.js';
import { mayWork, offeredTo } from './task-assignment.js';
import { claimedByAnother, heldByAnother, holderOf, notClaimed, TASK_CLAIMED } from './task-claims.js';
import { callerEntry, callerOf } from './step-caller.js';
import type { StepExecutor } from './step-executor.js';
import { fourEyesOnTasks } from './task-four-eyes.js';
import { taskViews } from './task-views.js';
import { releaseClaimsFourEyesRefuses } from './void-claims.js';
import { lockWait } from './wait-locks.js';
import { isRecord } from '../variables/is-record.js';

export class UserTasks {
  constructor(private readonly steps: StepExecutor) {}

  async find(query: TaskQuery): Promise<TaskView[]> {
    return this.steps.store.read(async (tx) => {
      const waits = await tx.findWaits({ kind: 'task', ...query });
      return taskViews(tx, waits, (key, version) => this.steps.definition(tx, key, version));
    });
  }

  count(query: TaskCountQuery): Promise<number> {
    return this.steps.store.read((tx) => tx.countWaits({ kind: 'task', ...query }));
  }

  /** The tasks of `tasks` four eyes would refuse `actor` (task-four-eyes.ts): one read transaction for the page. */
  fourEyesOn(tasks: TaskView[], actor: string): Promise<Map<string, TaskFourEyes>> {
    if (tasks.length === 0) return Promise.resolve(new Map<string, TaskFourEyes>());
    return this.steps.store.read((tx) => fourEyesOnTasks(tx, tasks, actor, (key, version) => this.steps.definition(tx, key, version)));
  }

  async get(taskId: string): Promise<TaskView | undefined> {
    return this.steps.store.read(async (tx) => {
      const wait = await tx.getWait(taskId);
      if (!wait || wait.kind !== 'task') return undefined;
      return (await taskViews(tx, [wait], (key, version) => this.steps.definition(tx, key, version)))[0];
    });
  }

  /** The decision a task got (its `task.completed`), or undefined: still open, ended otherwise, or unknown. */
  async completion(taskId: string): Promise<TaskCompletionView | undefined> {
    return this.steps.store.read(async (tx) => {
      const completed = await tx.findTaskCompletion(taskId);
      if (!completed) return undefined;
      const instance = await tx.getInstance(completed.instanceId);
      const data = completed.data ?? {};
      return {
        taskId,
        instanceId: completed.instanceId,
        businessKey: instance?.businessKey ?? null,
        processKey: instance?.processKey ?? '',
        elementId: completed.elementId ?? '',
        name: typeof data.name === 'string' ? data.name : null,
        completedBy: completed.actor,
        completedAt: completed.at,
        variables: isRecord(data.variables) ? data.variables : {},
      };
    });
  }

  /** Completes the task; returns the id of the order (root instance) it moved. */
  async complete(taskId: string, variables: Record<string, unknown>, actor: Actor): Promise<string> {
    const { steps } = this;
    const caller = callerOf(actor);
    // a refusal of the controls (candidate groups, four eyes) is kept in the history as `task.refused`
    return keepingLateCall(steps, 'task', taskId, { attempted: 'complete', variables }, caller, () => recordingRefusal((attempt) => steps.step('complete-task', async (tx, moving) => {
      const { wait, instance } = await lockWait(tx, taskId, 'task', { order: true }); // four eyes reads the whole order
      moving(instance);
      const definition = await steps.definition(tx, instance.processKey, instance.version);
      const info = definition.model.elements.get(wait.elementId)!;
      // an iteration of a multi-instance task names its activation, for four eyes (one decision per person and activation)
      const body = info.multiInstance ? multiInstanceBodyOf(wait.executionId) : undefined;
      // a refusal of the controls is noted for the history (recordingRefusal, below)
      const sent = { name: wait.name, variables, ...(body !== undefined && { [MULTI_INSTANCE_BODY]: body }) };
      await noteRefusal(attempt, wait, sent, () => {
        if (wait.claimedBy && wait.claimedBy !== actor.name) throw claimedByAnother(wait, instance, info.name ?? info.id, actor, 'decide');
        refuseNotOffered(wait, instance, info.name ?? info.id, actor);
      });
      // a variable the task does not declare is an attempt to set what the approver does not decide: kept too
      await noteRefusal(attempt, wait, sent, () => refuseUndeclaredTaskVariables(info, variables), VARIABLE_REFUSED);
      // so is a rejection that does not say why: the history would keep a customer's order rejected for no reason
      await noteRefusal(attempt, wait, sent, () => refuseDecisionWithoutReason(info, variables), VARIABLE_REFUSED);
      const writes = userTaskWrites(info, variables, waitInputs(info, wait.variables));
      const judged = await noteRefusal(attempt, wait, sent, () => this.refuseFourEyes(tx, wait, instance, definition, actor));
      // the iterations of multi-instance scopes around the task are named too, for four eyes (one decision per person and activation)
      const enclosing = judged?.enclosing;
      const completion = callerEntry(steps.rows.waitHistory(wait, actor.name, 'task.completed', 'bpmn:UserTask', {
        name: wait.name, variables, writes, ...(body !== undefined && { [MULTI_INSTANCE_BODY]: body }),
        ...(enclosing !== undefined && { [ENCLOSING_ITERATIONS]: enclosing }),
      }), caller);
      // The approver can correct their input, so a completion that would fail
      // the instance (a condition reading a variable they did not give) is refused.
      await steps.runQueue(tx, [{
        instance, isNew: false, kind: 'complete-task', history: [completion], actor: actor.name,
        action: { type: 'signal', elementId: wait.elementId, executionId: wait.executionId, variables: writes, outputsApplied: true },
      }], {
        refuseFailure: `completing task "${wait.name ?? wait.elementId}" with these variables`,
        nameInputs: (inputs) => completionInputsBehind(info, variables, inputs),
      });
      // a decision of a separated task (or of one its instance has decided by distinct people) leaves the decider's
      // claims on the tasks four eyes now refuses them holding nothing
      if (hasFourEyes(definition, wait) && !steps.isSpeculation(tx)) {
        await releaseClaimsFourEyesRefuses(tx, steps.rows, instance, actor.name, (key, version) => steps.definition(tx, key, version));
      }
      return instance.rootId;
    }, caller), (refused) => recordRefusedAttempt(steps, refused, caller, 'task.refused', 'bpmn:UserTask')));
  }

  /**
   * Claims the task for `actor` (task-claims.ts): refused as its completion would refuse `actor`, and while
   * someone else holds it; claiming it again changes nothing. A task on hold (TaskView.held) may be claimed and
   * unclaimed: neither moves the process.
   */
  async claim(taskId: string, actor: Actor): Promise<TaskView> {
    const { steps } = this;
    const caller = callerOf(actor);
    // a claim the controls refuse (not offered, four eyes) or someone else holds is kept in the history as
    // `task.refused`, as a completion is
    await recordingRefusal((attempt) => steps.step('claim-task', async (tx, moving) => {
      // four eyes reads the whole order; a claim moves nothing, so a task on hold may be claimed (its completion may not)
      const { wait, instance } = await lockWait(tx, taskId, 'task', { order: true, evenIfHeld: true });
      moving(instance);
      const definition = await steps.definition(tx, instance.processKey, instance.version);
      const info = definition.model.elements.get(wait.elementId)!;
      const body = info.multiInstance ? multiInstanceBodyOf(wait.executionId) : undefined;
      const attempted = { attempted: 'claim', name: wait.name, ...(body !== undefined && { [MULTI_INSTANCE_BODY]: body }) };
      await noteRefusal(attempt, wait, attempted, () => refuseNotOffered(wait, instance, info.name ?? info.id, actor));
      await noteRefusal(attempt, wait, attempted, () => this.refuseFourEyes(tx, wait, instance, definition, actor));
      const holder = holderOf(wait);
      if (holder === actor.name) return; // theirs already: by this claim, an earlier one or the diagram
      // a claim of a task someone else holds is an attempt to take it from them: kept too (`task-claimed`)
      if (holder !== null) await noteRefusal(attempt, wait, attempted, () => { throw heldByAnother(wait, holder); }, TASK_CLAIMED);
      await tx.updateWait({ ...wait, claimedBy: actor.name, claimedAt: steps.rows.nowIso() });
      await tx.appendHistory([callerEntry(steps.rows.waitHistory(wait, actor.name, 'task.claimed', 'bpmn:UserTask', { name: wait.name }), caller)]);
    }, caller), (refused) => recordRefusedAttempt(steps, refused, caller, 'task.refused', 'bpmn:UserTask'));
    return this.stillOpen(taskId);
  }

  /**
   * Gives a claimed task back to its candidates: by its claimant, or by an operator (`asOperator`). Anyone else's
   * attempt to take the claimant's task from them is refused (403) and kept in the history as `task.refused`, as a
   * refused claim is.
   */
  async unclaim(taskId: string, actor: Actor, options: { asOperator?: boolean } = {}): Promise<TaskView> {
    const { steps } = this;
    const caller = callerOf(actor);
    await recordingRefusal((attempt) => steps.step('unclaim-task', async (tx, moving) => {
      const { wait, instance } = await lockWait(tx, taskId, 'task', { evenIfHeld: true });
      moving(instance);
      if (!wait.claimedBy) throw notClaimed(wait);
      await noteRefusal(attempt, wait, { attempted: 'unclaim', name: wait.name }, () => {
        if (wait.claimedBy !== actor.name && !options.asOperator) {
          throw claimedByAnother(wait, instance, wait.name ?? wait.elementId, actor, 'unclaim');
        }
      });
      await tx.updateWait({ ...wait, claimedBy: null, claimedAt: null });
      await tx.appendHistory([callerEntry(steps.rows.waitHistory(wait, actor.name, 'task.unclaimed', 'bpmn:UserTask', {
        name: wait.name, claimedBy: wait.claimedBy, claimedAt: wait.claimedAt,
      }), caller)]);
    }, caller), (refused) => recordRefusedAttempt(steps, refused, caller, 'task.refused', 'bpmn:UserTask'));
    return this.stillOpen(taskId);
  }

  /** The task as it is now; a completion that came right after the claim closed it. */
  private async stillOpen(taskId: string): Promise<TaskView> {
    const view = await this.get(taskId);
    if (!view) throw conflict(`task ${taskId} is no longer open`);
    return view;
  }

  /**
   * Four eyes: a separated task is refused (a `forbidden` TaskRefusal) to whoever started the order, requested a
   * change of it or decided another separated task of it. The caller holds the order's lock (lockWait with `order`).
   * Returns the task as judged (with the multi-instance iteration around it), undefined when four eyes does not look.
   */
  private async refuseFourEyes(tx: StoreTx, wait: WaitRow, instance: InstanceRow, definition: ExecutableDefinition, actor: Actor): Promise<SeparatedTask | undefined> {
    const { steps } = this;
    if (!hasFourEyes(definition, wait) || steps.isSpeculation(tx)) return undefined;
    const definitionOf = (key: string, version: number) => steps.definition(tx, key, version);
    const task = await separatedTaskIn(tx, wait, instance, definition.model, definitionOf);
    const refusal = definition.model.separatedTasks.includes(wait.elementId)
      ? await fourEyesRefusal(tx, instance, task, actor.name, definitionOf)
      : undefined;
    if (refusal) throw refusal;
    const distinct = await distinctDeciderRefusalOf(tx, instance, definition.model, task, actor.name);
    if (distinct) throw distinct;
    return task;
  }
}

// helpers

/** Whether four eyes looks at `wait`'s task: separated in the order, or decided by distinct people in its instance. */
function hasFourEyes(definition: ExecutableDefinition, wait: WaitRow): boolean {
  return definition.model.separatedTasks.includes(wait.elementId) || definition.model.distinctDeciders.includes(wait.elementId);
}

/** Refuses (a `forbidden` TaskRefusal `not-offered`) an actor who is not the task's assignee, a candidate user or in a candidate group. */
function refuseNotOffered(wait: WaitRow, instance: InstanceRow, name: string, actor: Actor): void {
  const assignment = { assignee: wait.assignee, candidateUsers: wait.candidateUsers ?? [], candidateGroups: wait.candidateGroups ?? [] };
  if (mayWork(assignment, actor.name, actor.groups)) return;
  const task = { id: wait.id, instanceId: instance.id, processKey: instance.processKey, elementId: wait.elementId, name };
  throw forbidden(`task ${wait.id} is ${offeredTo(assignment)}; ${actor.name} is not among them`,
    { reason: 'not-offered', task, offeredTo: assignment } satisfies TaskRefusal);
}
