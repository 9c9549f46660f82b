// The one place that touches bpmn-engine's untyped internals (execution,
// definitions, running processes, postponed element apis, their environment).
// Everything else in the runtime drives an engine through `LiveEngine`, so an
// upgrade of bpmn-engine that moves these internals breaks here, under its
// own tests (test/engine/runtime/engine-adapter.test.ts), and nowhere else.
import { EventEmitter } from 'node:events';
import type { ElementApi as BpmnElementApi, MessageContent } from 'bpmn-elements';
import type { Engine } from 'bpmn-engine';
import type { FeelInput } from '../feel/feel-expression.js';
import type { DecisionEvaluation, DecisionSource } from '../dmn/decision-call.js';
import type { IncidentReason } from '../store/types.js';
import { createEngine, type EngineHost } from './execution-environment.js';
import type { ThrownError } from './error-catch.js';
import { EventSubProcessInterruptions, type ScopeElementApi } from './interrupting-event-sub-process.js';
import { iterationVariables, loopSpecOf } from './multi-instance.js';
import { visibleVariables } from './visible-variables.js';

/** What bpmn-elements puts in an element's messages (a timer's, a multi-instance iteration's). */
export type { MessageContent };

/** The variables of the process (or element) an event came from, as bpmn-elements keeps them. */
export interface EngineEnvironment {
  readonly variables: Record<string, unknown>;
  assignVariables(variables: Record<string, unknown>): void;
}

/** An element as bpmn-engine reports it on listener events. */
export interface ElementApi {
  readonly id: string;
  readonly type: string;
  readonly executionId: string;
  /** The message content: timers put `timerType`, `timeout`, `expireAt`, `parent.executionId` here. */
  readonly content?: MessageContent;
  /** The variables of the scope the element runs in (bpmn-elements' raw copy). */
  readonly scope?: Record<string, unknown>;
  readonly environment: EngineEnvironment;
}

/** An element waiting for something from outside (a postponed activity or event definition). */
export interface WaitingElement {
  readonly id: string;
  readonly type: string;
  readonly executionId: string;
  /** The variables of the scope the element runs in (bpmn-elements' raw copy): a sub-process iteration's. */
  readonly scope?: Record<string, unknown>;
  /** The element's run message content (a multi-instance iteration's index and element). */
  readonly content?: MessageContent;
  /** A multi-instance iteration's own variables: its element (inputElement, camunda:elementVariable) and loopCounter. */
  readonly iteration?: Record<string, unknown>;
  /** Makes the waiting element throw (bpmn-elements turns it into an ActivityError carrying `code`). */
  /** `reason` rides on the error bpmn-elements raises when nothing catches it (incident-reasons.ts reads it there). */
  throwError(message: string, code?: string, reason?: IncidentReason): void;
  /**
   * Throws `error` as an error end event at the element's place would (error-catch.ts): bpmn-elements hands it to the
   * event sub-process of the enclosing scopes that catches it, which ends the element with the rest of its scope.
   */
  throwToEventSubProcess(error: ThrownError): void;
  /** Signals this element alone (see LiveEngine.signal). */
  signal(message?: Record<string, unknown>): void;
}

/** What a step listens to while an engine runs; `detach` undoes it, so a warm engine carries nothing into its next step. */
export interface StepListeners {
  'activity.enter'?: (api: ElementApi) => void;
  'activity.end'?: (api: ElementApi) => void;
  'activity.timer'?: (api: ElementApi) => void;
  /** A sequence flow taken or discarded (its api's `owner` is the flow, whose `behaviour` holds its condition). */
  'flow.take'?: (api: ElementApi) => void;
  'flow.discard'?: (api: ElementApi) => void;
  /**
   * An event sub-process bpmn-elements started for a throw a boundary event caught, discarded in the same step
   * (interrupting-event-sub-process.ts): its execution id, for the step to forget what it recorded of it.
   */
  'event-sub-process.discarded'?: (executionId: string) => void;
  error?: (error: unknown) => void;
  end?: () => void;
}

