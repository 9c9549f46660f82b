// The fast path of replay: plays a recorded order through the route models
// (route-model.ts) of the candidate library without bpmn-engine, and gives
// the same route record as the engine sandbox (replay-sandbox.ts) — the same
// completed elements in the same order, the same waits, the same blocks.
// It mirrors the sandbox step for step: the same instances in the same order,
// the same recorded actions matched to waits the same way, the same incidents
// and retries (replay-incidents.ts), the same checks
// (declared completion variables, four eyes), the same output mappings and
// the same FEEL/JUEL conditions (compile-expression.ts), evaluated as
// bpmn-engine evaluates them: exclusive gateways take the first true flow in
// document order, else the default; parallel gateways fork all flows and join
// by counting a token on every incoming flow; a terminate end ends the
// instance. Depth first, as bpmn-engine runs a step. Whatever it cannot
// reproduce for an order (a version with an unsupported construct, a BPMN
// error thrown by a worker, a call that cannot be resolved) it declines, and
// that order replays on bpmn-engine. test/engine/impact/fast-replay.test.ts
// checks it against the engine replay, order by order.
import type { ServerRoles } from '../api.js';
import { isFeel, evaluateFeel, feelBody } from '../feel/feel-expression.js';
import type { ElementInfo } from '../bpmn/process-model.js';
import { childReturnVariables, childStartVariables } from '../runtime/call-variables.js';
import { calledVersion } from '../runtime/called-version.js';
import { jobWrites, messageWrites, userTaskWrites } from '../runtime/completion-variables.js';
import { visibleVariables } from '../runtime/visible-variables.js';
import { messagesReceivedSince, receivedBy } from '../runtime/messages-received-since.js';
import { mapStartVariables, startDeclarationOf } from '../runtime/start-variables.js';
import { reasonOf } from '../runtime/incident-reasons.js';
import { jobTypeOf } from '../runtime/job-type.js';
import { noFlowTakenMessage } from '../runtime/no-flow-taken.js';
import { evaluateInputs } from '../runtime/local-inputs.js';
import { AssignmentRefused, taskAssignment } from '../runtime/task-assignment.js';
import { reachableModels } from '../runtime/tree-models.js';
import type { IncidentReason, InstanceStatus, WaitKind } from '../store/types.js';
import type { CandidateLibrary } from './candidate-library.js';
import { reachable } from '../lint/variable-supply.js';
import { orderBorder } from '../orders/order-border.js';
import { blocked, Blocked, failedStepBlock } from './replay-blocks.js';
import { reachableFrom } from './flow-graph.js';
import { withChangeRequestTimes, type RecordedAction, type RecordedOrder } from './recorded-orders.js';
import { ReplayFourEyes } from './replay-four-eyes.js';
import { StartedVersions } from './started-versions.js';
import {
  incidentsRecorded, notRaised, retriesRecorded, retryVariables, whileOpen, type OpenIncident, type RecordedRetry,
} from './replay-incidents.js';
import type { ReplayBlock } from './impact-report.js';
import type { ReplayedRoute } from './replay-sandbox.js';
import { routeModelOf, type RouteModel, type RouteNode } from './route-model.js';


/** The order needs what only bpmn-engine does: the caller replays it there. */
class Declined extends Error {}

interface Wait {
  /** Unique per wait state entered (a loop back to a catch opens a new one). */
  serial: number;
  node: RouteNode;
  kind: WaitKind;
  candidateGroups?: string[];
  /** Call waits: the child started for it. */
  child?: FastInstance;
  /** Described once (a task's assignment and a job's type are evaluated when the wait opens). */
  described?: true;
}

interface FastInstance {
  /** Tells the order's instances apart (four eyes' distinct deciders are per instance). */
  id: string;
  key: string;
  version: number;
  route: RouteModel;
  status: InstanceStatus;
  variables: Record<string, unknown>;
  waits: Wait[];
  /** Parallel joins: tokens that arrived per incoming flow. */
  joins: Map<string, Map<string, number>>;
  parent?: { instance: FastInstance; wait: Wait };
}

