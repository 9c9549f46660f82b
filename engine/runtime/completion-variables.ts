// What the outside world may hand into a process when it completes a wait:
// only what the element declares as its outputs (see docs/modelling.md,
// "Decisions"). A user task's outputs are evaluated over the completion's own
// variables, never over the process, so a decision made earlier can never stand
// in for one that was not made. A job without outputs (Camunda diagrams' workers)
// may set variables, but never the order nor what another element decides.
import { declaredCompletionVariables } from '../bpmn/completion-declaration.js';
import { decisionWithoutReason } from '../bpmn/decision-reason.js';
import type { ElementInfo, ProcessModel } from '../bpmn/process-model.js';
import { StratumError } from '../errors.js';
import { ORDER_VARIABLES } from '../orders/order-entry.js';
import { describeInputs, evaluateFeel, feelBody, isFeel, type FeelInput } from '../feel/feel-expression.js';

/** The order as entered and converted: tasks, jobs and messages add to it but never change it. */
const ORDER_FIELDS: readonly string[] = ORDER_VARIABLES;

/** A variable of a request that was refused, and why; the server names it as `/variables/<name>`. */
interface RefusedVariable extends FeelInput {
  /** Replaces "the next condition reads it" in the message. */
  why?: string;
}

/**
 * What completing a user task writes into the process: its outputs evaluated
 * over the completion alone (a declared variable the completer omitted is null).
 * Anything the task does not declare is refused; a task without outputs accepts nothing.
 * A decision inferred from the gateway after the task (`inferredOutputs`) must be sent.
 */
export function userTaskWrites(info: ElementInfo, variables: Record<string, unknown>, locals: Record<string, unknown> = {}): Record<string, unknown> {
  return declaredWrites(info, variables, `task "${info.name ?? info.id}"`, locals);
}

/**
 * What completing a job writes: with declared outputs, as for a user task; without,
 * the worker's variables as they are, except the order fields and any variable
 * an element of the order's processes (`models`, tree-models.ts) declares as its output.
 */
export function jobWrites(info: ElementInfo, models: readonly ProcessModel[], variables: Record<string, unknown>, locals: Record<string, unknown> = {}): Record<string, unknown> {
  if (info.outputs?.length) return declaredWrites(info, variables, `job ${info.id}`, locals);
  refuseProtected(models, variables, `job ${info.id}`);
  return variables;
}

/** The processes a message may reach (messages.ts): whether its business key is an order, and their models. */
export interface MessageReach {
  order: boolean;
  models: readonly ProcessModel[];
}

/**
 * Variables a message carries: it adds to what it reaches, never changes the order as entered (when its
 * business key is an order) nor what another element of a process it may reach declares as its output.
 * The elements that catch the message are its own: their outputs may read, and name, what it carries.
 */
export function messageWrites(variables: Record<string, unknown>, name: string, reach: MessageReach): Record<string, unknown> {
  const orderFields = reach.order ? Object.keys(variables).filter((variable) => ORDER_FIELDS.includes(variable)) : [];
  if (orderFields.length) {
    throw refused(`message ${name} may not set ${orderFields.join(', ')}: the order as entered is not a message's to change`,
      orderFields.map((variable) => ({ name: variable, problem: 'is an order field', why: 'no message may set it' })));
  }
  const catches = (info: ElementInfo) => info.message?.name === name;
  const decided = new Set(reach.models.flatMap((model) => [...declaredOutputs(model, catches)]));
  const forbidden = Object.keys(variables).filter((variable) => decided.has(variable));
  if (forbidden.length) {
    throw refused(`message ${name} may not set ${forbidden.join(', ')}: what other elements decide is not a message's to set`,
      forbidden.map((variable) => ({ name: variable, problem: 'is the declared output of another element', why: 'no message may set it' })));
  }
  return variables;
}

/**
 * Variables an operator sets when retrying an incident: they fix what the failed step lacked, but never set the
 * order nor what an element of the process decides (a decision is made where it is asked for, and the
 * history of the retry would otherwise show a decision nobody made).
 */
