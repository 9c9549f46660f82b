// Which business rule tasks calling a changed decision a running order can
// still reach: those its running instances reach from where they wait
// (running-orders.ts), and those of the processes its reachable call
// activities will start, each call resolved by its binding on the library as
// it would be (called-version.ts), and the calls those make in turn. A task
// evaluates the latest version of its decision when it is reached, so every
// task found will evaluate the new version; a task that pins its decision's
// version counts only when its binding resolves to the new one
// (bound-decision.ts, as the replay resolves it). A process not started yet is
// followed from its none start event with no variables: only a condition that
// is false whatever the variables (a literal false) stops it there.
import type { ElementInfo } from '../bpmn/process-model.js';
import type { InstanceRow, WaitRow } from '../store/types.js';
import { calledVersion, type CalledVersions } from '../runtime/called-version.js';
import type { CandidateLibrary, VersionGraph } from './candidate-library.js';
import { reachableFrom, type Decisions } from './flow-graph.js';
import { pathAhead } from './path-ahead.js';
import type { OrderReachingDecision, ProcessElement } from './impact-report.js';
import { decisionTasksOf } from './where-used.js';

/** A running instance of an order, with what it can still reach from where it waits. */
export interface InstanceReach {
  instance: InstanceRow;
  version: VersionGraph;
  waits: WaitRow[];
  /** The elements reachable from its waits (flow-graph.ts), conditions false on its variables not followed; through changes to the order too. */
  reachable: Set<string>;
  /** Those of them ahead on its own path, reached without a change to the order (path-ahead.ts). */
  ahead: Set<string>;
}

/** A business rule task calling one of the changed decisions. */
interface TaskReached extends ProcessElement {
  decisionId: string;
}

type ProcessVersion = { key: string; version: number };

export class DecisionReach {
  private readonly decisionIds: Set<string>;
  private readonly calledVersions: CalledVersions;
  /** `key@version` → the changed decisions' tasks a started instance of it (and what it calls) may reach. */
  private readonly started = new Map<string, Promise<TaskReached[]>>();
  /** `key@version` → what is reachable from its none start event: changed decisions' tasks and call activities. */
  private readonly fromStart = new Map<string, Promise<{ tasks: TaskReached[]; calls: ElementInfo[] }>>();

  constructor(private readonly library: CandidateLibrary, decisionIds: readonly string[]) {
    this.decisionIds = new Set(decisionIds);
    this.calledVersions = library.calledVersions();
  }

  /** Per changed decision the order can reach: where it waits that leads there, and the tasks. */
  async of(reach: InstanceReach[], decisions: Decisions): Promise<Map<string, Omit<OrderReachingDecision, 'orderNo'>>> {
    const found = new Map<string, { waitingAt: Map<string, ProcessElement>; reaches: Map<string, ProcessElement> }>();
    const entry = (decisionId: string) => {
      let reached = found.get(decisionId);
      if (!reached) found.set(decisionId, (reached = { waitingAt: new Map(), reaches: new Map() }));
      return reached;
    };
    for (const { instance, version, waits, reachable } of reach) {
      const caller = { key: instance.processKey, version: instance.version };
      // the reachable elements that lead to a task: the tasks themselves, and calls starting a process that reaches one
      const leadsTo = new Map<string, TaskReached[]>();
      for (const elementId of reachable) {
        const tasks = await this.tasksAt(caller, version, elementId);
        if (tasks.length) leadsTo.set(elementId, tasks);
      }
      if (leadsTo.size === 0) continue;
      for (const { decisionId, ...task } of [...leadsTo.values()].flat()) entry(decisionId).reaches.set(`${task.processKey}/${task.elementId}`, task);
      // which of the instance's waits lead there (found again per wait only when it has several)
      for (const wait of waits) {
        const from = waits.length === 1 ? reachable : pathAhead(version.graph, version.orderChanges, [wait.elementId], instance.variables, decisions).reachable;
        const name = wait.name ?? version.model.elements.get(wait.elementId)?.name ?? null;
        for (const elementId of from) {
          for (const { decisionId } of leadsTo.get(elementId) ?? []) {
            entry(decisionId).waitingAt.set(`${caller.key}/${wait.elementId}`, { processKey: caller.key, elementId: wait.elementId, name });
          }
        }
      }
    }
    return new Map([...found].map(([id, { waitingAt, reaches }]) => [id, { waitingAt: [...waitingAt.values()], reaches: [...reaches.values()] }]));
  }