type Step =
  | { type: 'start'; variables: Record<string, unknown>; mappedBy?: string }
  | { type: 'signal'; wait: Wait; variables: Record<string, unknown>; outputsApplied: boolean }
  /** An incident's retry: `variables` set first, then the failed `step` (if any) again, as runInstanceStep unwraps a retry. */
  | { type: 'retry'; variables?: Record<string, unknown>; step?: Exclude<Step, { type: 'retry' }> };

/** An incident open in a run, as the sandbox keeps it (replay-incidents.ts). */
type FastIncident = OpenIncident & ({ job: false; block: ReplayBlock; failed: Queued; rest: Queued[] } | { job: true; instance: FastInstance });

interface Queued {
  instance: FastInstance;
  step: Step;
}

/**
 * Route models of the candidate library, each version's decided once:
 * whether it and every process it calls can be played fast.
 */
export class FastReplay {
  private readonly models = new Map<string, Promise<RouteModel | undefined>>();
  private readonly calls = new Map<string, Promise<{ version: number } | { problem: string }>>();
  private readonly closures = new Map<string, Promise<boolean>>();
  private readonly loops = new Map<string, Promise<boolean>>();
  private inOrders: Promise<Set<string>> | undefined;

  /** `serverRoles`: what the runtime's assignment expressions may not give (StratumOptions.serverRoles). */
  constructor(readonly library: CandidateLibrary, readonly serverRoles?: ServerRoles) {}

  /** The route of `order` as the engine sandbox would record it, or undefined when it must replay on bpmn-engine. */
  async replay(order: RecordedOrder): Promise<ReplayedRoute | undefined> {
    // an open order keeps the versions its instances started on (started-versions.ts), as the sandbox does
    const pins = new StartedVersions(order);
    const version = pins.next(order.processKey) ?? this.library.latestVersion(order.processKey);
    if (version === undefined || !(await this.supports(order.processKey, version))) return undefined;
    // a root outside orders calling what runs inside them meets the order border: the sandbox asks it (call-border.ts)
    if (await this.callsIntoOrders(order.processKey, version)) return undefined;
    if (order.actions.some((action) => action.kind === 'job-error')) return undefined;
    const run = new FastRun(this, pins);
    try {
      await run.start(order, version);
      for (const action of withChangeRequestTimes(order.actions)) {
        if (run.ended()) break;
        await run.apply(action);
      }
      run.finish();
    } catch (error) {
      if (error instanceof Declined) return undefined;
      if (!(error instanceof Blocked)) throw error;
      return { ...(await run.route()), status: 'blocked', block: error.block };
    }
    return run.route();
  }

  /** Whether a version and every version it can call (transitively, by each call's binding) is supported. */
  supports(key: string, version: number): Promise<boolean> {
    const id = `${key}@${version}`;
    let supported = this.closures.get(id);
    if (!supported) {
      supported = this.closureSupported(key, version, new Set());
      this.closures.set(id, supported);
    }
    return supported;
  }

  model(key: string, version: number): Promise<RouteModel | undefined> {
    const id = `${key}@${version}`;
    let model = this.models.get(id);
    if (!model) {
      model = this.library.graph(key, version).then(({ process, model: compiled }) => {
        const result = routeModelOf(process, compiled, version);
        return result.supported ? result.route : undefined;
      });
      this.models.set(id, model);
    }
    return model;
  }

  /** The version a call activity of `caller` starts, resolved as the sandbox resolves it (once per call). */
  called(caller: { key: string; version: number }, info: ElementInfo): Promise<{ version: number } | { problem: string }> {
    const id = `${caller.key}@${caller.version}/${info.id}`;
    let resolved = this.calls.get(id);
    if (!resolved) {
      resolved = calledVersion(this.library.calledVersions(), { key: caller.key, version: caller.version }, info.calledProcess!, info.binding);
      this.calls.set(id, resolved);
    }
    return resolved;
  }