export function retryWrites(models: readonly ProcessModel[], variables: Record<string, unknown>, label: string): Record<string, unknown> {
  refuseProtected(models, variables, label, 'an operator\'s');
  return variables;
}

/** Variables reported with a BPMN error: never the order, never an element's decision. */
export function errorWrites(info: ElementInfo, models: readonly ProcessModel[], variables: Record<string, unknown>): Record<string, unknown> {
  refuseProtected(models, variables, `job ${info.id}`);
  return variables;
}

/**
 * A condition after the task failed on output targets (`vicePresidentApproved`
 * is null): name the completion variables behind them (`approved` is missing),
 * which is what the completer can fix.
 */
export function completionInputsBehind(info: ElementInfo, variables: Record<string, unknown>, inputs: FeelInput[]): FeelInput[] {
  const named = inputs.flatMap((input) => {
    const output = (info.outputs ?? []).find(({ target }) => target === input.name);
    const sources = output ? declaredCompletionVariables([output]) : [];
    return sources.length ? sources.map((name) => sentVariable(name, variables)) : [input];
  });
  return named.filter((input, index) => named.findIndex((other) => other.name === input.name) === index);
}

/**
 * Of `names`, those an element of `models` decides (but those `exempt` decide): what jobWrites, errorWrites and, with
 * the message's catchers exempt, messageWrites refuse beside the order fields.
 */
export function decidedAmong(models: readonly ProcessModel[], names: readonly string[], exempt?: (info: ElementInfo) => boolean): string[] {
  const decided = new Set(models.flatMap((model) => [...declaredOutputs(model, exempt)]));
  return names.filter((name) => decided.has(name));
}

/** The order fields and every output target the processes declare: no worker may set these directly. */
function protectedVariables(models: readonly ProcessModel[]): Set<string> {
  return new Set([...ORDER_FIELDS, ...models.flatMap((model) => [...declaredOutputs(model)])]);
}

/**
 * Every variable the process's elements decide (but those of `exempt` elements): their output targets, a business
 * rule task's decision result (`resultVariable`), a multi-instance activity's output collection and a Camunda 7
 * call activity's `camunda:out` targets, which the engine writes as an output is written. A worker that set the result of an approval-tier decision would otherwise
 * choose the tier the gateway after its job reads.
 */
function declaredOutputs(model: ProcessModel, exempt: (info: ElementInfo) => boolean = () => false): Set<string> {
  const names = new Set<string>();
  for (const element of model.elements.values()) {
    if (exempt(element)) continue;
    // (an inferred decision is sent with every completion of its task: an earlier value cannot stand in for it)
    for (const { target } of element.outputs ?? []) if (!element.inferredOutputs?.includes(target)) names.add(target);
    if (element.decisionResult) names.add(element.decisionResult);
    if (element.outputCollection) names.add(element.outputCollection);
    // a Camunda 7 call activity's named `camunda:out` targets are what its called process decided, handed back
    for (const out of element.camunda7Call?.outs ?? []) if ('target' in out) names.add(out.target);
  }
  return names;
}

// helpers

/**
 * `locals`: the element's inputs as evaluated when its wait opened, which its outputs read unless the completion
 * sends the same name (as in Camunda, where a completion's variable updates the activity's local one; local-inputs.ts).
 */
function declaredWrites(info: ElementInfo, variables: Record<string, unknown>, label: string, locals: Record<string, unknown>): Record<string, unknown> {
  const outputs = info.outputs ?? [];
  const declared = refuseUndeclared(info, variables, label);
  refuseUndecided(info, variables, label);
  const scope: Record<string, unknown> = Object.fromEntries(declared.map((name) => [name, null]));
  Object.assign(scope, locals, variables);
  const writes: Record<string, unknown> = {};
  for (const { source, target } of outputs) {
    if (!isFeel(source)) {
      writes[target] = source;
      continue;
    }
    try {
      writes[target] = evaluateFeel(feelBody(source), scope) ?? null;
    } catch (error) {
      throw refused(`output ${target} of ${label}: ${(error as Error).message}`, describeInputs(feelBody(source), scope));
    }
  }
  return writes;
}

