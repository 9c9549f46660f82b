// An interrupting event sub-process ends everything else of its scope when it starts.
//
// bpmn-elements 17.3 starts an event sub-process on an error or escalation thrown in its scope (the process, or the
// embedded sub-process it sits in) but never reads the start event's `isInterrupting`: an interrupting one ran beside
// the scope's other activities, whose tasks stayed open and could still be completed, and the path of the throw went
// on. BPMN (and Camunda 7 and 8) cancel every other activity of the scope when an interrupting event sub-process
// starts; the scope completes when the event sub-process completes. So when the start event of an interrupting
// error or escalation event sub-process starts, every other element of the same scope execution (an iteration of a
// multi-instance sub-process is one) is discarded through its api, as bpmn-elements discards the activity an
// interrupting boundary event leaves: its waits are gone after the step, so the runtime closes its task, job, message
// wait or timer and ends what a call activity had called (abandoned-calls.ts), as for a boundary event. Tokens a
// parallel join holds from the scope are dropped too (parallel-join.ts), or the scope would wait for them for ever.
// A non-interrupting one (isInterrupting="false", escalation only) leaves the scope as it is.
//
// bpmn-elements also starts the event sub-process for a throw that a boundary event of an embedded sub-process between
// the throw and the event sub-process's scope catches; BPMN hands a throw to its innermost catch only. Interrupting
// there would end the boundary event's own path, so such an event sub-process (interrupting or not) is discarded
// instead, and the boundary event's path runs alone; the step forgets the history it recorded of it (instance-step.ts).
import { dropHeldTokens } from './parallel-join.js';

/** What of a bpmn-elements element api (a listener event's or a postponed one) is read here. */
export interface ScopeElementApi {
  readonly id: string;
  readonly type: string;
  readonly executionId: string;
  readonly content?: { parent?: { id?: string; executionId?: string; path?: { executionId?: string }[] }; targetId?: string };
  readonly owner?: {
    readonly type?: string;
    readonly status?: string;
    readonly isSubProcess?: boolean;
    readonly triggeredByEvent?: boolean;
    readonly behaviour?: { isInterrupting?: boolean };
    readonly eventDefinitions?: { type?: string }[];
    readonly parentElement?: { triggeredByEvent?: boolean; getActivityById(id: string): unknown };
  };
  getPostponed?(): ScopeElementApi[];
  discard(): void;
}

const TRIGGERS = new Set(['bpmn:ErrorEventDefinition', 'bpmn:EscalationEventDefinition']);
/** An element that ended or is ending already: its outbound flows were taken, what they reached is discarded instead. */
const ENDED = new Set(['end', 'discard', 'discarded']);

/** An error or escalation event sub-process that started, waiting for the throw that started it to be settled. */
interface Started {
  interrupting: boolean;
  eventSubProcess: NonNullable<NonNullable<ScopeElementApi['owner']>['parentElement']>;
  eventSubProcessExecution: string;
  scopeExecution: string;
}

/**
 * Settles the error and escalation event sub-processes an engine starts. bpmn-elements starts one while the throw is
 * still bubbling up: the boundary events of the sub-processes between the throw and the event sub-process's scope
 * hear it after that start. So a start is settled when the listener hears the throw (`activity.throw`,
 * `activity.escalate`), after every catch of it and still within the throw's execution (its path has not gone on),
 * or at the latest when the engine's synchronous run ends: caught by such a boundary event, the throw was not the
 * event sub-process's, which is discarded; otherwise an interrupting one ends the rest of its scope.
 */
export class EventSubProcessInterruptions {
  private started: Started[] = [];
  private caughtBy: ScopeElementApi[] = [];

  /**
   * `postponed` gives the engine's top-level postponed element apis; `discarded` hears the execution id of an event
   * sub-process discarded because a boundary event caught its throw (what it entered was never BPMN's).
   */
  constructor(private readonly postponed: () => ScopeElementApi[], private readonly discarded: (eventSubProcessExecution: string) => void = () => undefined) {}