  /** Whether a flow leads from the element back to itself (the same for every order: no variables are read). */
  loopsBack(route: RouteModel, elementId: string): Promise<boolean> {
    const id = `${route.key}@${route.version}/${elementId}`;
    let loops = this.loops.get(id);
    if (!loops) {
      loops = this.library.graph(route.key, route.version).then(({ graph }) => reachableFrom(graph, [elementId]).has(elementId));
      this.loops.set(id, loops);
    }
    return loops;
  }

  /** Whether a root version that does not take orders calls, at any depth, a process running inside orders after the change. */
  private async callsIntoOrders(key: string, version: number): Promise<boolean> {
    if ((await this.library.graph(key, version)).model.takesOrders) return false;
    const calls = this.library.callsAfterChange();
    this.inOrders ??= Promise.all([...calls].map(async ([candidate, called]) => {
      const latest = this.library.latestVersion(candidate);
      return { key: candidate, calls: called, takesOrders: latest !== undefined && (await this.library.graph(candidate, latest)).model.takesOrders };
    })).then((processes) => orderBorder(processes).inOrders);
    const inOrders = await this.inOrders;
    const own = (await this.library.graph(key, version)).model.calls;
    return [...reachable(own, (caller) => calls.get(caller) ?? [])].some((called) => inOrders.has(called));
  }

  private async closureSupported(key: string, version: number, visiting: Set<string>): Promise<boolean> {
    const id = `${key}@${version}`;
    if (visiting.has(id)) return true;
    visiting.add(id);
    const route = await this.model(key, version);
    if (!route) return false;
    for (const node of route.nodes.values()) {
      if (node.waitKind !== 'call') continue;
      const resolved = await this.called(route, node.info);
      if ('problem' in resolved) return false;
      // a call of a process taking orders meets the order border: the sandbox asks it (call-border.ts)
      if ((await this.library.graph(node.info.calledProcess!, resolved.version)).model.takesOrders) return false;
      if (!(await this.closureSupported(node.info.calledProcess!, resolved.version, visiting))) return false;
    }
    return true;
  }
}

/** One order's replay: the sandbox's instances, waits and buffered messages, without engines. */
class FastRun {
  private readonly instances: FastInstance[] = [];
  private readonly completed: string[] = [];
  private readonly unused: ReplayedRoute['unused'] = [];
  private readonly buffered: { name: string; variables: Record<string, unknown>; at: string }[] = [];
  private readonly recordedMessages = new Set<string>();
  private fourEyesRules: ReplayFourEyes | undefined;
  private orderNo = '';
  private root: FastInstance | undefined;
  private serial = 0;
  private instanceCount = 0;
  /** The order's history retries an incident: a failed step is kept for it (the sandbox's `keepStates`). */
  private retries = false;
  /** The order's history retries an incident or cancels one: a failed step leaves an incident open (the sandbox's `opensIncidents`). */
  private opensIncidents = false;
  private incident: FastIncident | undefined;
  private stopped = false;

  constructor(private readonly fast: FastReplay, private readonly pins: StartedVersions) {}

  async start(order: RecordedOrder, version: number): Promise<void> {
    this.fourEyesRules = new ReplayFourEyes(order);
    this.orderNo = order.orderNo;
    this.retries = retriesRecorded(order.actions);
    this.opensIncidents = incidentsRecorded(order.actions);
    const route = (await this.fast.model(order.processKey, version))!;
    const declaration = startDeclarationOf(route.model);
    let variables = order.startVariables;
    if (declaration) {
      const payload = Object.fromEntries(Object.entries(variables).filter(([name]) => declaration.declared.includes(name)));
      try {
        variables = mapStartVariables(route.model, declaration, payload);
      } catch (error) {
        throw blocked(`${order.processKey}/${declaration.startEventId}`, null, 'start-refused', (error as Error).message);
      }
    }
    this.root = this.newInstance(route);
    await this.run([{ instance: this.root, step: { type: 'start', variables, ...(declaration && { mappedBy: declaration.startEventId }) } }]);
  }

