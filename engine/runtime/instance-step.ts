// One step of one instance: recover its engine (or start it, or take a warm one), apply the action,
// run to the next wait state, and describe the result as rows to store. Pure
// with respect to the store: the caller decides what to commit.
import { getExpireAt } from '@0dep/piso';
import type { ServerRoles } from '../api.js';
import type { ElementInfo } from '../bpmn/process-model.js';
import { evaluateFeel, feelBody, feelText, isFeel, type FeelInput } from '../feel/feel-expression.js';
import type { HistoryRow, IncidentReason, InstanceRow, InstanceStatus, WaitKind, WaitRow } from '../store/types.js';
import type { ExecutableDefinition } from './definition-cache.js';
import type { DecisionSource } from '../dmn/decision-call.js';
import { decisionAuditData } from './decision-audit.js';
import { errorElementId, errorInputs, errorMessage, LiveEngine, type ElementApi, type MessageContent } from './engine-adapter.js';
import type { FeelTiming } from './execution-environment.js';
import { errorCatchOf } from './error-catch.js';
import { FlowDecisions } from './flow-decisions.js';
import { dropLocalInputs, evaluateInputs, keepLocalInputs, keepsLocalInputs, localInputsOf } from './local-inputs.js';
import { reasonOf } from './incident-reasons.js';
import { jobTypeOf } from './job-type.js';
import { AssignmentRefused, taskAssignment } from './task-assignment.js';
import { uncaughtErrorOf, type UncaughtError } from './uncaught-error-end.js';
import { visibleVariables } from './visible-variables.js';
import { looksLikeCron, nextCronTime, type CronDialect } from '../timers/cron-cycle.js';
import { keptDueTime, LATEST_DUE_TIME } from '../timers/latest-due-time.js';
import { refuseUnboundedCycle } from './cron-timer-event-definition.js';

export type StepAction =
  /** `mappedBy`: the start event whose outputs already made `variables` from the start payload. */
  | { type: 'start'; variables: Record<string, unknown>; mappedBy?: string }
  /**
   * Completes a waiting task, job or call activity. With `outputsApplied`, `variables`
   * are the element's outputs, already evaluated over the completion (see
   * completion-variables.ts): they are not evaluated again over the process.
   */
  | { type: 'signal'; elementId: string; executionId: string; variables?: Record<string, unknown>; outputsApplied?: boolean }
  | { type: 'message'; messageId: string; elementId: string; executionId: string; variables?: Record<string, unknown> }
  | { type: 'timer'; elementId: string; executionId: string }
  /**
   * The waiting element throws: a worker reported a BPMN error (with `code`,
   * caught by a matching error boundary event) or a called child failed.
   */
  | { type: 'throw'; elementId: string; executionId: string; message: string; code?: string; variables?: Record<string, unknown> }
  /**
   * A call activity cannot start its child (nothing deployed to start, `called-element-failed`; the order border,
   * orders/call-border.ts): the instance fails there on the state it has, without running the engine, so no error
   * boundary event catches it. Camunda too raises an incident (CALLED_ELEMENT_ERROR), not a BPMN error, for a call
   * that cannot start; the incident's retry asks again.
   */
  | { type: 'call-refused'; elementId: string; executionId: string; message: string; reason?: IncidentReason }
  | RetryAction;

/** An incident's retry: `variables` are set on the recovered state, then `action` (if any) runs again. */
interface RetryAction {
  type: 'retry';
  variables?: Record<string, unknown>;
  action?: StepAction;
}

export interface StepInput {
  definition: ExecutableDefinition;
  instance: InstanceRow;
  previousWaits: WaitRow[];
  now: Date;
  actor: string | null;
  action: StepAction;
  /** The deployed decisions business rule tasks may call (Camunda's latest version of each). */
  decisions?: DecisionSource;
  /** A live engine standing exactly on `instance.state` (from the engine cache); without it the state is recovered. */
  warm?: LiveEngine;
  /**
   * The caller keeps the returned engine live and never stores a state (replay's sandbox):
   * a running instance's `state` is then null while the engine is sound, and nothing is serialised.
   */
  stateless?: boolean;
  /** The benchmark's condition counters, when it counts. */
  feelTiming?: FeelTiming;
  /** The groups and accounts an assignment expression may not hand a task to (StratumOptions.serverRoles). */
  serverRoles?: ServerRoles;
}