  /** For every `activity.start`. */
  activityStarted(api: ScopeElementApi): void {
    const started = eventSubProcessStart(api);
    if (!started) return;
    if (!this.started.length) queueMicrotask(() => this.settle());
    this.started.push(started);
  }

  /** For every `activity.catch` (its api is the event definition's; its owner the element). */
  activityCaught(api: ScopeElementApi): void {
    if (this.started.length && api.owner?.type === 'bpmn:BoundaryEvent') this.caughtBy.push(api);
  }

  /** For every `activity.throw` and `activity.escalate`. */
  settle(): void {
    const started = this.started;
    const caughtBy = this.caughtBy;
    this.started = [];
    this.caughtBy = [];
    for (const start of started) {
      const caught = caughtBy.some((boundary) => isInside(boundary, start.scopeExecution));
      if (caught) {
        discardRunning(scopeElements(this.postponed(), start.scopeExecution).filter((api) => api.executionId === start.eventSubProcessExecution));
        this.discarded(start.eventSubProcessExecution);
      } else if (start.interrupting) this.interrupt(start);
    }
  }

  private interrupt({ eventSubProcess, eventSubProcessExecution, scopeExecution }: Started): void {
    const inScope = scopeElements(this.postponed(), scopeExecution).filter((api) => api.executionId !== eventSubProcessExecution);
    discardRunning(inScope);
    // the event sub-process is a child of the scope execution: its context finds the scope's joins
    const joins = new Set(inScope.filter((api) => api.type === 'bpmn:SequenceFlow' && api.content?.targetId).map((api) => api.content!.targetId!));
    for (const joinId of joins) dropHeldTokens(eventSubProcess.getActivityById(joinId));
  }
}

/** Discards the elements among `apis` that still run. */
function discardRunning(apis: ScopeElementApi[]): void {
  for (const api of apis) {
    // a boundary event goes with the activity it is attached to; a sequence flow waits at a join (interrupt)
    if (api.type === 'bpmn:BoundaryEvent' || api.type === 'bpmn:SequenceFlow' || ENDED.has(api.owner?.status ?? '')) continue;
    api.discard();
  }
}

/** The event sub-process and scope `api` starts, when it is the start event of an error or escalation event sub-process. */
function eventSubProcessStart(api: ScopeElementApi): Started | undefined {
  const owner = api.owner;
  const eventSubProcess = owner?.parentElement;
  if (api.type !== 'bpmn:StartEvent' || !eventSubProcess?.triggeredByEvent) return undefined;
  if (!owner?.eventDefinitions?.some((definition) => TRIGGERS.has(definition.type ?? ''))) return undefined;
  const eventSubProcessExecution = api.content?.parent?.executionId;
  const scopeExecution = api.content?.parent?.path?.[0]?.executionId;
  if (!eventSubProcessExecution || !scopeExecution) return undefined;
  // bpmn-moddle leaves an absent isInterrupting undefined: BPMN's default is true
  return { interrupting: owner.behaviour?.isInterrupting !== false, eventSubProcess, eventSubProcessExecution, scopeExecution };
}

/** True when `api` runs inside the scope execution `scopeExecution` (at any depth). */
function isInside(api: ScopeElementApi, scopeExecution: string): boolean {
  const parent = api.content?.parent;
  return parent?.executionId === scopeExecution || (parent?.path ?? []).some((step) => step.executionId === scopeExecution);
}

/** The postponed elements (and flows) whose parent is the scope execution `scopeExecution`, wherever it is in the tree. */
function scopeElements(top: ScopeElementApi[], scopeExecution: string): ScopeElementApi[] {
  const found: ScopeElementApi[] = [];
  const seen = new Set<string>();
  const visit = (apis: ScopeElementApi[]) => {
    for (const api of apis) {
      const key = `${api.type}:${api.executionId ?? api.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (api.content?.parent?.executionId === scopeExecution) found.push(api);
      else if (api.owner?.isSubProcess) visit(api.getPostponed?.() ?? []);
    }
  };
  visit(top);
  return found;
}
