// bpmn-elements as Stratum uses it: the element types it replaces or wraps
// (engine/runtime/execution-environment.ts and the behaviours next to it) and
// the parts of a running element they read. The package ships declarations,
// but they type most of these internals as `any` and leave out what Stratum
// extends (RunError, MultiInstanceLoopCharacteristics, Behaviour, the broker
// and the message content), so this describes only what Stratum touches. Only
// engine/runtime/ imports bpmn-elements; everything else goes through
// engine-adapter.ts. The package's declarations still load beside these (for
// the element types not named here); for a name declared in both, this
// declaration is the one the code sees. A new interface here takes a name the
// package does not use: two interfaces of one name would merge.
declare module 'bpmn-elements' {
  /** The content of a message on an element's broker; which keys are present depends on the routing key. */
  export interface MessageContent {
    [key: string]: unknown;
    id?: string;
    type?: string;
    executionId?: string;
    /** `path`: the executions further up, innermost first (a sub-process's element has its sub-process's, then the process's). */
    parent?: { id?: string; executionId?: string; path?: { id?: string; executionId?: string }[] };
    /** A multi-instance iteration's index (0-based) and what the loop says of itself. */
    index?: number;
    isMultiInstance?: boolean;
    isRootScope?: boolean;
    isSequential?: boolean;
    loopCardinality?: number;
    /** What a completed execution (a sub-process iteration) returns: its own variables. */
    output?: unknown;
  }

  /** A message on an element's broker (bpmn-elements' smqp messages). */
  export interface ElementMessage {
    fields: { routingKey?: string; redelivered?: boolean };
    content: MessageContent;
    properties?: Record<string, unknown>;
  }

  /** An element's message broker, as far as Stratum publishes and listens on it. */
  export interface ElementBroker {
    /** `type` and `delegate` as an event definition publishes a throw (`delegate`: handed to the scopes' event sub-processes). */
    publish(exchange: string, routingKey: string, content: Record<string, unknown>, options?: { mandatory?: boolean; type?: string; delegate?: boolean }): void;
    subscribeTmp(
      exchange: string,
      pattern: string,
      onMessage: (routingKey: string, message: ElementMessage) => void,
      options: { noAck?: boolean; consumerTag?: string; priority?: number },
    ): unknown;
    cancel(consumerTag: string): void;
  }

  /** The environment an element runs in: its variables, the engine's settings and services. */
  export interface Environment {
    readonly variables: Record<string, unknown>;
    readonly settings: Record<string, unknown>;
    readonly services: Record<string, unknown>;
    assignVariables(variables: Record<string, unknown>): void;
    resolveExpression(expression: unknown, message?: unknown, fnContext?: unknown): unknown;
  }

  /**
   * The serialized behaviour of an element: the moddle element's properties as
   * moddle-context-serializer copies them (vendor extensions in
   * `extensionElements.values`, undeclared attributes in `$attrs`).
   */
  export interface SerializedBehaviour {
    [key: string]: unknown;
    $type?: string;
    $attrs?: Record<string, unknown>;
    extensionElements?: { values?: SerializedBehaviour[] };
    loopCharacteristics?: SerializedElement;
    conditionExpression?: { body?: unknown };
  }

  /** An element of the serialized definition (moddle-context-serializer's), from which an element type builds its element. */
  export interface SerializedElement {
    [key: string]: unknown;
    id: string;
    type: string;
    behaviour?: SerializedBehaviour;
  }

  /** The definition context elements are built in; Stratum only hands it on. */
  export interface ElementContext {
    readonly id?: string;
  }

  /** An activity's outgoing sequence flow, as far as Stratum reads it. */
  export interface OutboundSequenceFlow {
    readonly id: string;
    readonly isDefault?: boolean;
    readonly behaviour: SerializedBehaviour;
  }

  /** What an activity's Behaviour is constructed to: bpmn-elements calls `execute` with each execute message. */
  export interface ActivityBehaviour {
    execute(executeMessage: ElementMessage): unknown;
  }

  export type BehaviourConstructor<B extends ActivityBehaviour = ActivityBehaviour> = new (activity: Activity, context: ElementContext) => B;