  ended(): boolean {
    return this.stopped || (this.root!.status !== 'running' && !this.incident);
  }

  finish(): void {
    if (this.incident && !this.incident.job) throw new Blocked(this.incident.block);
  }

  async apply(action: RecordedAction): Promise<void> {
    if (this.incident) {
      const what = whileOpen(this.incident, action);
      if (what === 'retry') return this.retry(action as RecordedRetry, this.incident);
      if (what === 'stop') return this.stop(this.incident);
    }
    if (action.kind === 'change') return this.fourEyesRules!.changeRequested(action);
    if (action.kind === 'retry') {
      this.unused.push({ kind: action.kind, element: `${action.processKey}/${action.elementId}` });
      return;
    }
    if (action.kind === 'cancel') {
      this.unused.push(...notRaised(action, this.incident));
      this.incident = undefined;
      for (const instance of this.instances) if (instance.status === 'running' || instance.status === 'failed') instance.status = 'cancelled';
      // an order whose start failed is none of the instances yet
      if (!this.instances.includes(this.root!)) this.root!.status = 'cancelled';
      return;
    }
    if (action.kind === 'message') return this.message(action);
    const kind: WaitKind = action.kind === 'task' ? 'task' : action.kind === 'timer' ? 'timer' : 'job';
    const found = this.findWait((instance, wait) => wait.kind === kind && instance.key === action.processKey && wait.node.id === action.elementId);
    if (!found) {
      this.unused.push({ kind: action.kind, element: `${action.processKey}/${action.elementId}` });
      return;
    }
    const { instance, wait } = found;
    const info = wait.node.info;
    switch (action.kind) {
      case 'task': {
        const writes = refusable(instance, info, () => userTaskWrites(info, action.variables));
        if (action.actor) this.fourEyes(instance, wait, action.actor);
        return this.run([{ instance, step: { type: 'signal', wait, variables: writes, outputsApplied: true } }]);
      }
      case 'job': {
        const deciding = Object.keys(action.variables).length ? await this.reachable(this.instances) : [];
        const writes = refusable(instance, info, () => jobWrites(info, deciding, action.variables));
        return this.run([{ instance, step: { type: 'signal', wait, variables: writes, outputsApplied: Boolean(info.outputs?.length) } }]);
      }
      case 'job-failed':
        instance.status = 'failed';
        this.root!.status = 'failed';
        this.incident = { processKey: instance.key, elementId: info.id, job: true, element: `${instance.key}/${info.id}`, name: info.name ?? null, instance };
        return;
      default:
        // timers (no supported version has one) and BPMN errors (declined up front) never get here
        throw new Declined();
    }
  }

  // ---- incidents -------------------------------------------------------------

  /** The sandbox's retry: the job's instance running again (its variables set in a step of their own), or the failed step again. */
  private async retry(action: RecordedRetry, incident: FastIncident): Promise<void> {
    const models = action.variables ? await this.reachable(this.instances) : [];
    const variables = retryVariables(action, incident, models);
    this.incident = undefined;
    if (incident.job) {
      incident.instance.status = 'running';
      this.root!.status = 'running';
      if (variables) await this.run([{ instance: incident.instance, step: { type: 'retry', variables } }], true);
      return;
    }
    const { failed, rest } = incident;
    const step = failed.step.type === 'retry' ? failed.step.step : failed.step;
    await this.run([{ instance: failed.instance, step: { type: 'retry', ...(variables && { variables }), ...(step && { step }) } }, ...rest], true);
  }

  private stop(incident: FastIncident): void {
    if (!incident.job) throw new Blocked(incident.block);
    this.stopped = true;
  }

