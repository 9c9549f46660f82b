// The server's refusals as an approver reads them: what happened and what to do,
// never a status code alone.
import type { TaskOffer, TaskRefusal } from '../../../engine/api.js';
import { claimedByOtherSentence } from './task-claim-state';
import type { TaskProblem } from './TasklistClient';

export interface Refusal {
  sentence: string;
  /** The task is gone from the list (someone else decided it): close it. */
  taskGone: boolean;
}

export function refusalOf(problem: TaskProblem): Refusal {
  const detail = problem.detail ?? '';
  switch (problem.status) {
    case 0:
      return { sentence: 'The server cannot be reached. Your decision was not sent; try again in a moment.', taskGone: false };
    case 401:
      return { sentence: 'Your sign-in is no longer valid. Sign in again; your decision was not sent.', taskGone: false };
    case 403:
      return { sentence: problem.refusal ? refusalSentence(problem.refusal) : forbiddenByDetail(detail), taskGone: false };
    case 404:
    case 409:
      if (typeof problem.body.assignee === 'string' && problem.body.type === `${PROBLEMS}task-claimed`) {
        return { sentence: `${problem.body.assignee} assigned this task to themselves first.`, taskGone: false };
      }
      return { sentence: 'Someone else decided this task first, or the order moved on. It is no longer open.', taskGone: true };
    case 422:
      return { sentence: missingDecision(problem), taskGone: false };
    case 503:
      return { sentence: 'The server is busy. Your decision was not sent; try again in a moment.', taskGone: false };
    default:
      return { sentence: `The server refused the decision: ${detail || problem.title}`, taskGone: false };
  }
}

/**
 * Whether a refusal stands for good for this person: four eyes refuses them this task whatever they send, as a task
 * the list marks (`fourEyes`), so the page disables its decision rather than let them send it again.
 */
export function refusesForGood(problem: TaskProblem): boolean {
  return problem.status === 403 && (problem.reason?.startsWith('four-eyes') ?? /^four eyes:/.test(problem.detail ?? ''));
}

// helpers

const FOUR_EYES = 'Four eyes: another person must make this decision.';
const PROBLEMS = 'https://stratum.dev/problems/';

/** A 403 as the server names it (`reason` and its members). */
export function refusalSentence(refusal: TaskRefusal): string {
  switch (refusal.reason) {
    case 'four-eyes-other-task':
      return `You already decided "${refusal.decidedTask.name}" for this order. ${FOUR_EYES}`;
    case 'four-eyes-other-iteration':
      return `You already decided one of the "${refusal.decidedTask.name}" tasks of this order. Four eyes: another person must decide this one.`;
    case 'four-eyes-distinct-deciders':
      return `You already decided "${refusal.decidedTask.name}" here. Four eyes: another person must decide "${refusal.task.name}".`;
    case 'four-eyes-starter':
      return `You started this order. ${FOUR_EYES}`;
    case 'four-eyes-change-requester':
      return `You requested change ${refusal.changeId} of this order. ${FOUR_EYES}`;
    case 'not-offered':
      return refusal.claimedBy ? claimedByOtherSentence(refusal.claimedBy) : notOfferedSentence(refusal.offeredTo);
  }
}

/** Why a task is not the reader's to decide: whom it is offered to (the 403 `not-offered`). */
export function notOfferedSentence({ assignee, candidateUsers, candidateGroups }: TaskOffer): string {
  if (!assignee && candidateUsers.length === 0) return `This task is for ${candidateGroups.join(', ')}, and you are in none of these groups.`;
  const offered = [
    ...(assignee ? [`assigned to ${assignee}`] : []),
    ...(candidateUsers.length ? [`offered to ${candidateUsers.join(', ')}`] : []),
    ...(candidateGroups.length ? [`for ${candidateGroups.join(', ')}`] : []),
  ];
  return `This task is ${offered.join(', ')}, and you are not among them.`;
}

/**
 * Fallback for a server that sends the 403's detail sentence only (Stratum 0.1.1 and earlier, before `reason`): the sentence
 * is read with patterns. Remove it once no such server is in use.
 */
function forbiddenByDetail(detail: string): string {
  const fourEyes = /four eyes: (.+?) already decided "(.+?)"/.exec(detail);
  if (fourEyes) return `You already decided "${fourEyes[2]}" for this order. ${FOUR_EYES}`;
  const iteration = /four eyes: (.+?) already decided another iteration of "(.+?)"/.exec(detail);
  if (iteration) return `You already decided one of the "${iteration[2]}" tasks of this order. Four eyes: another person must decide this one.`;
  if (/four eyes: (.+?) started order /.test(detail)) return `You started this order. ${FOUR_EYES}`;
  const change = /four eyes: (.+?) requested change (.+?) of order /.exec(detail);
  if (change) return `You requested change ${change[2]} of this order. ${FOUR_EYES}`;
  const groups = /is for (.+?);/.exec(detail);
  return groups ? `This task is for ${groups[1]}, and you are in none of these groups.` : 'You may not decide this task.';
}

interface FieldError {
  field?: string;
  name?: string;
  message?: string;
}

/** A 422: name the fields the approver has to fill in (the `errors` point at `/variables/<name>`). */
function missingDecision(problem: TaskProblem): string {
  const errors = Array.isArray(problem.body.errors) ? (problem.body.errors as FieldError[]) : [];
  const names = [...new Set(errors.map((error) => variableName(error)).filter((name): name is string => Boolean(name)))];
  if (names.length) return `The decision is incomplete: fill in ${names.join(', ')} and send it again.`;
  return `The decision is incomplete: ${problem.detail ?? 'check the form'}.`;
}

function variableName(error: FieldError): string | undefined {
  const path = error.field ?? error.name ?? '';
  const match = /variables[/.]([^/.\s]+)/.exec(path);
  return match ? match[1] : error.name;
}