export interface StepResult {
  status: InstanceStatus;
  /** The engine state to store, or null (an ended instance, a stateless step). */
  state: unknown;
  variables: Record<string, unknown>;
  incident: InstanceRow['incident'];
  /** For a failed condition: the variables it read and what was wrong with them (not stored). */
  incidentInputs?: FeelInput[];
  waits: WaitRow[];
  history: HistoryRow[];
  /** The engine that ran the step, still standing on `state` (running instances only): it may be kept warm once `state` is committed. */
  engine?: LiveEngine;
  /**
   * The step failed because an error end event threw an error its process does not catch (uncaught-error-end.ts):
   * a caller that catches it takes it instead, the instance then running on `state` with `waits` until that
   * caller's step ends it.
   */
  uncaught?: UncaughtError & { waits: WaitRow[] };
}

interface Failure {
  elementId: string | null;
  message: string;
  reason?: IncidentReason;
  inputs?: FeelInput[];
}

/** A failure, with the reason its error was tagged with where there is one. */
function failureOf(elementId: string | null, message: string, error: unknown): Failure {
  const reason = reasonOf(error);
  return { elementId, message, ...(reason && { reason }) };
}

const DEFAULT_JOB_RETRIES = 3;
const NOT_HISTORY = new Set(['bpmn:SequenceFlow', 'bpmn:MessageFlow', 'bpmn:Association']);