  async route(): Promise<Omit<ReplayedRoute, 'status'> & { status: InstanceStatus }> {
    const waiting: ReplayedRoute['waiting'] = [];
    for (const instance of this.instances) {
      if (instance.status !== 'running') continue;
      for (const wait of instance.waits) {
        if (wait.kind === 'call') continue;
        const { info } = wait.node;
        const messageName = wait.kind === 'message' ? info.message?.name : undefined;
        waiting.push({
          element: `${instance.key}/${info.id}`, kind: wait.kind, name: info.name ?? null,
          ...(wait.kind === 'task' && { candidateGroups: wait.candidateGroups ?? [] }),
          ...(messageName && { messageName }),
          ...(await this.listening(instance, wait, messageName) && { listening: true as const }),
        });
      }
    }
    return { status: this.root ? this.root.status : 'failed', completed: this.completed, waiting, unused: this.unused };
  }

  // ---- messages -------------------------------------------------------------

  private async listening(instance: FastInstance, wait: Wait, messageName: string | undefined): Promise<boolean> {
    if (wait.kind !== 'message' || !messageName || this.recordedMessages.has(messageName)) return false;
    return this.fast.loopsBack(instance.route, wait.node.id);
  }

  /** The models of these instances' versions and of all they may call on the candidate, each call as it resolves here (tree-models.ts). */
  private reachable(instances: FastInstance[]) {
    const seeds = instances.map((instance) => ({ key: instance.key, version: instance.version }));
    return reachableModels(seeds, (key, version) => this.fast.library.graph(key, version), (caller, call) => this.fast.called(caller, call));
  }

  private async message(action: Extract<RecordedAction, { kind: 'message' }>): Promise<void> {
    this.recordedMessages.add(action.name);
    try {
      // the runtime's rule: a message may reach the order's running instances and what they may call
      const models = await this.reachable(this.instances.filter((instance) => instance.status === 'running'));
      messageWrites(action.variables, action.name, { order: true, models });
    } catch (error) {
      throw blocked(`${action.processKey}/${action.elementId}`, null, 'decision-refused', (error as Error).message);
    }
    const found = this.findWait((_instance, wait) => wait.kind === 'message' && wait.node.info.message?.name === action.name);
    if (!found) {
      this.buffered.push({ name: action.name, variables: action.variables, at: action.receivedAt ?? action.at });
      return;
    }
    await this.run([{ instance: found.instance, step: { type: 'signal', wait: found.wait, variables: action.variables, outputsApplied: false } }]);
  }

  // ---- steps ----------------------------------------------------------------

