// The in-process ceiling: bpmn-engine running the same library with the same
// handlers, every instance kept in memory, call activities bridged in memory.
// No store, no state serialization, no recovery: what durability costs is the
// difference between this and the Stratum runtime.
import { EventEmitter } from 'node:events';
import type { ElementInfo } from '../engine/bpmn/process-model.js';
import type { ExecutableDefinition } from '../engine/runtime/definition-cache.js';
import { createEngine } from '../engine/runtime/execution-environment.js';
import { declaredCompletionVariables } from '../engine/bpmn/completion-declaration.js';
import type { ElementApi as ListenerApi } from '../engine/runtime/engine-adapter.js';
import { applyOutputs } from '../engine/runtime/instance-step.js';

/** The parts of a bpmn-engine Engine this harness drives (bpmn-engine ships no types). */
interface RawEngine {
  on(event: 'error', listener: (error: Error) => void): void;
  once(event: 'end', listener: () => void): void;
  execute(options: { listener: EventEmitter; variables: Record<string, unknown> }): Promise<unknown>;
  execution?: {
    getPostponed(): ElementApi[];
    signal(message: { id: string; executionId?: string }): void;
    definitions: { getRunningProcesses(): RawProcess[]; getProcesses(): RawProcess[] }[];
  };
}

/** A waiting (postponed) or ending element, as bpmn-engine reports it. */
interface ElementApi {
  id: string;
  executionId: string;
}

interface RawProcess {
  environment: { variables: Record<string, unknown>; assignVariables(variables: Record<string, unknown>): void };
}

interface RawInstance {
  key: string;
  engine: RawEngine;
  parent?: { instance: RawInstance; elementId: string; executionId: string };
}

export class RawEngineHarness {
  readonly instances: RawInstance[] = [];

  constructor(private readonly definitions: Map<string, ExecutableDefinition>) {}

  async start(key: string, variables: Record<string, unknown>, parent?: RawInstance['parent']): Promise<RawInstance> {
    const definition = this.definitions.get(key)!;
    const engine = createEngine(key, definition.sourceContext) as RawEngine;
    const instance: RawInstance = { key, engine, parent };
    this.instances.push(instance);
    engine.on('error', (error: Error) => { throw error; });
    engine.once('end', () => this.returnToParent(instance));
    // zeebe:ioMapping outputs, which the durable runtime applies from the same listener event
    const listener = new EventEmitter();
    const { model } = this.definitions.get(key)!;
    listener.on('activity.end', (api: ListenerApi) => {
      const info = model.elements.get(api.id);
      if (info?.outputs) applyOutputs(api, info, (message) => { throw new Error(message); });
    });
    await engine.execute({ listener, variables });
    await this.startCalledChildren(instance);
    return instance;
  }

  /** Completes the open user task of `group` somewhere in the tree of `root`. */
  async completeTask(root: RawInstance, group: string, variables: Record<string, unknown>) {
    await this.signalWaiting(root, (info) => info?.candidateGroups?.includes(group) ?? false, variables, `no open task for ${group}`);
  }

  /** Completes the waiting job of `type` somewhere in the tree of `root`, as a worker would. */
  async completeJob(root: RawInstance, type: string, variables: Record<string, unknown> = {}) {
    await this.signalWaiting(root, (info) => info?.jobType === type, variables, `no waiting job ${type}`);
  }

  /** Delivers message `name` to the element waiting for it in the tree of `root`. */
  async correlate(root: RawInstance, name: string, variables: Record<string, unknown> = {}) {
    for (const instance of this.treeOf(root)) {
      const model = this.definitions.get(instance.key)!.model;
      const waiting = executionOf(instance).getPostponed().find((api) => model.elements.get(api.id)?.message?.name === name);
      if (!waiting) continue;
      this.processOf(instance).environment.assignVariables(variables);
      // as the durable runtime does: message catch events are addressed by message id
      executionOf(instance).signal({ id: model.elements.get(waiting.id)!.message!.id });
      await this.startCalledChildren(instance);
      return;
    }
    throw new Error(`nothing waits for ${name}`);
  }

  private async signalWaiting(
    root: RawInstance,
    matches: (info: ElementInfo | undefined) => boolean,
    variables: Record<string, unknown>,
    missing: string,
  ) {
    for (const instance of this.treeOf(root)) {
      const model = this.definitions.get(instance.key)!.model;
      const task = executionOf(instance).getPostponed().find((api) => matches(model.elements.get(api.id)));
      if (!task) continue;
      // As in the durable runtime, a declared completion variable the completer omitted is null (the outputs read it).
      const declared = declaredCompletionVariables(model.elements.get(task.id)?.outputs ?? []);
      this.processOf(instance).environment.assignVariables({ ...Object.fromEntries(declared.map((name) => [name, null])), ...variables });
      executionOf(instance).signal({ id: task.id, executionId: task.executionId });
      await this.startCalledChildren(instance);
      return;
    }
    throw new Error(missing);
  }

  waitingTaskGroups(root: RawInstance): string[] {
    return this.treeOf(root).flatMap((instance) => {
      const model = this.definitions.get(instance.key)!.model;
      return executionOf(instance).getPostponed().flatMap((api) => model.elements.get(api.id)?.candidateGroups ?? []);
    });
  }

  private treeOf(root: RawInstance): RawInstance[] {
    const tree = [root];
    for (let index = 0; index < tree.length; index++) {
      tree.push(...this.instances.filter((candidate) => candidate.parent?.instance === tree[index]));
    }
    return tree;
  }

  private processOf(instance: RawInstance): RawProcess {
    const definition = executionOf(instance).definitions[0];
    return definition.getRunningProcesses()[0] ?? definition.getProcesses()[0];
  }

  private async startCalledChildren(instance: RawInstance) {
    const model = this.definitions.get(instance.key)!.model;
    for (const api of instance.engine.execution?.getPostponed() ?? []) {
      const called = model.elements.get(api.id)?.calledProcess;
      if (!called || this.instances.some((child) => child.parent?.executionId === api.executionId)) continue;
      const variables = { ...this.processOf(instance).environment.variables };
      await this.start(called, variables, { instance, elementId: api.id, executionId: api.executionId });
    }
  }

  private returnToParent(child: RawInstance) {
    const parent = child.parent;
    if (!parent) return;
    const variables = this.processOf(child).environment.variables;
    this.processOf(parent.instance).environment.assignVariables(variables);
    executionOf(parent.instance).signal({ id: parent.elementId, executionId: parent.executionId });
    void this.startCalledChildren(parent.instance);
  }
}

// helpers

function executionOf(instance: RawInstance): NonNullable<RawEngine['execution']> {
  if (!instance.engine.execution) throw new Error(`${instance.key} has not started`);
  return instance.engine.execution;
}
