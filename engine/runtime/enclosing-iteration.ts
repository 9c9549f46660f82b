// The iterations of multi-instance scopes a task runs in: of a multi-instance sub-process around it (each board
// member's "Approve" inside a sub-process drawn once per member), and, for a task of a called process, of a
// multi-instance call activity that started its instance (or of a multi-instance sub-process around that call),
// however many calls up. Four eyes counts such an iteration as it counts an iteration of a multi-instance task
// (four-eyes.ts): within one activation of the scope a person decides the separated task in one iteration only,
// where two iterations' tasks of the same element were taken for a rework of one step and both passed.
//
// bpmn-elements names an iteration's execution `<body>_<index>`, and keeps with each running element the scopes it
// runs in (`content.parent`, nearest first, then `parent.path`), in the instance's stored state; a called instance
// keeps the call's execution (`parentExecutionId`, the iteration's for a multi-instance call).
import type { ProcessModel } from '../bpmn/process-model.js';
import type { InstanceRow } from '../store/types.js';
import { multiInstanceBodyOf } from './multi-instance.js';

/** One iteration of a multi-instance scope, named across the order: `<instance id>:<execution>`. */
export interface EnclosingIteration {
  /** The activation (the multi-instance body) the iteration belongs to. */
  body: string;
  /** The iteration itself. */
  iteration: string;
}

/** Where a task.completed entry keeps the enclosing iterations of the task it decided. */
export const ENCLOSING_ITERATIONS = 'enclosingIterations';

/** A call tree deeper than this is refused at start (call-depth): the walk up stops there. */
const MAX_LEVELS = 40;

/** An element's execution: a scope it runs in, or the element itself. */
export type Scope = { id: string; executionId: string };

/**
 * The scopes `element`'s running execution sits in, nearest first: read from the instance's stored state
 * (stateScopes), or from a live engine where the state is not kept (the impact replay, liveScopes).
 */
export type ScopesOf = (instance: InstanceRow, element: Scope) => Scope[];

/** The scopes as the instance's stored engine state names them. */
export const stateScopes: ScopesOf = (instance, element) => scopesIn(instance.state, element);

/** The scopes as a live engine's waiting elements name them (`content.parent`). */
export function liveScopes(waiting: readonly { id: string; executionId: string; content?: unknown }[], element: Scope): Scope[] {
  const found = waiting.find((candidate) => candidate.id === element.id && candidate.executionId === element.executionId);
  return found ? scopesIn(found.content, element) : [];
}

/**
 * The multi-instance iterations enclosing the task `wait`, nearest first (not the task's own multi-instance, which
 * MULTI_INSTANCE_BODY names); empty when none does. `instanceOf` reads an instance of the order (with its state),
 * `modelOf` a process version's model, `scopesOf` where an execution runs (the stored state unless given).
 */
export async function enclosingIterationsOf(
  wait: { instanceId: string; elementId: string; executionId: string },
  instanceOf: (id: string) => Promise<InstanceRow | undefined>,
  modelOf: (key: string, version: number) => Promise<ProcessModel>,
  scopesOf: ScopesOf = stateScopes,
): Promise<EnclosingIteration[]> {
  const found: EnclosingIteration[] = [];
  let instance = await instanceOf(wait.instanceId);
  let element: Scope = { id: wait.elementId, executionId: wait.executionId };
  for (let level = 0; instance && level < MAX_LEVELS; level++) {
    const model = await modelOf(instance.processKey, instance.version);
    // the task's own multi-instance is not an enclosing one; a call activity's is (its iteration started the child)
    const scopes = level === 0 ? [] : [element];
    if (hasMultiInstanceScope(model)) scopes.push(...scopesOf(instance, element));
    for (const scope of scopes) {
      if (!model.elements.get(scope.id)?.multiInstance) continue;
      found.push({ body: `${instance.id}:${multiInstanceBodyOf(scope.executionId)}`, iteration: `${instance.id}:${scope.executionId}` });
    }
    if (!instance.parentId || !instance.parentElementId || !instance.parentExecutionId) break;
    element = { id: instance.parentElementId, executionId: instance.parentExecutionId };
    instance = await instanceOf(instance.parentId);
  }
  return found;
}

/** The enclosing iterations a task.completed entry recorded (none for one recorded without them). */
export function recordedEnclosingIterations(data: Record<string, unknown> | null | undefined): EnclosingIteration[] {
  const recorded = data?.[ENCLOSING_ITERATIONS];
  if (!Array.isArray(recorded)) return [];
  return recorded.flatMap((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null) return [];
    const { body, iteration } = entry as Record<string, unknown>;
    return typeof body === 'string' && typeof iteration === 'string' ? [{ body, iteration }] : [];
  });
}

/** Whether two tasks ran in different iterations of one activation of a multi-instance scope around both. */
export function inOtherIteration(one: readonly EnclosingIteration[], other: readonly EnclosingIteration[]): boolean {
  return one.some(({ body, iteration }) => other.some((them) => them.body === body && them.iteration !== iteration));
}

// helpers

/** Whether a sub-process of the model runs multi-instance: else nothing in it runs in an iteration's scope. */
function hasMultiInstanceScope(model: ProcessModel): boolean {
  for (const element of model.elements.values()) if (element.multiInstance && SCOPES.test(element.type)) return true;
  return false;
}

/** The elements other elements run inside: bpmn:SubProcess, bpmn:Transaction, bpmn:AdHocSubProcess. */
const SCOPES = /^bpmn:(SubProcess|Transaction|AdHocSubProcess)$/;

/** The scopes `element`'s running execution sits in, nearest first, found in `source` (engine state, or a message content). */
function scopesIn(source: unknown, element: Scope): Scope[] {
  const stack: unknown[] = [source];
  while (stack.length) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      stack.push(...(node as unknown[]));
      continue;
    }
    if (typeof node !== 'object' || node === null) continue;
    const record = node as Record<string, unknown>;
    if (record.executionId === element.executionId && record.id === element.id && isScope(record.parent)) {
      const path = Array.isArray(record.parent.path) ? record.parent.path.filter(isScope) : [];
      return [{ id: record.parent.id, executionId: record.parent.executionId }, ...path.map(({ id, executionId }) => ({ id, executionId }))];
    }
    for (const value of Object.values(record)) if (typeof value === 'object' && value !== null) stack.push(value);
  }
  return [];
}

function isScope(value: unknown): value is Scope & { path?: unknown } {
  if (typeof value !== 'object' || value === null) return false;
  const { id, executionId } = value as Record<string, unknown>;
  return typeof id === 'string' && typeof executionId === 'string';
}