  /** The tasks reaching `elementId` of `caller` leads to: itself, when it is one; what the process a call there starts may reach. */
  private async tasksAt(caller: ProcessVersion, version: VersionGraph, elementId: string): Promise<TaskReached[]> {
    const task = await this.taskOf(caller, version, elementId);
    if (task) return [task];
    const element = version.model.elements.get(elementId);
    return element?.calledProcess ? this.tasksOfCall(caller, element) : [];
  }

  private async taskOf(process: ProcessVersion, version: VersionGraph, elementId: string): Promise<TaskReached | undefined> {
    const task = decisionTasksOf(version).get(elementId);
    if (!task || !this.decisionIds.has(task.decisionId)) return undefined;
    const bound = version.model.elements.get(elementId)?.boundDecision;
    if (bound && !(await this.library.decisions.pinsCandidate({ ...process, model: version.model }, bound, (key, number) => this.calledVersions.deploymentOf(key, number)))) return undefined;
    return { processKey: process.key, elementId, name: task.name ?? null, decisionId: task.decisionId };
  }

  /** The tasks the version a call starts may reach, through its own calls too; none when the call would fail to start. */
  private async tasksOfCall(caller: ProcessVersion, call: ElementInfo): Promise<TaskReached[]> {
    const called = await calledVersion(this.calledVersions, caller, call.calledProcess!, call.binding);
    return 'version' in called ? this.tasksOfStarted({ key: call.calledProcess!, version: called.version }) : [];
  }

  /** Every version a started instance of `seed` may call, each once (a process may call itself), and their tasks. */
  private tasksOfStarted(seed: ProcessVersion): Promise<TaskReached[]> {
    const id = `${seed.key}@${seed.version}`;
    let tasks = this.started.get(id);
    if (!tasks) {
      tasks = (async () => {
        const found: TaskReached[] = [];
        const seen = new Set([id]);
        const queue = [seed];
        for (let next = queue.shift(); next; next = queue.shift()) {
          const { tasks: own, calls } = await this.reachableFromStart(next);
          found.push(...own);
          for (const call of calls) {
            const called = await calledVersion(this.calledVersions, next, call.calledProcess!, call.binding);
            if (!('version' in called) || seen.has(`${call.calledProcess!}@${called.version}`)) continue;
            seen.add(`${call.calledProcess!}@${called.version}`);
            queue.push({ key: call.calledProcess!, version: called.version });
          }
        }
        return found;
      })();
      this.started.set(id, tasks);
    }
    return tasks;
  }

  private reachableFromStart({ key, version }: ProcessVersion): Promise<{ tasks: TaskReached[]; calls: ElementInfo[] }> {
    const id = `${key}@${version}`;
    let reached = this.fromStart.get(id);
    if (!reached) {
      reached = this.library.graph(key, version).then(async (graph) => {
        const start = graph.model.noneStartEventId;
        const elements = start ? [...reachableFrom(graph.graph, [start])] : [];
        const tasks = await Promise.all(elements.map((elementId) => this.taskOf({ key, version }, graph, elementId)));
        return {
          tasks: tasks.filter((task) => task !== undefined),
          calls: elements.map((elementId) => graph.model.elements.get(elementId)).filter((element) => element?.calledProcess !== undefined) as ElementInfo[],
        };
      });
      this.fromStart.set(id, reached);
    }
    return reached;
  }
}
