// An activity's input mappings (Camunda 7 input parameters, Camunda 8
// zeebe:input) make local variables of the activity: evaluated in order when it
// is entered (a later input reads an earlier one), visible to what runs inside
// it, never to the process; its output mappings are evaluated in that local
// scope, so they read the inputs too. A user task's or a job's inputs are
// evaluated when its wait opens and kept with the wait (a job's variables, what
// a task's assignment reads); every other activity's are kept in the engine
// environment its scope runs in, under one variable Stratum never shows, keyed
// by the activity's execution, from its entry to its end, so they are stored
// with the instance across wait states (a receive task, a call activity, an
// embedded sub-process, whose inner elements see them as variables of its scope).
import type { ElementInfo } from '../bpmn/process-model.js';
import { evaluateFeel, feelBody, isFeel, variablesReadBy } from '../feel/feel-expression.js';
import { withReason } from './incident-reasons.js';

/** The hidden process variable holding activities' local inputs (a name no FEEL expression can read). */
export const LOCAL_INPUTS_VARIABLE = 'stratum:locals';

type Locals = Record<string, unknown>;

interface Scope {
  readonly variables: Record<string, unknown>;
  assignVariables(variables: Record<string, unknown>): void;
}

/** The inputs evaluated over `variables`, in order; throws (a FeelError, its reason `io-mapping-failed`) when one fails. */
export function evaluateInputs(info: ElementInfo, variables: Record<string, unknown>): Locals {
  const local: Locals = {};
  for (const { source, target } of info.inputs ?? []) {
    try {
      local[target] = isFeel(source) ? evaluateFeel(feelBody(source), { ...variables, ...local }) ?? null : source;
    } catch (error) {
      throw withReason(error as Error, { kind: 'io-mapping-failed', direction: 'input', target });
    }
  }
  return local;
}

/**
 * Whether the runtime keeps the element's inputs in the engine from its entry to its end: every element
 * with inputs but user tasks and jobs (which keep theirs with their wait) and multi-instance activities
 * (whose inputs belong to their iterations).
 */
export function keepsLocalInputs(info: ElementInfo): boolean {
  if (!info.inputs?.length || info.multiInstance) return false;
  return !(info.type === 'bpmn:UserTask' || info.type === 'bpmn:ManualTask' || info.jobType);
}

/** Whether an output mapping of the element reads one of its inputs. */
export function outputsReadInputs(info: ElementInfo): boolean {
  const targets = new Set((info.inputs ?? []).map((input) => input.target));
  return (info.outputs ?? []).some(({ source }) => isFeel(source) && variablesReadBy(feelBody(source)).some((name) => targets.has(name)));
}

export function keepLocalInputs(scope: Scope, executionId: string, locals: Locals): void {
  scope.assignVariables({ [LOCAL_INPUTS_VARIABLE]: { ...allLocals(scope), [executionId]: locals } });
}

/** The inputs kept for an execution ({} when none were). */
export function localInputsOf(scope: Pick<Scope, 'variables'>, executionId: string): Locals {
  return allLocals(scope)[executionId] ?? {};
}

/** The activity ended: its inputs go with it. */
export function dropLocalInputs(scope: Scope, executionId: string): void {
  const all = allLocals(scope);
  if (!(executionId in all)) return;
  const { [executionId]: _ended, ...rest } = all;
  scope.assignVariables({ [LOCAL_INPUTS_VARIABLE]: rest });
}

/** A user task's or job's inputs as evaluated when its wait opened (kept in the wait's variables). */
export function waitInputs(info: ElementInfo, waitVariables: Record<string, unknown> | null | undefined): Locals {
  if (!waitVariables) return {};
  const names = (info.inputs ?? []).map((input) => input.target).filter((name) => Object.hasOwn(waitVariables, name));
  return Object.fromEntries(names.map((name) => [name, waitVariables[name]]));
}

// helpers

function allLocals(scope: Pick<Scope, 'variables'>): Record<string, Locals> {
  const value = scope.variables?.[LOCAL_INPUTS_VARIABLE];
  return typeof value === 'object' && value !== null ? (value as Record<string, Locals>) : {};
}