export async function runInstanceStep(input: StepInput): Promise<StepResult> {
  const { definition, instance, now, actor } = input;
  if (input.action.type === 'call-refused') {
    const { elementId, message, reason } = input.action;
    // its waits stay with the incident (waitsBefore) for the retry, as those of any failed step
    return { status: 'failed', state: instance.state, variables: instance.variables, incident: { elementId, message, ...(reason && { reason }) }, waits: [], history: [] };
  }
  const { action, variables: retryVariables } = unwrapRetry(input.action);
  const at = now.toISOString();
  const history: HistoryRow[] = [];
  const timerDueDates = new Map<string, string>();
  let failure: Failure | null = null;
  let uncaught: UncaughtError | undefined;
  let outcome: string | undefined;
  let ended = false;

  const cronDialect: CronDialect = definition.flavour === 'camunda' ? 'quartz' : 'spring';
  // A warm engine already stands where the stored state says (the caller checked its revision): no recover.
  const warm = action?.type === 'start' ? undefined : input.warm;
  const engine = warm ?? new LiveEngine(instance.id, definition.sourceContext, {
    cronDialect, ...(input.feelTiming && { feelTiming: input.feelTiming }),
  });
  // what a business rule task decided and why (decision-audit.ts), in the order the step ran it
  engine.useDecisions(input.decisions, (evaluation) => {
    const elementType = definition.model.elements.get(evaluation.elementId)?.type ?? null;
    history.push({ instanceId: instance.id, at, actor, event: 'decision.evaluated', elementId: evaluation.elementId, elementType, waitId: null, data: { ...decisionAuditData(evaluation) } });
  });
  // the executions each element entry was recorded under: its own and those it runs in
  const recordedUnder = new Map<HistoryRow, string[]>();
  const record = (event: string, api: ElementApi, data: Record<string, unknown> | null = null) => {
    if (NOT_HISTORY.has(api.type)) return;
    const row: HistoryRow = { instanceId: instance.id, at, actor, event, elementId: api.id, elementType: api.type, waitId: null, data };
    history.push(row);
    const parent = api.content?.parent;
    recordedUnder.set(row, [api.executionId, parent?.executionId, ...(parent?.path ?? []).map((step) => step.executionId)].filter((id) => id !== undefined));
  };
  // an event sub-process bpmn-elements started for a throw a boundary event caught never ran as BPMN sees it: the
  // history keeps none of its entries (it, its start event, what that reached)
  const forgetExecution = (executionId: string) => {
    const kept = history.filter((row) => !recordedUnder.get(row)?.includes(executionId));
    history.splice(0, history.length, ...kept);
  };
  // a decision point's entry names the flow it took and what its conditions read (flow-decisions.ts)
  const decisions = new FlowDecisions((sourceId, decision) => {
    history.push({ instanceId: instance.id, at, actor, event: 'flow.taken', elementId: sourceId, elementType: definition.model.elements.get(sourceId)?.type ?? null, waitId: null, data: { ...decision } });
  });
  const detach = engine.attach({
    'activity.enter': (api) => {
      record('element.entered', api);
      const info = definition.model.elements.get(api.id);
      // inputs are the activity's local variables from its entry to its end (local-inputs.ts)
      if (info && keepsLocalInputs(info)) {
        try {
          keepLocalInputs(api.environment, api.executionId, evaluateInputs(info, visibleVariables(api.environment.variables)));
        } catch (error) {
          failure ??= failureOf(api.id, `input mapping of ${api.id}: ${(error as Error).message}`, error);
        }
      }
    },
    'activity.end': (api) => {
      const info = definition.model.elements.get(api.id);
      // Outputs already evaluated over what the outside world handed in (a completion, a start payload) are not evaluated again.
      const mappedAlready = (action?.type === 'signal' && action.outputsApplied && action.elementId === api.id)
        || (action?.type === 'start' && action.mappedBy === api.id);
      // Outputs read the activity's local inputs, under what it was completed with (a message's or a called child's variables).
      const completion = action && 'variables' in action && 'elementId' in action && action.elementId === api.id ? action.variables ?? {} : {};
      const locals = { ...localInputsOf(api.environment, api.executionId), ...completion };
      dropLocalInputs(api.environment, api.executionId);
      // A multi-instance activity's outputs belong to its iterations (applied as each completed), not to the whole.
      if (info?.outputs && !mappedAlready && !api.content?.isMultiInstance) applyOutputs(api, info, (message, reason) => (failure ??= { elementId: api.id, message, reason }), locals);
      if (info?.type === 'bpmn:EndEvent' && info.outcome) outcome = info.outcome;
      record('element.completed', api);
      // an error nothing in the process catches is no normal end (Camunda 8): it fails the step, or a caller takes it
      const thrown = info?.type === 'bpmn:EndEvent' && !failure ? uncaughtErrorOf(definition.sourceContext, api.id) : undefined;
      if (thrown) {
        uncaught = thrown;
        failure = { elementId: thrown.elementId, message: thrown.message, reason: { kind: 'unhandled-error', errorCode: thrown.code } };
      }
    },
    'activity.timer': (api) => {
      const activityExecutionId = api.content?.parent?.executionId ?? api.executionId;
      const dueAt = timerDueAt(api.content, now, cronDialect);
      if (dueAt) timerDueDates.set(activityExecutionId, dueAt);
    },
    error: (error: unknown) => {
      const inputs = errorInputs(error);
      failure ??= { ...failureOf(errorElementId(error), errorMessage(error), error), ...(inputs?.length && { inputs }) };
    },
    end: () => (ended = true),
    'flow.take': (api) => decisions.take(api),
    'flow.discard': (api) => decisions.discard(api),
    'event-sub-process.discarded': forgetExecution,
  });

  try {
    if (action?.type === 'start') {
      await engine.start({ ...action.variables, ...retryVariables });
    } else {
      if (!warm) await engine.recover(instance.state);
      if (retryVariables) engine.setVariables(retryVariables);
      if (action) applyAction(engine, definition, action, (message) => (failure ??= { elementId: action.elementId, message }));
    }
    // Let anything bpmn-engine defers to the next tick settle before reading state.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    detach();
  }

  const variables = engine.variables(instance.variables);
  if (failure) {
    // (assigned in engine callbacks, which TypeScript's narrowing cannot see)
    const { inputs, ...incident } = failure as Failure;
    return {
      status: 'failed',
      state: await engine.state(),
      variables,
      incident,
      ...(inputs && { incidentInputs: inputs }),
      waits: [],
      history,
      ...(uncaught && { uncaught: { ...uncaught, waits: ended || engine.idle ? [] : openWaits(engine, input, variables, timerDueDates) } }),
    };
  }
  if (ended || engine.idle) {
    return { status: outcome === 'rejected' ? 'rejected' : 'completed', state: null, variables, incident: null, waits: [], history };
  }
  let waits: WaitRow[];
  try {
    waits = describeWaits(engine, input, variables, timerDueDates);
  } catch (error) {
    const { elementId, reason } = error as { elementId?: string; reason?: IncidentReason };
    const incident = { elementId: elementId ?? null, message: (error as Error).message, ...(reason && { reason }) };
    return { status: 'failed', state: await engine.state(), variables, incident, waits: [], history };
  }
  const state = input.stateless && engine.sound ? null : await engine.state();
  return { status: 'running', state, variables, incident: null, waits, history, ...(engine.sound && { engine }) };
}