export class LiveEngine {
  private readonly engine: Engine;
  /** One listener for the engine's whole life: bpmn-engine binds it at execute/resume, steps come and go on it. */
  private readonly listener = new EventEmitter();
  private failed = false;
  /** The decisions of the step running now: a warm engine outlives a deployment, so each step hands in the latest. */
  private decisions: DecisionSource | undefined;
  /** The step's listener for the decisions its business rule tasks evaluate (its history records them). */
  private decisionsEvaluated: ((evaluation: DecisionEvaluation) => void) | undefined;

  constructor(name: string, sourceContext: unknown, host: EngineHost = {}) {
    this.decisions = host.decisions;
    const decisionsOfStep = () => this.decisions;
    const stepDecisions: DecisionSource = {
      modelFor: (decisionId, binding) => decisionsOfStep()?.modelFor(decisionId, binding),
      versionOf: (decisionId, binding) => decisionsOfStep()?.versionOf?.(decisionId, binding),
      evaluated: (evaluation) => {
        decisionsOfStep()?.evaluated?.(evaluation);
        this.decisionsEvaluated?.(evaluation);
      },
      get empty() {
        return decisionsOfStep() === undefined;
      },
    };
    this.engine = createEngine(name, sourceContext, undefined, { ...host, decisions: stepDecisions });
    // Every engine has an error listener (an unheard error would throw); an engine that erred is never reused.
    this.engine.on('error', () => (this.failed = true));
    // bpmn-elements ignores isInterrupting: an interrupting event sub-process ends its scope's other elements here,
    // once the throw that started it is heard (interrupting-event-sub-process.ts)
    const interruptions = new EventSubProcessInterruptions(() => (this.engine.execution?.getPostponed() ?? []) as unknown as ScopeElementApi[],
      (executionId) => this.listener.emit('event-sub-process.discarded', executionId));
    this.listener.on('activity.start', (api: ScopeElementApi) => interruptions.activityStarted(api));
    this.listener.on('activity.catch', (api: ScopeElementApi) => interruptions.activityCaught(api));
    this.listener.on('activity.throw', () => interruptions.settle());
    this.listener.on('activity.escalate', () => interruptions.settle());
  }

  /** Runs a new instance to its first wait state (or its end). */
  async start(variables: Record<string, unknown>): Promise<void> {
    await this.engine.execute({ listener: this.listener, variables });
  }

  /** Puts the engine on a stored state and lets it run to where it waited. */
  async recover(state: unknown): Promise<void> {
    this.engine.recover(state); // a row of our own, read for this step: no copy needed
    await this.engine.resume({ listener: this.listener });
  }

  /** The deployed decisions this step's business rule tasks call (none for a process without any), and who hears what they decided. */
  useDecisions(decisions: DecisionSource | undefined, evaluated?: (evaluation: DecisionEvaluation) => void): void {
    this.decisions = decisions;
    this.decisionsEvaluated = evaluated;
  }

  /** Attaches a step's listeners; the returned function detaches them. */
  attach(listeners: StepListeners): () => void {
    const { error, end, ...activity } = listeners;
    const pairs = Object.entries(activity) as [string, (...args: unknown[]) => void][];
    for (const [event, handler] of pairs) this.listener.on(event, handler);
    if (error) this.engine.on('error', error);
    if (end) this.engine.on('end', end);
    return () => {
      for (const [event, handler] of pairs) this.listener.off(event, handler);
      if (error) this.engine.off('error', error);
      if (end) this.engine.off('end', end);
    };
  }

  /** False once the engine reported an error: its state is then no base for another step. */
  get sound(): boolean {
    return !this.failed;
  }

  /** Nothing runs any more: the instance ended. */
  get idle(): boolean {
    return this.engine.state === 'idle';
  }