  /** The sandbox's queue: a step per instance; children start after their caller's step and return to it when they end. */
  private async run(queue: Queued[], retrying = false): Promise<void> {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { instance } = next;
      const before = new Set(instance.waits.map((wait) => wait.serial));
      const kept = {
        status: instance.status, waits: [...instance.waits], variables: { ...instance.variables },
        // a failed step kept for its retry runs again on the joins' tokens as they were
        ...(this.retries && { joins: new Map([...instance.joins].map(([id, arrivals]) => [id, new Map(arrivals)])) }),
      };
      const step = new StepRun(instance, this.completed, () => ++this.serial, this.fast.serverRoles);
      step.run(next.step);
      if (step.failure) {
        // the sandbox keeps an instance as it was before a failed step (a child whose start fails is none of its instances)
        Object.assign(instance, kept);
        const { elementId } = step.failure;
        const info = elementId ? instance.route.nodes.get(elementId)?.info : undefined;
        const block = failedStepBlock(`${instance.key}/${elementId ?? ''}`, info?.name ?? null, step.failure);
        if (retrying || !this.opensIncidents) throw new Blocked(block);
        this.incident = { processKey: instance.key, elementId, job: false, element: block.element, name: info?.name ?? null, block, failed: next, rest: queue };
        return;
      }
      if (!this.instances.includes(instance)) this.instances.push(instance);
      this.endAbandonedCalls(kept.waits, instance.waits);
      const newCalls = instance.waits.filter((wait) => wait.kind === 'call' && !wait.child);
      for (const call of newCalls) queue.push(await this.startChild(instance, call));
      if (instance.status !== 'running' && instance.parent) queue.push(...this.returnToParent(instance));
      if (instance.status === 'running') queue.push(...this.takeBuffered(instance, before));
    }
  }

  /** The sandbox's endAbandonedCalls: a call the step left ends its called instance's tree, its open incident with it. */
  private endAbandonedCalls(before: Wait[], after: Wait[]): void {
    for (const call of before) if (call.kind === 'call' && call.child && !after.includes(call)) this.cancelTree(call.child);
  }

  private cancelTree(instance: FastInstance): void {
    if (instance.status !== 'running' && instance.status !== 'failed') return;
    instance.status = 'cancelled';
    if (this.incident && (this.incident.job ? this.incident.instance : this.incident.failed.instance) === instance) this.incident = undefined;
    for (const wait of instance.waits) if (wait.kind === 'call' && wait.child) this.cancelTree(wait.child);
  }

  private async startChild(parent: FastInstance, call: Wait): Promise<Queued> {
    const { info } = call.node;
    // a call the order made in reality started the version it started (supports() did not look at it: its model decides)
    const pinned = this.pins.next(info.calledProcess!);
    const resolved = pinned === undefined ? await this.fast.called(parent.route, info) : { version: pinned };
    // an unresolvable call fails the caller through bpmn-engine's error handling: left to the engine
    if ('problem' in resolved) throw new Declined();
    const route = await this.fast.model(info.calledProcess!, resolved.version);
    if (!route) throw new Declined();
    const child = this.newInstance(route, { instance: parent, wait: call });
    call.child = child;
    // the caller's variables are the call's scope: no multi-instance or sub-process plays here
    return { instance: child, step: { type: 'start', variables: childStartVariables(info, parent.variables) } };
  }

  private returnToParent(child: FastInstance): Queued[] {
    const { instance: parent, wait } = child.parent!;
    if (parent.status !== 'running') return [];
    // a call no longer waiting, or a child that did not end well: the engine fails the caller its own way
    if (!parent.waits.includes(wait) || (child.status !== 'completed' && child.status !== 'rejected')) throw new Declined();
    const returned = childReturnVariables(wait.node.info, child.variables);
    return [{ instance: parent, step: { type: 'signal', wait, variables: returned.variables, outputsApplied: Boolean(returned.outputsApplied) } }];
  }

  private takeBuffered(instance: FastInstance, before: Set<number>): Queued[] {
    for (const wait of instance.waits) {
      if (wait.kind !== 'message' || before.has(wait.serial)) continue;
      // as the runtime's buffer: a catch may take only messages received since an instant (messages-received-since.ts)
      const since = messagesReceivedSince(wait.node.info, instance.variables);
      if (!since.ok) continue;
      const index = this.buffered.findIndex((message) => message.name === wait.node.info.message?.name && receivedBy(message.at, since.since));
      if (index < 0) continue;
      const [message] = this.buffered.splice(index, 1);
      return [{ instance, step: { type: 'signal', wait, variables: message.variables, outputsApplied: false } }];
    }
    return [];
  }

  // ---- helpers --------------------------------------------------------------

  private newInstance(route: RouteModel, parent?: FastInstance['parent']): FastInstance {
    // listed (as the sandbox lists it) once its first step succeeds
    return { id: `fast-${++this.instanceCount}`, key: route.key, version: route.version, route, status: 'running', variables: {}, waits: [], joins: new Map(), ...(parent && { parent }) };
  }

  private findWait(matches: (instance: FastInstance, wait: Wait) => boolean): { instance: FastInstance; wait: Wait } | undefined {
    for (const instance of this.instances) {
      if (instance.status !== 'running') continue;
      const wait = instance.waits.find((candidate) => matches(instance, candidate));
      if (wait) return { instance, wait };
    }
    return undefined;
  }

  /** The sandbox's four eyes: separated tasks, then distinct deciders (judged on the instance as the sandbox would hold it). */
  private fourEyes(instance: FastInstance, wait: Wait, actor: string) {
    const { info } = wait.node;
    // every instance of the order carries its order number, as the sandbox's do
    const judged = { id: instance.id, processKey: instance.key, version: instance.version, businessKey: this.orderNo, rootId: this.root!.id, variables: instance.variables };
    // multi-instance versions replay on bpmn-engine (route-model.ts), so no task here has iterations
    const task = { id: `${instance.id}:${wait.serial}`, elementId: info.id, name: info.name ?? info.id };
    const refusal = this.fourEyesRules!.refusal(judged, instance.route.model, task, actor);
    if (refusal) throw new Blocked({ element: `${instance.key}/${info.id}`, name: info.name ?? null, reason: 'four-eyes', ...refusal });
  }
}