  /** A running (or recovered) activity; bpmn-elements constructs its Behaviour each time it executes. */
  export class Activity<B extends ActivityBehaviour = ActivityBehaviour> {
    constructor(Behaviour: BehaviourConstructor<B>, activityDef: SerializedElement, context: ElementContext);
    readonly id: string;
    readonly type: string;
    readonly isSubProcess?: boolean;
    readonly behaviour: SerializedBehaviour;
    readonly broker: ElementBroker;
    readonly environment: Environment;
    /** The activity's execution while it runs; a sub-process's has the elements waiting inside it. */
    readonly execution?: { getPostponed?(): ElementApi[] } | null;
    /** Its outgoing sequence flows. */
    readonly outbound: OutboundSequenceFlow[];
    /** A boundary event's activity, null for any other element. */
    readonly attachedTo?: Activity | null;
    Behaviour: BehaviourConstructor<B>;
    /** Evaluates the outgoing flows on leaving: their conditions, then the default; fails when none is taken. */
    evaluateOutbound(fromMessage: ElementMessage, discardRestAtTake: boolean, callback: (error: unknown, outbound?: unknown) => void): void;
  }

  /** An element type: builds the element for a serialized element (bpmn-elements calls it with `new`). */
  export type ElementType = (activityDef: SerializedElement, context: ElementContext) => Activity;

  /** An element's api, as a postponed (waiting) element or a listener event hands it out. */
  export interface ElementApi {
    readonly id: string;
    readonly type: string;
    readonly executionId: string;
    readonly content: MessageContent;
    readonly owner?: Activity;
    readonly environment?: Environment;
    /** What runs under an activity now: a multi-instance activity's iterations. */
    getExecuting?(): ElementApi[];
    /** What waits inside a sub-process. */
    getPostponed?(): ElementApi[];
    sendApiMessage(action: string, content?: Record<string, unknown>): void;
    signal(message?: Record<string, unknown>): void;
  }

  /** The error an activity fails with; `source` is the message it failed on. */
  export class ActivityError extends Error {
    constructor(description: string, sourceMessage?: ElementMessage, inner?: unknown);
    readonly source?: ElementMessage;
    readonly inner?: unknown;
    readonly code?: string;
  }

  export class RunError extends ActivityError {}

  /** The timer an event definition parsed from its text. */
  export interface ParsedTimer {
    expireAt?: Date;
    repeat?: number;
    delay?: number;
  }

  /** An error event definition: a catching one consumes the scope's `throw` api messages with `_onThrowApiMessage`. */
  export class ErrorEventDefinition {
    constructor(activity: Activity, eventDefinition: SerializedElement);
    readonly activity: Activity;
    protected _onThrowApiMessage(routingKey: string, message: ElementMessage): unknown;
    /** Completes the catch with `error` as its output (and the event's `activity.catch`). */
    protected _catchError(routingKey: string, message: ElementMessage, error: unknown): unknown;
  }

  /** An escalation event definition: a catching one consumes the scope's delegated `escalate` api messages with `_onCatchMessage`. */
  export class EscalationEventDefinition {
    constructor(activity: Activity, eventDefinition: SerializedElement);
    readonly activity: Activity;
    protected _onCatchMessage(routingKey: string, message: ElementMessage): unknown;
  }

  export class TimerEventDefinition {
    constructor(activity: Activity, eventDefinition: SerializedElement);
    readonly environment: Environment;
    parse(timerType: string, value: string): ParsedTimer;
  }

  /** The sub-process behaviour: it builds one execution per (multi-instance iteration) execute message. */
  export interface SubProcessBehaviour extends ActivityBehaviour {
    _upsertExecution(executeMessage: ElementMessage): { readonly environment: Environment };
  }

  /** bpmn-elements' multi-instance loop of an activity (constructed with the activity and its loop characteristics). */
  export class MultiInstanceLoopCharacteristics {
    constructor(activity: Activity, loopCharacteristics: SerializedElement);
    execute(executeMessage: ElementMessage): unknown;
  }

  export class Timers {
    constructor(options: { setTimeout: (...args: unknown[]) => unknown; clearTimeout: (ref: unknown) => unknown });
  }

  export const SignalTask: ElementType;
  export const IntermediateThrowEvent: ElementType;
  export const EndEvent: ElementType;
  export const SubProcess: (activityDef: SerializedElement, context: ElementContext) => Activity<SubProcessBehaviour>;
}
