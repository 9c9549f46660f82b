// The in-process ceiling: bpmn-engine running the same library with the same
// handlers, every instance kept in memory, call activities bridged in memory.
// No store, no state serialization, no recovery: what durability costs is the
// difference between this and the Stratum runtime.
import { EventEmitter } from 'node:events';
import type { ExecutableDefinition } from '../engine/runtime/definition-cache.js';
import { createEngine } from '../engine/runtime/execution-environment.js';

interface RawInstance {
  key: string;
  engine: any;
  parent?: { instance: RawInstance; elementId: string; executionId: string };
}

export class RawEngineHarness {
  readonly instances: RawInstance[] = [];

  constructor(private readonly definitions: Map<string, ExecutableDefinition>) {}

  async start(key: string, variables: Record<string, unknown>, parent?: RawInstance['parent']): Promise<RawInstance> {
    const definition = this.definitions.get(key)!;
    const engine = createEngine(key, definition.sourceContext);
    const instance: RawInstance = { key, engine, parent };
    this.instances.push(instance);
    engine.on('error', (error: Error) => { throw error; });
    engine.once('end', () => this.returnToParent(instance));
    await engine.execute({ listener: new EventEmitter(), variables });
    await this.startCalledChildren(instance);
    return instance;
  }

  /** Completes the open user task of `group` somewhere in the tree of `root`. */
  async completeTask(root: RawInstance, group: string, variables: Record<string, unknown>) {
    for (const instance of this.treeOf(root)) {
      const model = this.definitions.get(instance.key)!.model;
      const postponed = instance.engine.execution.getPostponed();
      const task = postponed.find((api: any) => model.elements.get(api.id)?.candidateGroups?.includes(group));
      if (!task) continue;
      this.processOf(instance).environment.assignVariables(variables);
      instance.engine.execution.signal({ id: task.id, executionId: task.executionId });
      await this.startCalledChildren(instance);
      return;
    }
    throw new Error(`no open task for ${group}`);
  }

  waitingTaskGroups(root: RawInstance): string[] {
    return this.treeOf(root).flatMap((instance) => {
      const model = this.definitions.get(instance.key)!.model;
      return instance.engine.execution.getPostponed().flatMap((api: any) => model.elements.get(api.id)?.candidateGroups ?? []);
    });
  }

  private treeOf(root: RawInstance): RawInstance[] {
    const tree = [root];
    for (let index = 0; index < tree.length; index++) {
      tree.push(...this.instances.filter((candidate) => candidate.parent?.instance === tree[index]));
    }
    return tree;
  }

  private processOf(instance: RawInstance) {
    const definition = instance.engine.execution.definitions[0];
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
    parent.instance.engine.execution.signal({ id: parent.elementId, executionId: parent.executionId });
    void this.startCalledChildren(parent.instance);
  }
}