/**
 * One step of one instance, as runInstanceStep runs it on bpmn-engine: the
 * action, then every element reached, depth first, to the next wait states
 * or the end; then the waits described as the runtime describes them.
 */
class StepRun {
  failure: { elementId: string | null; message: string; reason?: IncidentReason } | undefined;
  /** A condition failed: bpmn-engine stops the instance there. */
  private stopped = false;
  private terminated = false;
  private outcome: string | undefined;

  constructor(
    private readonly instance: FastInstance,
    private readonly completed: string[],
    private readonly nextSerial: () => number,
    private readonly serverRoles: ServerRoles | undefined,
  ) {}

  run(given: Step): void {
    const { instance } = this;
    const retryVariables = given.type === 'retry' ? given.variables : undefined;
    const step = given.type === 'retry' ? given.step : given;
    if (step?.type === 'start') {
      instance.variables = { ...step.variables, ...retryVariables };
      this.enter(instance.route.nodes.get(instance.route.startId)!, step.mappedBy);
    } else {
      if (retryVariables) Object.assign(instance.variables, retryVariables);
      if (step) {
        instance.waits = instance.waits.filter((wait) => wait !== step.wait);
        Object.assign(instance.variables, step.variables);
        this.complete(step.wait.node, step.outputsApplied ? step.wait.node.id : undefined);
      }
    }
    if (this.failure) {
      instance.status = 'failed';
      return;
    }
    const joinsPending = [...instance.joins.values()].some((arrivals) => [...arrivals.values()].some((count) => count > 0));
    if (this.terminated || (instance.waits.length === 0 && !joinsPending)) {
      instance.status = this.outcome === 'rejected' ? 'rejected' : 'completed';
      instance.waits = [];
      return;
    }
    this.describeWaits();
  }

  /** A token reaches `node`. */
  private enter(node: RouteNode, mappedBy?: string): void {
    if (this.stopped || this.terminated) return;
    switch (node.kind) {
      case 'wait': {
        const wait: Wait = { serial: this.nextSerial(), node, kind: node.waitKind! };
        this.instance.waits.push(wait);
        return;
      }
      case 'parallel':
        if (node.incoming.length > 1) return; // joins count their tokens in `take`
        return this.complete(node, mappedBy);
      case 'exclusive':
        return this.exclusive(node);
      default:
        return this.complete(node, mappedBy);
    }
  }

  /** `node` completes: its outputs, its history entry, then its outgoing flows. */
  private complete(node: RouteNode, mappedAlready?: string): void {
    const { info } = node;
    if (info.outputs && mappedAlready !== node.id) this.applyOutputs(info);
    if (node.kind === 'end' && info.outcome) this.outcome = info.outcome;
    this.completed.push(`${this.instance.key}/${node.id}`);
    if (node.terminate) {
      this.terminated = true;
      this.instance.waits = [];
      return;
    }
    for (const flow of node.outgoing) this.take(flow.target, flow.id);
  }

  private take(targetId: string, flowId: string): void {
    if (this.stopped || this.terminated) return;
    const target = this.instance.route.nodes.get(targetId)!;
    if (target.kind === 'parallel' && target.incoming.length > 1) {
      const arrivals = this.instance.joins.get(target.id) ?? new Map<string, number>();
      this.instance.joins.set(target.id, arrivals);
      arrivals.set(flowId, (arrivals.get(flowId) ?? 0) + 1);
      if (target.incoming.every((incoming) => (arrivals.get(incoming) ?? 0) > 0)) {
        for (const incoming of target.incoming) arrivals.set(incoming, arrivals.get(incoming)! - 1);
        this.complete(target);
      }
      return;
    }
    this.enter(target);
  }

