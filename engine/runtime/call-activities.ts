// Call activities: reaching one starts the called process as a child in the
// same transaction; a child that ends returns to its parent's call activity
// (with its variables) or makes it throw (the child failed or was cancelled).
// Variables cross as Camunda 8 passes them (call-variables.ts).
import { callBorderRefusal } from '../orders/call-border.js';
import type { HistoryRow, InstanceRow, StoreTx, WaitRow } from '../store/types.js';
import { childReturnVariables, childStartVariables } from './call-variables.js';
import { versionToCall } from './called-version.js';
import type { ExecutableDefinition } from './definition-cache.js';
import type { InstanceRows } from './instance-rows.js';
import type { StepAction } from './instance-step.js';
import type { QueuedStep } from './queued-step.js';

/**
 * A call activity was reached: start the called process (the version its binding names) as a child. A call with
 * nothing to start, one that would nest deeper than MAX_CALL_DEPTH, and one the order border refuses
 * (orders/call-border.ts), fail the caller there on its state,
 * which no error boundary event catches. Nothing of the child is created, the caller's incident is on the call
 * activity, and its retry asks again.
 */
export async function startChild(tx: StoreTx, rows: InstanceRows, parent: InstanceRow, call: WaitRow, definition: ExecutableDefinition,
  actor: string | null, definitionOf: (key: string, version: number) => Promise<ExecutableDefinition>, parentDepth?: number): Promise<QueuedStep[]> {
  const calledKey = definition.model.elements.get(call.elementId)?.calledProcess;
  const binding = definition.model.elements.get(call.elementId)?.binding;
  const resolved = calledKey ? await versionToCall(tx, parent, calledKey, binding, definitionOf) : undefined;
  const version = resolved && !('problem' in resolved) ? resolved : undefined;
  if (!calledKey || !version) {
    const message = `call activity ${call.elementId} calls ${resolved && 'problem' in resolved ? resolved.problem : 'no process'}`;
    // an incident, as Camunda's CALLED_ELEMENT_ERROR, not a BPMN error an error boundary event would take for the child's
    return [{
      instance: (await tx.getInstance(parent.id, { lock: true }))!, isNew: false, kind: 'call-return', history: [],
      action: {
        type: 'call-refused', elementId: call.elementId, executionId: call.executionId, message,
        ...(calledKey && { reason: { kind: 'called-element-failed', calledElement: calledKey } }),
      },
    }];
  }
  const depth = (parentDepth ?? await callDepthOf(tx, parent)) + 1;
  const tooDeep = tooDeepRefusal(call, version.key, depth);
  if (tooDeep) return [{ instance: (await tx.getInstance(parent.id, { lock: true }))!, isNew: false, kind: 'call-return', history: [], action: tooDeep }];
  const refused = await callBorderRefusal(tx, parent, call.elementId, version, definitionOf);
  if (refused) {
    return [{
      instance: (await tx.getInstance(parent.id, { lock: true }))!, isNew: false, kind: 'call-return', history: [],
      action: { type: 'call-refused', elementId: call.elementId, executionId: call.executionId, ...refused },
    }];
  }
  const child = rows.newInstance(version.key, version.version, parent.businessKey, parent, parent.startedBy);
  child.id = call.childInstanceId!;
  child.parentElementId = call.elementId;
  child.parentExecutionId = call.executionId;
  return [{
    instance: child, isNew: true, kind: 'start', callDepth: depth,
    action: { type: 'start', variables: childStartVariables(definition.model.elements.get(call.elementId), call.variables ?? parent.variables) },
    history: [rows.history(child.id, actor, 'instance.started', null, null, { parentId: parent.id, calledFrom: call.elementId })],
  }];
}

/**
 * How deep calls may nest: an order's library goes three or four levels down (value chain, process, variant, control);
 * what starts a child deeper than this is a process calling itself, which would fill memory in one step.
 */
export const MAX_CALL_DEPTH = 32;

/**
 * The refusal of a call that would start `calledKey` `depth` calls deep, beyond MAX_CALL_DEPTH (the runtime's and the
 * impact replay's alike): a process that calls itself, directly or through others, would start children without end
 * in one step. Undefined within the depth.
 */
export function tooDeepRefusal(call: WaitRow, calledKey: string, depth: number): StepAction | undefined {
  if (depth <= MAX_CALL_DEPTH) return undefined;
  return {
    type: 'call-refused', elementId: call.elementId, executionId: call.executionId,
    message: `call activity ${call.elementId} would start ${calledKey} ${depth} calls deep; calls nest at most ${MAX_CALL_DEPTH} deep ` +
      '(a process that calls itself, directly or through the processes it calls, would never stop starting children)',
    reason: { kind: 'called-element-failed', calledElement: calledKey },
  };
}

/**
 * How many calls deep `instance` runs: 0 for a root, 1 for what a root called, … (read up its callers, committed: a
 * child started in this public call has its depth on its queued step).
 */
async function callDepthOf(tx: StoreTx, instance: InstanceRow): Promise<number> {
  let depth = 0;
  for (let current: InstanceRow | undefined = instance; current?.parentId;) {
    depth++;
    // what the root called is one deep: the root itself need not be read
    if (current.parentId === current.rootId || depth > MAX_CALL_DEPTH) break;
    current = await tx.getInstance(current.parentId);
  }
  return depth;
}

/** A child ended: its parent's call activity completes (with the child's variables, or only its outputs) or fails. */
export async function returnToParent(tx: StoreTx, child: InstanceRow, history: HistoryRow[],
  definitionOf: (key: string, version: number) => Promise<ExecutableDefinition>): Promise<QueuedStep[]> {
  const parent = await tx.getInstance(child.parentId!, { lock: true });
  if (!parent || parent.status !== 'running' || !child.parentElementId || !child.parentExecutionId) return [];
  const base = { elementId: child.parentElementId, executionId: child.parentExecutionId };
  if (child.status === 'completed' || child.status === 'rejected') {
    const call = (await definitionOf(parent.processKey, parent.version)).model.elements.get(child.parentElementId);
    return [{ instance: parent, isNew: false, kind: 'call-return', history, action: { type: 'signal', ...base, ...childReturnVariables(call, child.variables) } }];
  }
  const reason = child.status === 'failed' ? child.incident?.message ?? 'failed' : child.status;
  const message = `called process ${child.processKey} (instance ${child.id}) ${child.status === 'failed' ? 'failed: ' : 'was '}${reason}`;
  return [{ instance: parent, isNew: false, kind: 'call-return', history, action: { type: 'throw', ...base, message } }];
}

/**
 * `step` as it runs now, or undefined when there is nothing left for it to do. A call that could not start its
 * child was queued with its caller as the caller stood then; the steps ahead of it may have moved the caller since
 * (another call of the same step, a multi-instance call's earlier iteration, failed it, or an error boundary event
 * took it elsewhere). Its failure then runs on the caller as it is, and not at all once the caller no longer waits
 * at that call: a failed caller's incident keeps the call, and its retry starts it (incidents.ts).
 */
export async function stillToRun(tx: StoreTx, step: QueuedStep): Promise<QueuedStep | undefined> {
  const { action } = step;
  if (action.type !== 'call-refused' || step.isNew) return step;
  const caller = await tx.getInstance(step.instance.id, { lock: true });
  if (caller?.status !== 'running') return undefined;
  const waiting = (await tx.findWaits({ instanceId: caller.id, kind: 'call' })).some((wait) => wait.executionId === action.executionId);
  return waiting ? { ...step, instance: caller } : undefined;
}
