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
import { dropHeldTokens } from './parallel-join.js';

/** What of a bpmn-elements element api (a listener event's or a postponed one) is read here. */
export interface ScopeElementApi {
  readonly id: string;
  readonly type: string;
  readonly executionId: string;
  readonly content?: { parent?: { id?: string; executionId?: string; path?: { executionId?: string }[] }; targetId?: string };
  readonly owner?: {
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

const INTERRUPTING_TRIGGERS = new Set(['bpmn:ErrorEventDefinition', 'bpmn:EscalationEventDefinition']);
/** An element that ended or is ending already: its outbound flows were taken, what they reached is discarded instead. */
const ENDED = new Set(['end', 'discard', 'discarded']);

/**
 * Called for every `activity.start` of an engine; `postponed` gives the engine's top-level postponed element apis.
 * When `started` is the start event of an interrupting error or escalation event sub-process, discards the other
 * elements of its scope.
 */
export function interruptScopeOf(started: ScopeElementApi, postponed: () => ScopeElementApi[]): void {
  const owner = started.owner;
  const eventSubProcess = owner?.parentElement;
  if (started.type !== 'bpmn:StartEvent' || !eventSubProcess?.triggeredByEvent) return;
  // bpmn-moddle leaves an absent isInterrupting undefined: BPMN's default is true
  if (owner?.behaviour?.isInterrupting === false) return;
  if (!owner?.eventDefinitions?.some((definition) => INTERRUPTING_TRIGGERS.has(definition.type ?? ''))) return;
  const eventSubProcessExecution = started.content?.parent?.executionId;
  const scopeExecution = started.content?.parent?.path?.[0]?.executionId;
  if (!eventSubProcessExecution || !scopeExecution) return;

  const inScope = scopeElements(postponed(), scopeExecution).filter((api) => api.executionId !== eventSubProcessExecution);
  for (const api of inScope) {
    // a boundary event goes with the activity it is attached to; a sequence flow waits at a join (below)
    if (api.type === 'bpmn:BoundaryEvent' || api.type === 'bpmn:SequenceFlow' || ENDED.has(api.owner?.status ?? '')) continue;
    api.discard();
  }
  // the event sub-process is a child of the scope execution: its context finds the scope's joins
  const joins = new Set(inScope.filter((api) => api.type === 'bpmn:SequenceFlow' && api.content?.targetId).map((api) => api.content!.targetId!));
  for (const joinId of joins) dropHeldTokens(eventSubProcess.getActivityById(joinId));
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