type PlainAction = Exclude<StepAction, RetryAction>;

/** A retry's variables and the action it repeats (none: the retry only sets variables). */
function unwrapRetry(action: StepAction): { action: PlainAction | undefined; variables: Record<string, unknown> | undefined } {
  if (action.type !== 'retry') return { action, variables: undefined };
  const inner = action.action ? unwrapRetry(action.action) : { action: undefined, variables: undefined };
  const variables = inner.variables || action.variables ? { ...inner.variables, ...action.variables } : undefined;
  return { action: inner.action, variables };
}

function applyAction(engine: LiveEngine, definition: ExecutableDefinition, action: Exclude<PlainAction, { type: 'start' }>, fail: (message: string) => void) {
  const waiting = engine.waiting().find((element) => element.executionId === action.executionId);
  if (!waiting) {
    fail(`element ${action.elementId} is no longer waiting (execution ${action.executionId})`);
    return;
  }
  if ('variables' in action && action.variables) engine.setVariables(withoutOutputCollections(action.variables, outputCollectionsOf(definition)));
  switch (action.type) {
    case 'signal':
      engine.signal(action.elementId, action.executionId);
      return;
    case 'message': {
      // Event definitions run under their own execution id, so address them by message id only,
      // unless several wait under the element's id (iterations of a multi-instance sub-process).
      const alike = engine.waiting().filter((element) => element.id === waiting.id).length;
      if (alike > 1) engine.signal(action.elementId, action.executionId, { id: action.messageId });
      else engine.signal(action.messageId);
      return;
    }
    case 'timer':
      engine.cancel(action.elementId);
      return;
    case 'throw': {
      // A worker's error whose innermost catch is an event sub-process is thrown to it as an error end event's is
      const caught = action.code !== undefined ? errorCatchOf(definition.sourceContext, waiting.id, action.code) : undefined;
      if (caught?.by === 'event-sub-process') {
        waiting.throwToEventSubProcess(caught.thrown);
        return;
      }
      // An error boundary event with the same errorCode catches it; the reason is the incident's when nothing does.
      const reason = action.code !== undefined ? { kind: 'unhandled-error' as const, errorCode: action.code } : undefined;
      waiting.throwError(action.message, action.code, reason);
      return;
    }
  }
}

/** The variables multi-instance activities gather their iterations' outputs in. */
function outputCollectionsOf(definition: ExecutableDefinition): Set<string> {
  const names = new Set<string>();
  for (const info of definition.model.elements.values()) if (info.outputCollection) names.add(info.outputCollection);
  return names;
}

/**
 * A completion never sets an output collection: only its loop gathers it. A called child that
 * hands back all its variables would otherwise put back the copy it started with.
 */
function withoutOutputCollections(variables: Record<string, unknown>, names: Set<string>): Record<string, unknown> {
  if (!names.size) return variables;
  return Object.fromEntries(Object.entries(variables).filter(([name]) => !names.has(name)));
}

/** Output mappings: FEEL sources evaluated in the activity's local scope (`locals` over the process variables). */
export function applyOutputs(api: Pick<ElementApi, 'environment'>, info: ElementInfo, fail: (message: string, reason: IncidentReason) => void,
  locals: Record<string, unknown> = {}) {
  const environment = api.environment;
  const scope = { ...visibleVariables(environment.variables), ...locals };
  for (const { source, target } of info.outputs ?? []) {
    try {
      const value = isFeel(source) ? evaluateFeel(feelBody(source), scope) : source;
      environment.assignVariables({ [target]: value });
    } catch (error) {
      fail(`output mapping ${target} of ${info.id}: ${(error as Error).message}`, { kind: 'io-mapping-failed', direction: 'output', target });
    }
  }
}

