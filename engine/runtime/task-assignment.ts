// Who may work a task, as Camunda assigns it: the assignee, candidate users
// and candidate groups of the element, each a list of names or an expression
// (FEEL `=…`, JUEL `${…}`) evaluated over the variables when the task is
// created. A task assigned to nobody is offered to the default task group
// (STRATUM_DEFAULT_TASK_GROUP, default "task-users"), so it can always be completed.
// An expression that calls a method (a Camunda 7 bean: #{service.findRequester(id)})
// cannot be evaluated without running code: it assigns nobody (the deploy warned),
// so such a task, assigned no other way, goes to the default group too.
// An expression never hands a task to a server role: its candidate groups never
// include a group that grants one, its assignee and candidate users never name an
// account that holds nothing else (the server says which, StratumOptions.serverRoles).
// The variables it reads may come from whoever started the process, who could
// otherwise name their own role's group or account as the task's decider. Such a
// task is not created. Names written into the diagram stay the designer's choice.
import type { ServerRoles, TaskOffer } from '../api.js';
import type { ElementInfo } from '../bpmn/process-model.js';
import type { AssignmentAttribute, IncidentReason } from '../store/types.js';
import { callsMethod } from '../bpmn/camunda7-jobs.js';
import { ConfigurationError } from '../errors.js';
import { compileExpression, isExpressionText } from '../expressions/compile-expression.js';

const DEFAULT_TASK_GROUP = 'task-users';

/** Who a task is for; a refusal names it (TaskRefusal `not-offered`). */
export type TaskAssignment = TaskOffer;

/**
 * The group a task with no assignment at all is offered to: STRATUM_DEFAULT_TASK_GROUP, task-users when unset.
 * Set but blank is refused, as the server's configuration refuses it: read as unset, it offered such tasks to
 * task-users, a group the operator meant to replace. openStratum asks once, so the refusal comes at open.
 */
export function defaultTaskGroup(env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.STRATUM_DEFAULT_TASK_GROUP;
  if (configured === undefined) return DEFAULT_TASK_GROUP;
  if (configured.trim() === '') {
    throw new ConfigurationError('STRATUM_DEFAULT_TASK_GROUP', 'STRATUM_DEFAULT_TASK_GROUP is set but blank: name the group unassigned tasks are offered to, or leave it unset for task-users');
  }
  return configured.trim();
}

const NO_SERVER_ROLES: ServerRoles = { groups: [], accounts: [] };

/** An assignment the runtime refuses: the task is not created, and the incident keeps `reason` beside the message. */
export class AssignmentRefused extends Error {
  constructor(message: string, readonly reason: IncidentReason) {
    super(message);
  }
}

/**
 * Evaluates an element's assignment; throws naming the attribute when an expression fails, gives candidate
 * groups among `serverRoles.groups`, or an assignee or candidate users among `serverRoles.accounts`.
 */
export function taskAssignment(info: ElementInfo, variables: Record<string, unknown>, serverRoles: ServerRoles = NO_SERVER_ROLES): TaskAssignment {
  const users = (entry: string, attribute: AssignmentAttribute) => notServerRoles(entry, names(entry, variables, attribute), attribute, serverRoles.accounts, 'account');
  const assigneeNames = info.assignee ? users(info.assignee, 'assignee') : [];
  if (assigneeNames.length > 1) {
    throw new AssignmentRefused(`assignee ${info.assignee} gives ${assigneeNames.length} users; a task has one assignee`, { kind: 'assignment-failed', attribute: 'assignee' });
  }
  const candidateUsers = (info.candidateUsers ?? []).flatMap((entry) => users(entry, 'candidateUsers'));
  const candidateGroups = (info.candidateGroups ?? []).flatMap((entry) =>
    notServerRoles(entry, names(entry, variables, 'candidateGroups'), 'candidateGroups', serverRoles.groups, 'group'));
  const assignee = assigneeNames[0] ?? null;
  if (!assignee && candidateUsers.length === 0 && candidateGroups.length === 0) {
    return { assignee: null, candidateUsers: [], candidateGroups: [defaultTaskGroup()] };
  }
  return { assignee, candidateUsers: unique(candidateUsers), candidateGroups: unique(candidateGroups) };
}

/** Whether `user` (in `groups`) may complete a task with this assignment. */
export function mayWork(assignment: TaskAssignment, user: string, groups: string[]): boolean {
  return assignment.assignee === user || assignment.candidateUsers.includes(user) || assignment.candidateGroups.some((group) => groups.includes(group));
}

/** For a refusal: "for anna, users bob, groups sales". */
export function offeredTo(assignment: TaskAssignment): string {
  const parts = [
    ...(assignment.assignee ? [`assigned to ${assignment.assignee}`] : []),
    ...(assignment.candidateUsers.length ? [`offered to ${assignment.candidateUsers.join(', ')}`] : []),
    ...(assignment.candidateGroups.length ? [`for ${assignment.candidateGroups.join(', ')}`] : []),
  ];
  return parts.join(', ') || 'for nobody';
}

// helpers

/** A name, or an expression giving a name, a list of names, or "a, b" (Camunda 7 accepts all three). */
function names(entry: string, variables: Record<string, unknown>, attribute: AssignmentAttribute): string[] {
  if (!isExpressionText(entry)) return [entry];
  if (callsMethod(entry)) return [];
  let value: unknown;
  try {
    value = compileExpression(entry).evaluate(variables);
  } catch (error) {
    throw new AssignmentRefused(`${ATTRIBUTE_WORDS[attribute]} ${entry}: ${(error as Error).message}`, { kind: 'assignment-failed', attribute });
  }
  const list = Array.isArray(value) ? value : value === null || value === undefined ? [] : [value];
  return list.flatMap((item) => String(item).split(',')).map((name) => name.trim()).filter(Boolean);
}

const ATTRIBUTE_WORDS: Record<AssignmentAttribute, string> = { assignee: 'assignee', candidateUsers: 'candidate users', candidateGroups: 'candidate groups' };

const SERVER_ROLE = { group: 'a group that grants a server role', account: 'an account that only holds server roles' };

/** The names an entry gave, unless it is an expression that gave one of `roles` (server role groups or accounts). */
function notServerRoles(entry: string, given: string[], attribute: AssignmentAttribute, roles: readonly string[], serverRole: 'group' | 'account'): string[] {
  const role = isExpressionText(entry) ? given.find((name) => roles.includes(name)) : undefined;
  if (role !== undefined) {
    const kind = serverRole === 'group' ? 'group' : 'user';
    throw new AssignmentRefused(`${ATTRIBUTE_WORDS[attribute]} ${entry} gave "${role}", ${SERVER_ROLE[serverRole]}; ` +
      'the variables an expression reads may come from whoever started the process, so they never hand a task to a server role ' +
      `(write the ${kind} into the diagram if it is meant)`, { kind: 'assignment-server-role', attribute, given: role, serverRole });
  }
  return given;
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}