  /** The first outgoing flow whose condition holds, in bpmn-engine's order, else the default. */
  private exclusive(node: RouteNode): void {
    const variables = visibleVariables(this.instance.variables);
    for (const flow of node.outgoing) {
      let taken = true;
      if (flow.condition) {
        try {
          taken = flow.condition.test(variables);
        } catch (error) {
          this.fail(node.id, `condition of sequence flow ${flow.id}: ${(error as Error).message}`, { kind: 'condition-failed', flowId: flow.id });
          this.stopped = true;
          return;
        }
      }
      if (taken) {
        this.completeGateway(node, flow.target, flow.id);
        return;
      }
    }
    this.fail(node.id, noFlowTakenMessage(node.id), { kind: 'no-flow-taken', elementId: node.id });
    this.stopped = true;
  }

  private completeGateway(node: RouteNode, target: string, flowId: string): void {
    if (node.info.outputs) this.applyOutputs(node.info);
    this.completed.push(`${this.instance.key}/${node.id}`);
    this.take(target, flowId);
  }

  /** zeebe:ioMapping outputs over the process variables, as applyOutputs in instance-step.ts. */
  private applyOutputs(info: ElementInfo): void {
    for (const { source, target } of info.outputs ?? []) {
      try {
        this.instance.variables[target] = isFeel(source) ? evaluateFeel(feelBody(source), visibleVariables(this.instance.variables)) : source;
      } catch (error) {
        this.fail(info.id, `output mapping ${target} of ${info.id}: ${(error as Error).message}`, { kind: 'io-mapping-failed', direction: 'output', target });
      }
    }
  }

  private fail(elementId: string, message: string, reason?: IncidentReason): void {
    this.failure ??= { elementId, message, ...(reason && { reason }) };
  }

  /** What describeWaits in instance-step.ts evaluates for each wait; what it refuses fails the step. */
  private describeWaits(): void {
    const variables = visibleVariables(this.instance.variables);
    for (const wait of this.instance.waits) {
      const { info } = wait.node;
      try {
        if (wait.kind === 'message' && info.message?.correlationKey) expressionText(info.message.correlationKey, variables);
      } catch (error) {
        return this.describeFailure(info.id, `correlation key of message ${info.message!.name} at ${info.id}: ${(error as Error).message}`,
          { kind: 'correlation-key-failed', messageName: info.message!.name });
      }
      const opened = !wait.described;
      wait.described = true;
      if (wait.kind === 'task' && opened) {
        try {
          wait.candidateGroups = taskAssignment(info, variables, this.serverRoles).candidateGroups;
        } catch (error) {
          return this.describeFailure(info.id, `task ${info.id}: ${(error as Error).message}`, error instanceof AssignmentRefused ? error.reason : undefined);
        }
      }
      if (wait.kind === 'job') {
        try {
          if (opened && info.jobType) jobTypeOf(info.jobType, variables);
          evaluateInputs(info, variables);
        } catch (error) {
          return this.describeFailure(info.id, `job of ${info.id}: ${(error as Error).message}`, reasonOf(error));
        }
      }
    }
  }

  private describeFailure(elementId: string, message: string, reason?: IncidentReason): void {
    this.failure = { elementId, message, ...(reason && { reason }) };
    this.instance.status = 'failed';
  }
}

/** A `=FEEL` attribute evaluated to text, or a plain attribute as it is (expressionText in instance-step.ts). */
function expressionText(expression: string, variables: Record<string, unknown>): void {
  if (isFeel(expression)) evaluateFeel(feelBody(expression), variables);
}

/** A recorded completion the candidate's declarations refuse: the order blocks there. */
function refusable<T>(instance: FastInstance, info: ElementInfo, writes: () => T): T {
  try {
    return writes();
  } catch (error) {
    throw blocked(`${instance.key}/${info.id}`, info.name ?? null, 'decision-refused', (error as Error).message);
  }
}
