// New instance rows and history entries, stamped by the runtime's clock.
import { randomUUID } from 'node:crypto';
import type { Clock } from '../api.js';
import type { HistoryRow, InstanceRow, WaitRow } from '../store/types.js';

export class InstanceRows {
  constructor(
    private readonly clock: Clock,
    /** New instance ids (the step executor hands a step's retry the ids its speculation used). */
    readonly newId: () => string = randomUUID,
  ) {}

  nowIso(): string {
    return this.clock.now().toISOString();
  }

  /** A running instance not yet stored (revision 0); its first step inserts it. */
  newInstance(processKey: string, version: number, businessKey: string | null, parent: InstanceRow | null, startedBy: string | null): InstanceRow {
    const now = this.nowIso();
    const id = this.newId();
    return {
      id, processKey, version, businessKey,
      parentId: parent?.id ?? null, parentElementId: null, parentExecutionId: null,
      rootId: parent?.rootId ?? id,
      status: 'running', state: null, variables: {}, incident: null, revision: 0,
      startedBy, createdAt: now, updatedAt: now, endedAt: null,
    };
  }

  history(instanceId: string, actor: string | null, event: string, elementId: string | null, elementType: string | null,
    data: Record<string, unknown> | null): HistoryRow {
    return { instanceId, at: this.nowIso(), actor, event, elementId, elementType, waitId: null, data };
  }

  /** A history entry about what happened to one wait (task completed, job failed, message correlated …). */
  waitHistory(wait: WaitRow, actor: string | null, event: string, elementType: string | null, data: Record<string, unknown>): HistoryRow {
    return { ...this.history(wait.instanceId, actor, event, wait.elementId, elementType, data), waitId: wait.id };
  }
}

/**
 * The instance as a step left it. Field by field, not `{ ...instance }`: a spread would read
 * the stored row's lazy `state` (inflating and parsing kilobytes of JSON) only to replace it.
 */
export function withStepOutcome(instance: InstanceRow, outcome: Pick<InstanceRow, 'status' | 'state' | 'variables' | 'incident' | 'endedAt'>): InstanceRow {
  return {
    id: instance.id,
    processKey: instance.processKey,
    version: instance.version,
    businessKey: instance.businessKey,
    parentId: instance.parentId,
    parentElementId: instance.parentElementId,
    parentExecutionId: instance.parentExecutionId,
    rootId: instance.rootId,
    status: outcome.status,
    state: outcome.state,
    variables: outcome.variables,
    incident: outcome.incident,
    revision: instance.revision,
    startedBy: instance.startedBy,
    createdAt: instance.createdAt,
    updatedAt: instance.updatedAt,
    endedAt: outcome.endedAt,
  };
}