function waitKindOf(info: ElementInfo | undefined): WaitKind | undefined {
  if (!info) return undefined;
  if (info.jobType && (info.type === 'bpmn:IntermediateThrowEvent' || info.type === 'bpmn:EndEvent')) return 'job';
  switch (info.type) {
    case 'bpmn:UserTask':
    case 'bpmn:ManualTask':
      return 'task';
    case 'bpmn:ServiceTask':
    case 'bpmn:SendTask':
    case 'bpmn:BusinessRuleTask':
      return 'job';
    case 'bpmn:CallActivity':
      return 'call';
    case 'bpmn:ReceiveTask':
      return 'message';
  }
  if (info.message) return 'message';
  if (info.hasTimer) return 'timer';
  return undefined;
}

function describeWaits(engine: LiveEngine, input: StepInput, variables: Record<string, unknown>, timerDueDates: Map<string, string>): WaitRow[] {
  const { instance, previousWaits, now, definition } = input;
  const previous = new Map(previousWaits.map((wait) => [wait.id, wait]));
  const waits: WaitRow[] = [];
  for (const api of engine.waiting()) {
    const info = definition.model.elements.get(api.id);
    const kind = waitKindOf(info);
    if (!kind || !info) continue;
    // inside a sub-process (an iteration of a multi-instance one) the element sees its scope's variables
    const scoped = api.scope || api.iteration ? { ...variables, ...visibleVariables(api.scope ?? {}), ...api.iteration } : variables;
    const id = `${instance.id}:${api.executionId}`;
    const before = previous.get(id);
    const wait: WaitRow = {
      id,
      instanceId: instance.id,
      rootId: instance.rootId,
      businessKey: instance.businessKey,
      kind,
      elementId: info.id,
      executionId: api.executionId,
      name: info.name ?? null,
      candidateGroups: null,
      assignee: null,
      candidateUsers: null,
      // a claim stays with the task until it is completed or unclaimed (only the claim writes it)
      claimedBy: before?.claimedBy ?? null,
      claimedAt: before?.claimedAt ?? null,
      messageName: null,
      messageId: null,
      correlationKey: null,
      dueAt: null,
      jobType: null,
      jobRetries: null,
      jobRetriesSet: false,
      jobError: null,
      lockedBy: null,
      lockExpiresAt: null,
      childInstanceId: before?.childInstanceId ?? null,
      variables: null,
      createdAt: before?.createdAt ?? now.toISOString(),
    };
    if (kind === 'message' && info.message) {
      wait.messageName = info.message.name;
      wait.messageId = info.message.id;
      try {
        wait.correlationKey = info.message.correlationKey ? expressionText(info.message.correlationKey, scoped) : instance.businessKey;
      } catch (error) {
        throw Object.assign(new Error(`correlation key of message ${info.message.name} at ${info.id}: ${(error as Error).message}`), {
          elementId: info.id, reason: { kind: 'correlation-key-failed', messageName: info.message.name } satisfies IncidentReason,
        });
      }
    }
    if (kind === 'task') {
      try {
        // evaluated once, when the task is created (a kept task keeps who it was offered to)
        // Camunda 7 input parameters are the task's local variables: what its assignment reads, what its outputs read
        const inputs = before ? before.variables : info.inputs?.length ? evaluateInputs(info, scoped) : null;
        const assignment = before
          ? { assignee: before.assignee, candidateUsers: before.candidateUsers ?? [], candidateGroups: before.candidateGroups ?? [] }
          : taskAssignment(info, { ...scoped, ...inputs }, input.serverRoles);
        Object.assign(wait, assignment, { variables: inputs });
      } catch (error) {
        // an assignment the runtime refuses (or an input mapping that fails) says why, for a program (the impact replay words it for a designer)
        const reason = error instanceof AssignmentRefused ? error.reason : reasonOf(error);
        throw Object.assign(new Error(`task ${info.id}: ${(error as Error).message}`), { elementId: info.id, ...(reason && { reason }) });
      }
    }
    if (kind === 'timer') {
      wait.dueAt = before?.dueAt ?? timerDueDates.get(api.executionId) ?? now.toISOString();
    }
    if (kind === 'job') {
      try {
        wait.jobType = before?.jobType ?? (info.jobType ? jobTypeOf(info.jobType, scoped) : null);
        wait.variables = { ...scoped, ...evaluateInputs(info, scoped) };
      } catch (error) {
        // a job type expression or an input mapping says why
        const reason = reasonOf(error);
        throw Object.assign(new Error(`job of ${info.id}: ${(error as Error).message}`), { elementId: info.id, ...(reason && { reason }) });
      }
      wait.jobRetries = before?.jobRetries ?? info.jobRetries ?? DEFAULT_JOB_RETRIES;
      wait.jobRetriesSet = before?.jobRetriesSet ?? false;
    }
    // a called child starts from the variables of the call's scope (an iteration's element and loopCounter)
    if (kind === 'call' && scoped !== variables) wait.variables = scoped;
    waits.push(wait);
  }
  return waits;
}

