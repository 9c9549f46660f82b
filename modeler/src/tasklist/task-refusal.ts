// Why the server refused a decision, as its 403 problem says it for a program:
// `reason` and the members beside it (docs/api.md, "Task refusals"). A problem
// without them (an older server, a proxy) is no TaskRefusal, and the task list
// falls back to reading the detail sentence.
import type { DecidedTask, RefusedTask, TaskOffer, TaskRefusal } from '../../../engine/api.js';
import type { ProblemBody } from '../api/client';
import { isRecord } from '../../../engine/variables/is-record.js';

/** The refusal a problem body names, or undefined when it names none this task list knows. */
export function taskRefusalIn(body: ProblemBody): TaskRefusal | undefined {
  const { reason } = body;
  if (typeof reason !== 'string') return undefined;
  const task = body.task;
  if (!isTask(task)) return undefined;
  switch (reason) {
    case 'not-offered':
      if (!isOffer(body.offeredTo)) return undefined;
      return { reason, task, offeredTo: body.offeredTo, ...(typeof body.claimedBy === 'string' && { claimedBy: body.claimedBy }) };
    case 'four-eyes-starter':
    case 'four-eyes-change-requester':
    case 'four-eyes-other-task':
    case 'four-eyes-other-iteration':
    case 'four-eyes-distinct-deciders': {
      const { businessKey, rootInstanceId } = body;
      if (!(businessKey === null || typeof businessKey === 'string') || typeof rootInstanceId !== 'string') return undefined;
      const about = { task, businessKey, rootInstanceId };
      if (reason === 'four-eyes-starter') return { reason, ...about };
      if (reason === 'four-eyes-change-requester') return typeof body.changeId === 'string' ? { reason, ...about, changeId: body.changeId } : undefined;
      return isDecidedTask(body.decidedTask) ? { reason, ...about, decidedTask: body.decidedTask } : undefined;
    }
    default:
      return undefined;
  }
}

// helpers

const isStrings = (value: unknown): value is string[] => Array.isArray(value) && value.every((item) => typeof item === 'string');

function isTask(value: unknown): value is RefusedTask {
  return isRecord(value) && ['id', 'instanceId', 'processKey', 'elementId', 'name'].every((key) => typeof value[key] === 'string');
}

function isDecidedTask(value: unknown): value is DecidedTask {
  return isRecord(value) && (value.id === null || typeof value.id === 'string') &&
    ['instanceId', 'processKey', 'elementId', 'name'].every((key) => typeof value[key] === 'string');
}

function isOffer(value: unknown): value is TaskOffer {
  return isRecord(value) && (value.assignee === null || typeof value.assignee === 'string') &&
    isStrings(value.candidateUsers) && isStrings(value.candidateGroups);
}
