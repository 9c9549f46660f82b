// Store rows → the API's views.
import type { HistoryEntry, InstanceSummary, JobView, TaskHold, TaskView, WaitHold, WaitingElement } from '../api.js';
import type { ProcessModel } from '../bpmn/process-model.js';
import { ORDER_VARIABLES } from '../orders/order-entry.js';
import type { HistoryRow, InstanceRow, WaitRow } from '../store/types.js';
import { declaredCompletionVariables } from '../bpmn/completion-declaration.js';

/** What a view shows of an instance. */
export type ViewedInstance = Pick<InstanceRow, 'id' | 'processKey' | 'version' | 'businessKey' | 'status' | 'parentId' | 'createdAt' | 'updatedAt' | 'endedAt'>;

/** What a view shows of a wait. */
export type ViewedWait = Pick<WaitRow, 'id' | 'instanceId' | 'kind' | 'elementId' | 'name' | 'candidateGroups' | 'messageName' | 'dueAt' | 'jobType'>;

export function instanceSummary(row: ViewedInstance): InstanceSummary {
  return {
    id: row.id,
    processKey: row.processKey,
    version: row.version,
    businessKey: row.businessKey,
    status: row.status,
    parentId: row.parentId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    endedAt: row.endedAt,
  };
}

/** `held`: what holds the wait (wait-holds.ts), null when it can be acted on now. */
export function waitingElement(wait: ViewedWait, processKey: string, held: WaitHold | null): WaitingElement {
  const element: WaitingElement = {
    instanceId: wait.instanceId,
    processKey,
    elementId: wait.elementId,
    name: wait.name,
    type: wait.kind,
    held,
  };
  if (wait.kind === 'task') {
    element.taskId = wait.id;
    element.candidateGroups = wait.candidateGroups ?? [];
  }
  if (wait.kind === 'job') {
    element.jobId = wait.id;
    if (wait.jobType) element.jobType = wait.jobType;
  }
  if (wait.kind === 'message' && wait.messageName) element.message = wait.messageName;
  if (wait.kind === 'timer' && wait.dueAt) element.dueAt = wait.dueAt;
  return element;
}

/**
 * A task as approvers see it: with what it asks of them (variables, form) and the order it decides on, when its
 * instance runs inside an order (`inOrder`, order-membership.ts).
 */
export function taskView(wait: WaitRow, instance: InstanceRow | undefined, model: ProcessModel | undefined, held: TaskHold | null, inOrder: boolean): TaskView {
  const info = model?.elements.get(wait.elementId);
  return {
    id: wait.id,
    instanceId: wait.instanceId,
    businessKey: wait.businessKey,
    processKey: instance?.processKey ?? '',
    elementId: wait.elementId,
    name: wait.name,
    candidateGroups: wait.candidateGroups ?? [],
    assignee: wait.assignee,
    candidateUsers: wait.candidateUsers ?? [],
    claimedBy: wait.claimedBy,
    claimedAt: wait.claimedAt,
    createdAt: wait.createdAt,
    variables: declaredCompletionVariables(info?.outputs ?? []),
    documentation: info?.documentation ?? model?.documentation ?? null,
    processName: model?.name ?? null,
    form: info?.form ?? null,
    order: instance && inOrder ? orderOf(instance.variables) : null,
    held,
  };
}

/** A job as a worker gets it; with the order's fields when its instance runs inside an order (`inOrder`). */
export function jobView(wait: WaitRow, customHeaders: Record<string, string> = {}, instance?: InstanceRow, inOrder = false): JobView {
  return {
    id: wait.id,
    type: wait.jobType ?? '',
    instanceId: wait.instanceId,
    businessKey: wait.businessKey,
    elementId: wait.elementId,
    variables: wait.variables ?? {},
    customHeaders,
    retries: wait.jobRetries ?? 0,
    retriesSet: wait.jobRetriesSet,
    lockExpiresAt: wait.lockExpiresAt ?? '',
    order: instance && inOrder ? orderOf(instance.variables) : null,
    ...(instance && { processKey: instance.processKey, processVersion: instance.version }),
    errorMessage: wait.jobError,
  };
}

export function historyEntry(row: HistoryRow): HistoryEntry {
  return {
    at: row.at,
    instanceId: row.instanceId,
    event: row.event,
    actor: row.actor,
    ...(row.via && { via: row.via }),
    elementId: row.elementId,
    elementType: row.elementType,
    data: row.data,
  };
}

// helpers

/**
 * The order fields of an instance's variables (a called process inherits them, a re-approval's call hands it the
 * changed amount); null when the variables hold no order number.
 */
function orderOf(variables: Record<string, unknown>): Record<string, unknown> | null {
  if (variables.orderNo === undefined) return null;
  return Object.fromEntries(ORDER_VARIABLES.filter((name) => variables[name] !== undefined).map((name) => [name, variables[name]]));
}