/** What still waits after an error end event's throw, for a caller that takes the error to close; none when they cannot be described. */
function openWaits(engine: LiveEngine, input: StepInput, variables: Record<string, unknown>, timerDueDates: Map<string, string>): WaitRow[] {
  try {
    return describeWaits(engine, input, variables, timerDueDates);
  } catch {
    // a wait that cannot be described (its assignment fails) closes with the rest all the same
    return [];
  }
}

/** A `=FEEL` attribute evaluated to text, or a plain attribute as it is. */
function expressionText(expression: string, variables: Record<string, unknown>): string | null {
  const value = isFeel(expression) ? evaluateFeel(feelBody(expression), variables) : expression;
  return value === null || value === undefined ? null : feelText(value);
}

/**
 * When a timer falls due by the runtime's clock (bpmn-engine computes it from
 * the wall clock): a date is absolute; a duration or cycle counts from `now`;
 * a cron cycle falls due at its next time after `now` (UTC).
 */
function timerDueAt(content: MessageContent = {}, now: Date, cronDialect: CronDialect): string | undefined {
  const due = timerDueDate(content, now, cronDialect);
  // a timer due after year 9999 (P100000Y, in a version stored before deployments refused it) is kept as due at the
  // last instant a store keeps, where the store refused the step that reached it (latest-due-time.ts)
  return due && keptDueTime(due).toISOString();
}

function timerDueDate(content: MessageContent, now: Date, cronDialect: CronDialect): Date | undefined {
  const timerType = typeof content?.timerType === 'string' ? content.timerType : undefined;
  const value = timerType ? content[timerType] : undefined;
  const expireAt = content?.expireAt;
  try {
    if (timerType === 'timeDate' && expireAt && (expireAt instanceof Date || typeof expireAt === 'string' || typeof expireAt === 'number')) {
      return validDate(new Date(expireAt));
    }
    // a cron cycle with no next time waits for ever (cron-timer-event-definition.ts), never due at once
    if (timerType === 'timeCycle' && typeof value === 'string' && looksLikeCron(value)) return nextCronTime(value, now, cronDialect) ?? LATEST_DUE_TIME;
    if ((timerType === 'timeDuration' || timerType === 'timeCycle') && typeof value === 'string') {
      // piso would look for a zero-period cycle's next time without end (the timer's parse refused it already)
      if (timerType === 'timeCycle') refuseUnboundedCycle(value, now);
      const next = validDate(getExpireAt(value, now, now));
      // piso gives a cycle that has ended its end, in the past: it has no next time and waits for ever
      return timerType === 'timeCycle' && next.getTime() < now.getTime() ? LATEST_DUE_TIME : next;
    }
  } catch {
    // fall back to the engine's own timeout below
  }
  return typeof content?.timeout === 'number' ? new Date(now.getTime() + Math.max(0, content.timeout)) : undefined;
}

/** `date`, checked as toISOString checked it (an invalid date throws, for the fallback above). */
function validDate(date: Date): Date {
  date.toISOString();
  return date;
}