/** Refuses a variable `info` does not declare as an output source; the declared ones. */
function refuseUndeclared(info: ElementInfo, variables: Record<string, unknown>, label: string): string[] {
  const declared = declaredCompletionVariables(info.outputs ?? []);
  const undeclared = Object.keys(variables).filter((name) => !declared.includes(name));
  if (undeclared.length) {
    const allowed = declared.length ? `it declares only ${declared.join(', ')}` : 'it declares no variables';
    throw refused(`${label} does not declare ${undeclared.join(', ')}; ${allowed}`,
      undeclared.map((name) => ({ name, problem: `is not declared by ${label}`, why: `${allowed} (as zeebe:output sources)` })));
  }
  return declared;
}

/**
 * Refuses what a user task's completion may never set: a variable the task does not declare (an approver sending
 * `directorApproved` or `reportingAmount` beside their decision). The refusal userTaskWrites would throw first.
 */
export function refuseUndeclaredTaskVariables(info: ElementInfo, variables: Record<string, unknown>): void {
  refuseUndeclared(info, variables, `task "${info.name ?? info.id}"`);
}

/**
 * Refuses a rejection (`approved: false`) or a special change not acknowledged (`acknowledged: false`) sent without
 * a `comment` that says why, where the task declares one (decisionWithoutReason, the approval convention the task
 * list checks as well): the order's history would keep a customer's order rejected for no reason anyone can read.
 * Not the impact replay's: a completion recorded before the rule replays as it was taken.
 */
export function refuseDecisionWithoutReason(info: ElementInfo, variables: Record<string, unknown>): void {
  const decision = decisionWithoutReason(variables, declaredCompletionVariables(info.outputs ?? []));
  if (decision === null) return;
  const label = `task "${info.name ?? info.id}"`;
  const what = decision === 'approved' ? 'a rejection (approved: false)' : 'not acknowledging (acknowledged: false)';
  const { comment } = variables;
  const problem = !Object.hasOwn(variables, 'comment') ? 'is missing'
    : typeof comment === 'string' ? 'has no visible character' : `is ${JSON.stringify(comment ?? null).slice(0, 60)}, not a text`;
  throw refused(`${label}: ${what} needs a comment saying why, with at least one visible character`,
    [{ name: 'comment', problem, why: `${what} must say why in it` }]);
}

/** A task whose decision was inferred from the gateway after it (inferred-decision.ts) must be sent it: an omitted one is never null. */
function refuseUndecided(info: ElementInfo, variables: Record<string, unknown>, label: string) {
  const missing = (info.inferredOutputs ?? []).filter((name) => variables[name] === undefined || variables[name] === null);
  if (missing.length === 0) return;
  const names = missing.join(', ');
  throw refused(`${label} decides ${names}, which the gateway after it reads; send ${missing.length > 1 ? 'them' : 'it'} with the completion ` +
    '(a value set earlier never stands in for the decision)',
  missing.map((name) => ({ name, problem: 'is missing', why: `${label} decides it: the gateway after the task reads it` })));
}

function refuseProtected(models: readonly ProcessModel[], variables: Record<string, unknown>, label: string, whose = 'a worker\'s') {
  const guarded = protectedVariables(models);
  const forbidden = Object.keys(variables).filter((name) => guarded.has(name));
  if (forbidden.length === 0) return;
  throw refused(`${label} may not set ${forbidden.join(', ')}: the order fields and what elements decide are not ${whose} to set`,
    forbidden.map((name) => ({
      name,
      problem: ORDER_FIELDS.includes(name) ? 'is an order field' : 'is the declared output of an element',
      why: `it is not ${whose} to set`,
    })));
}

function sentVariable(name: string, variables: Record<string, unknown>): FeelInput {
  return { name, problem: Object.hasOwn(variables, name) ? `is ${JSON.stringify(variables[name] ?? null).slice(0, 60)}` : 'is missing' };
}

function refused(message: string, variables: RefusedVariable[]): StratumError {
  return new StratumError('invalid', message, { variables });
}