  /** The elements waiting for something from outside, in bpmn-engine's order. */
  waiting(): WaitingElement[] {
    // what waits inside a sub-process (each iteration of a multi-instance one) waits too
    const flat: BpmnElementApi[] = [];
    const seen = new Set<string>();
    const visit = (apis: BpmnElementApi[]) => {
      for (const api of apis) {
        if (seen.has(api.executionId)) continue;
        seen.add(api.executionId);
        // a multi-instance activity waits in its iterations (each with its element and index), not as a whole
        const iterations = (api.getExecuting?.() ?? []).filter((iteration) => iteration.content?.isMultiInstance && String(iteration.executionId).startsWith(`${api.executionId}_`));
        if (iterations.length && !api.owner?.isSubProcess) visit(iterations);
        else flat.push(api);
        if (api.owner?.isSubProcess) visit(api.getPostponed?.() ?? []);
      }
    };
    visit(this.engine.execution?.getPostponed() ?? []);
    return flat.map((api): WaitingElement => ({
      id: api.id,
      type: api.type,
      executionId: api.executionId,
      content: api.content,
      // the element's own scope: a sub-process iteration's variables (its element, loopCounter) over the process's
      scope: api.environment?.variables,
      ...(api.content?.isMultiInstance && { iteration: iterationVariables(loopSpecOf(api.owner?.behaviour?.loopCharacteristics?.behaviour), api.content) }),
      throwError: (message, code, reason) => api.sendApiMessage('error', { message, ...(code && { code, name: code }), ...(reason && { reason }) }),
      // an error end event's throw: delegated, so the scopes' process executions start a matching event sub-process
      throwToEventSubProcess: (error) => api.owner?.broker.publish('event', 'activity.throw', { ...api.content, message: { ...error }, state: 'throw' }, { type: 'throw', delegate: true }),
      signal: (message) => api.signal(message),
    }));
  }

  /**
   * Completes a waiting task (the element waiting under `executionId` alone, with `message` as what it
   * receives), or (without executionId) delivers to whatever waits under `id` — a message id for catch events.
   */
  signal(id: string, executionId?: string, message?: Record<string, unknown>): void {
    if (executionId === undefined) {
      this.engine.execution!.signal({ id });
      return;
    }
    // bpmn-engine's signal by id and execution id reaches every element with that id inside
    // sub-processes (all iterations of a multi-instance one): the waiting element's own api does not
    const waiting = this.waiting().find((element) => element.executionId === executionId);
    if (waiting) waiting.signal(message);
    else this.engine.execution!.signal({ id, executionId });
  }

  /** Cancels a waiting element: a cancelled timer completes its event, which is how a due timer fires. */
  cancel(elementId: string): void {
    this.engine.execution!.cancelActivity({ id: elementId });
  }

  /** Sets process variables on the running process. */
  setVariables(variables: Record<string, unknown>): void {
    this.runningProcess()?.environment.assignVariables(variables);
  }

  /** The process variables (without bpmn-elements' internal copies), or `fallback` when no process runs. */
  variables(fallback: Record<string, unknown>): Record<string, unknown> {
    const process = this.runningProcess();
    return process ? visibleVariables(process.environment.variables) : fallback;
  }

  /** The state to store, without the serialized definition source (the definition cache has it). */
  async state(): Promise<unknown> {
    const state = await this.engine.getState();
    return { ...state, definitions: state.definitions.map(({ source: _source, ...definition }) => definition) };
  }

  private runningProcess(): { environment: EngineEnvironment } | undefined {
    const definition = this.engine.execution?.definitions?.[0];
    return definition?.getRunningProcesses()[0] ?? definition?.getProcesses()[0];
  }
}

/** A property of an untyped value (a bpmn-engine error, what it wraps), or undefined when it is no object. */
function fieldOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

/** The element a bpmn-engine error came from, where it says. */
export function errorElementId(error: unknown): string | null {
  const source = fieldOf(error, 'source');
  const id = fieldOf(fieldOf(source, 'content'), 'id') ?? fieldOf(source, 'id') ?? fieldOf(error, 'id') ?? null;
  return typeof id === 'string' ? id : null;
}

/** What a bpmn-engine error says, or the error as text. */
export function errorMessage(error: unknown): string {
  const message = fieldOf(error, 'message');
  return typeof message === 'string' ? message : String(error);
}

/** The inputs of a FEEL evaluation an error reports, on the error or on the one it wraps (bpmn-elements' ActivityError). */
export function errorInputs(error: unknown): FeelInput[] | undefined {
  const inputs = fieldOf(error, 'inputs') ?? fieldOf(fieldOf(error, 'inner'), 'inputs');
  return Array.isArray(inputs) ? (inputs as FeelInput[]) : undefined;
}
