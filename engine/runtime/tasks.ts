// User tasks: the open ones (by candidate group or assignee), and completing one — by
// its assignee, a candidate user or a member of a candidate group, with the task's declared completion variables
// only, and (for separated tasks) never by whoever started the order, requested a change of it or decided an
// earlier one.
import type { Actor, TaskQuery, TaskRefusal, TaskView } from '../api.js';
import { forbidden } from '../errors.js';
import { completionInputsBehind, userTaskWrites } from './completion-variables.js';
import { fourEyesRefusal, MULTI_INSTANCE_BODY } from './four-eyes.js';
import { waitInputs } from './local-inputs.js';
import { multiInstanceBodyOf } from './multi-instance.js';
import { recordRefusedAttempt, recordingRefusal } from './refused-attempts.js';
import { mayWork, offeredTo } from './task-assignment.js';
import type { StepExecutor } from './step-executor.js';
import { taskViews } from './task-views.js';
import { lockWait } from './wait-locks.js';

export class UserTasks {
  constructor(private readonly steps: StepExecutor) {}

  async find(query: TaskQuery): Promise<TaskView[]> {
    return this.steps.store.read(async (tx) => {
      const waits = await tx.findWaits({ kind: 'task', ...query });
      return taskViews(tx, waits, (key, version) => this.steps.definition(tx, key, version));
    });
  }

  async get(taskId: string): Promise<TaskView | undefined> {
    return this.steps.store.read(async (tx) => {
      const wait = await tx.getWait(taskId);
      if (!wait || wait.kind !== 'task') return undefined;
      return (await taskViews(tx, [wait], (key, version) => this.steps.definition(tx, key, version)))[0];
    });
  }

  /** Completes the task; returns the id of the order (root instance) it moved. */
  async complete(taskId: string, variables: Record<string, unknown>, actor: Actor): Promise<string> {
    const { steps } = this;
    // a refusal of the controls (candidate groups, four eyes) is kept in the history as `task.refused`
    return recordingRefusal((attempt) => steps.step('complete-task', async (tx, moving) => {
      const { wait, instance } = await lockWait(tx, taskId, 'task', { order: true }); // four eyes reads the whole order
      moving(instance);
      const assignment = { assignee: wait.assignee, candidateUsers: wait.candidateUsers ?? [], candidateGroups: wait.candidateGroups ?? [] };
      const definition = await steps.definition(tx, instance.processKey, instance.version);
      const info = definition.model.elements.get(wait.elementId)!;
      if (!mayWork(assignment, actor.name, actor.groups)) {
        const task = { id: taskId, instanceId: instance.id, processKey: instance.processKey, elementId: wait.elementId, name: info.name ?? info.id };
        const error = forbidden(`task ${taskId} is ${offeredTo(assignment)}; ${actor.name} is not among them`,
          { reason: 'not-offered', task, offeredTo: assignment } satisfies TaskRefusal);
        attempt.current = { wait, error, data: { name: wait.name, variables } };
        throw error;
      }
      const writes = userTaskWrites(info, variables, waitInputs(info, wait.variables));
      // an iteration of a multi-instance task names its activation, for four eyes (one decision per person and activation)
      const body = info.multiInstance ? multiInstanceBodyOf(wait.executionId) : undefined;
      if (definition.model.separatedTasks.includes(wait.elementId) && !steps.isSpeculation(tx)) {
        const task = { id: taskId, elementId: wait.elementId, name: info.name ?? info.id, ...(body !== undefined && { multiInstanceBody: body }) };
        const refusal = await fourEyesRefusal(tx, instance, task, actor.name, (key, version) => steps.definition(tx, key, version));
        if (refusal) {
          attempt.current = { wait, error: refusal, data: { name: wait.name, variables, ...(body !== undefined && { [MULTI_INSTANCE_BODY]: body }) } };
          throw refusal;
        }
      }
      const completion = steps.rows.waitHistory(wait, actor.name, 'task.completed', 'bpmn:UserTask', {
        name: wait.name, variables, writes, ...(body !== undefined && { [MULTI_INSTANCE_BODY]: body }),
      });
      // The approver can correct their input, so a completion that would fail
      // the instance (a condition reading a variable they did not give) is refused.
      await steps.runQueue(tx, [{
        instance, isNew: false, kind: 'complete-task', history: [completion], actor: actor.name,
        action: { type: 'signal', elementId: wait.elementId, executionId: wait.executionId, variables: writes, outputsApplied: true },
      }], {
        refuseFailure: `completing task "${wait.name ?? wait.elementId}" with these variables`,
        nameInputs: (inputs) => completionInputsBehind(info, variables, inputs),
      });
      return instance.rootId;
    }), (refused) => recordRefusedAttempt(steps, refused, actor.name, 'task.refused', 'bpmn:UserTask'));
  }
}
