// Replays one recorded order on the candidate library, entirely in memory:
// instances, waits and buffered messages live in this object and die with it.
// Every step is `runInstanceStep`, the runtime's own step, so conditions,
// declared outputs, call activities and business rule tasks (on the decisions
// after the change) behave as they will after deploying;
// the recorded actions are handed in through the same checks the runtime
// applies (declared completion variables, four eyes), and a recorded incident
// retry or cancel runs as the runtime ran it (replay-incidents.ts). Nothing is stored and
// nothing is sent: a job is "done" by its recorded result, never published.
import { randomUUID } from 'node:crypto';
import type { ServerRoles } from '../api.js';
import type { ElementInfo, ProcessModel } from '../bpmn/process-model.js';
import type { InstanceRow, InstanceStatus, WaitKind, WaitRow } from '../store/types.js';
import { childReturnVariables, childStartVariables } from '../runtime/call-variables.js';
import { MAX_CALL_DEPTH, tooDeepRefusal } from '../runtime/call-activities.js';
import { calledVersion } from '../runtime/called-version.js';
import { callerCatching } from '../runtime/called-error.js';
import { errorCatchOf } from '../runtime/error-catch.js';
import { callBorderRefusal, type CallBorderView } from '../orders/call-border.js';
import { jobWrites, messageWrites, userTaskWrites } from '../runtime/completion-variables.js';
import { waitInputs } from '../runtime/local-inputs.js';
import type { LiveEngine } from '../runtime/engine-adapter.js';
import { runInstanceStep, type StepAction } from '../runtime/instance-step.js';
import { messagesReceivedSince, receivedBy } from '../runtime/messages-received-since.js';
import { enclosingIterationsOf, liveScopes, stateScopes } from '../runtime/enclosing-iteration.js';
import { separatedTaskOf } from '../runtime/four-eyes.js';
import { mapStartVariables, startDeclarationOf } from '../runtime/start-variables.js';
import { reachableModels } from '../runtime/tree-models.js';
import type { CandidateLibrary } from './candidate-library.js';
import { reachableFrom } from './flow-graph.js';
import { blocked, Blocked, failedStepBlock } from './replay-blocks.js';
import type { ReplayBlock } from './impact-report.js';
import { withChangeRequestTimes, type RecordedAction, type RecordedOrder } from './recorded-orders.js';
import { ReplayFourEyes } from './replay-four-eyes.js';
import { StartedVersions } from './started-versions.js';
import {
  incidentsRecorded, notRaised, retriesRecorded, retryVariables, whileOpen, type OpenIncident, type RecordedRetry,
} from './replay-incidents.js';

export interface ReplayedRoute {
  status: InstanceStatus | 'blocked';
  /** Why the order cannot go on: a recorded action the candidate refuses, or a step that fails. */
  block?: ReplayBlock;
  /** `processKey/elementId` of every element completed in the sandbox, in order. */
  completed: string[];
  /** What the order would wait for at the end of its recorded actions. */
  waiting: {
    element: string; kind: WaitKind; name: string | null; candidateGroups?: string[]; messageName?: string;
    /**
     * A message catch the flow returns to after handling (a loop such as the order-change loop), for a
     * message no recorded action carried: it stands beside the route and never fired (route-comparison.ts).
     */
    listening?: true;
  }[];
  /** Recorded actions that found nothing waiting for them on the candidate (the route no longer passes there). */
  unused: { kind: RecordedAction['kind']; element: string }[];
}

interface Queued {
  instance: InstanceRow;
  waits: WaitRow[];
  isNew: boolean;
  action: StepAction;
  at: string;
  actor: string | null;
}


/** `serverRoles`: what the runtime's assignment expressions may not give (StratumOptions.serverRoles), so the replay raises the same incidents. */
export async function replayOrder(library: CandidateLibrary, order: RecordedOrder, serverRoles?: ServerRoles): Promise<ReplayedRoute> {
  const sandbox = new ReplaySandbox(library, serverRoles);
  try {
    await sandbox.start(order);
    for (const action of withChangeRequestTimes(order.actions)) {
      if (sandbox.ended()) break;
      await sandbox.apply(action);
    }
    sandbox.finish();
  } catch (error) {
    if (!(error instanceof Blocked)) throw error;
    return { ...(await sandbox.route()), status: 'blocked', block: error.block };
  }
  return sandbox.route();
}

/**
 * An incident open in the sandbox (replay-incidents.ts): a failed step with the step as queued (its instance and
 * waits as they were before it) and the steps queued after it, or a job out of retries in an instance.
 */
type SandboxIncident = OpenIncident & ({ job: false; block: ReplayBlock; failed: Queued; rest: Queued[] } | { job: true; instanceId: string });

/** An instance of the sandbox: its row, what it waits for, and the engine standing on it (kept live for the whole order, never serialised). */
interface SandboxInstance {
  row: InstanceRow;
  waits: WaitRow[];
  engine?: LiveEngine;
}

class ReplaySandbox {
  private readonly instances = new Map<string, SandboxInstance>();
  private readonly completed: string[] = [];
  private readonly unused: ReplayedRoute['unused'] = [];
  private readonly buffered: { name: string; variables: Record<string, unknown>; at: string }[] = [];
  /** Names of the recorded messages (delivered or kept). */
  private readonly recordedMessages = new Set<string>();
  private fourEyesRules: ReplayFourEyes | undefined;
  private root: InstanceRow | undefined;
  /** The order's history retries an incident: steps keep their engine state, which a failed step's retry recovers. */
  private keepStates = false;
  /** The order's history retries an incident or cancels one: a failed step leaves an incident open rather than blocking at once. */
  private opensIncidents = false;
  private incident: SandboxIncident | undefined;
  /** The order went on in reality past a failed job the replay cannot retry. */
  private stopped = false;
  /** An open order's instances keep the versions they started on; later starts resolve through the library. */
  private pins = new StartedVersions({});

  constructor(private readonly library: CandidateLibrary, private readonly serverRoles: ServerRoles | undefined) {}

  async start(order: RecordedOrder): Promise<void> {
    this.fourEyesRules = new ReplayFourEyes(order);
    this.keepStates = retriesRecorded(order.actions);
    this.opensIncidents = incidentsRecorded(order.actions);
    this.pins = new StartedVersions(order);
    const version = this.pins.next(order.processKey) ?? this.library.latestVersion(order.processKey);
    if (version === undefined) throw blocked(order.processKey, null, 'start-refused', `${order.processKey} is not in the library`);
    const { model } = await this.library.definition(order.processKey, version);
    const declaration = startDeclarationOf(model);
    let variables = order.startVariables;
    if (declaration) {
      // Order entry hands the order process exactly what its start event declares.
      const payload = Object.fromEntries(Object.entries(variables).filter(([name]) => declaration.declared.includes(name)));
      try {
        variables = mapStartVariables(model, declaration, payload);
      } catch (error) {
        throw blocked(`${order.processKey}/${declaration.startEventId}`, null, 'start-refused', (error as Error).message);
      }
    }
    this.root = newInstance(order.processKey, version, order.orderNo, null, order.startedAt);
    await this.run([{
      instance: this.root, waits: [], isNew: true, at: order.startedAt, actor: null,
      action: { type: 'start', variables, ...(declaration && { mappedBy: declaration.startEventId }) },
    }]);
  }

  ended(): boolean {
    return this.stopped || (this.current(this.root!).status !== 'running' && !this.incident);
  }

  /** After the last recorded action: a failed step nothing retried blocks the order. */
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
      // the incident it retried is not raised here (the element is gone, or now succeeds)
      this.unused.push({ kind: action.kind, element: `${action.processKey}/${action.elementId}` });
      return;
    }
    if (action.kind === 'cancel') {
      // as the runtime's cancel: the running and failed instances end cancelled, the open incident closes
      this.unused.push(...notRaised(action, this.incident));
      this.incident = undefined;
      for (const entry of this.instances.values()) {
        if (entry.row.status === 'running' || entry.row.status === 'failed') entry.row = { ...entry.row, status: 'cancelled' };
      }
      // an order whose start failed is none of the instances yet
      if (!this.instances.has(this.root!.id)) this.root = { ...this.root!, status: 'cancelled' };
      return;
    }
    if (action.kind === 'message') return this.message(action);
    const kind: WaitKind = action.kind === 'task' ? 'task' : action.kind === 'timer' ? 'timer' : 'job';
    const found = this.findWait((instance, wait) => wait.kind === kind && instance.processKey === action.processKey && wait.elementId === action.elementId);
    if (!found) {
      this.unused.push({ kind: action.kind, element: `${action.processKey}/${action.elementId}` });
      return;
    }
    const { instance, wait } = found;
    const { model } = await this.library.definition(instance.processKey, instance.version);
    const info = model.elements.get(wait.elementId)!;
    const base = { elementId: wait.elementId, executionId: wait.executionId };
    const step = (stepAction: StepAction, actor: string | null = null) =>
      this.run([{ instance, waits: this.instances.get(instance.id)!.waits, isNew: false, at: action.at, actor, action: stepAction }]);
    switch (action.kind) {
      case 'task': {
        const writes = this.refusable(instance, info, () => userTaskWrites(info, action.variables, waitInputs(info, wait.variables)));
        if (action.actor) await this.fourEyes(instance, model, info, wait, action.actor);
        return step({ type: 'signal', ...base, variables: writes, outputsApplied: true }, action.actor);
      }
      case 'job': {
        const deciding = Object.keys(action.variables).length ? await this.reachable([...this.instances.values()].map(({ row }) => row)) : [];
        const writes = this.refusable(instance, info, () => jobWrites(info, deciding, action.variables, waitInputs(info, wait.variables)));
        return step({ type: 'signal', ...base, variables: writes, outputsApplied: Boolean(info.outputs?.length) });
      }
      case 'job-error': {
        const error = { code: action.errorCode, message: action.message || `BPMN error ${action.errorCode}`, variables: action.variables };
        // uncaught in its own process, the error goes to the call activity of a caller that catches it, as the runtime's (called-error.ts)
        const up = errorCatchOf((await this.library.definition(instance.processKey, instance.version)).sourceContext, wait.elementId, action.errorCode) || !instance.parentId
          ? undefined : await callerCatching(instance, action.errorCode, (id) => Promise.resolve(this.instances.get(id)?.row), (key, version) => this.library.definition(key, version));
        if (up) {
          return this.run([{ instance: up.caller, waits: this.instances.get(up.caller.id)!.waits, isNew: false, at: action.at, actor: null,
            action: { type: 'throw', elementId: up.elementId, executionId: up.executionId, ...error } }]);
        }
        return step({ type: 'throw', ...base, ...error });
      }
      case 'job-failed':
        // The worker gave up in reality too: the order fails here as it did, until a recorded retry.
        this.instances.get(instance.id)!.row = { ...instance, status: 'failed', incident: { elementId: wait.elementId, message: action.message } };
        this.markFailed();
        this.incident = {
          processKey: instance.processKey, elementId: wait.elementId, job: true,
          element: `${instance.processKey}/${wait.elementId}`, name: info.name ?? null, instanceId: instance.id,
        };
        return;
      case 'timer':
        return step({ type: 'timer', ...base });
    }
  }

  // ---- incidents -------------------------------------------------------------

  /**
   * The runtime's retry (incidents.ts): the retry's variables checked; a job's instance running again with the job
   * handed out again (the variables set on it in a step of their own), or the failed step run again on the state
   * before it with the variables set first. A retry the candidate fails again would be refused: the order blocks.
   */
  private async retry(action: RecordedRetry, incident: SandboxIncident): Promise<void> {
    const models = action.variables ? await this.reachable([...this.instances.values()].map(({ row }) => row)) : [];
    const variables = retryVariables(action, incident, models);
    this.incident = undefined;
    const { at, actor } = action;
    if (incident.job) {
      const entry = this.instances.get(incident.instanceId)!;
      entry.row = { ...entry.row, status: 'running', incident: null };
      const root = this.instances.get(this.root!.id)!;
      root.row = { ...root.row, status: 'running' };
      if (variables) await this.run([{ instance: entry.row, waits: entry.waits, isNew: false, at, actor, action: { type: 'retry', variables } }], true);
      return;
    }
    const { failed, rest } = incident;
    // the candidate library does not change during a replay: a call it could not start cannot start on a retry either
    if (failed.action.type === 'call-refused') throw new Blocked(incident.block);
    await this.run([{ ...failed, at, actor, action: { type: 'retry', action: failed.action, ...(variables && { variables }) } }, ...rest], true);
  }

  /** The order went on in reality while the replay has an incident open: a failed step blocks it, a failed job leaves it failed. */
  private stop(incident: SandboxIncident): void {
    if (!incident.job) throw new Blocked(incident.block);
    this.stopped = true;
  }

  async route(): Promise<Omit<ReplayedRoute, 'status'> & { status: InstanceStatus }> {
    const waiting: ReplayedRoute['waiting'] = [];
    for (const { row, waits } of this.instances.values()) {
      if (row.status !== 'running') continue;
      for (const wait of waits) {
        if (wait.kind === 'call') continue;
        waiting.push({
          element: `${row.processKey}/${wait.elementId}`, kind: wait.kind, name: wait.name,
          ...(wait.kind === 'task' && { candidateGroups: wait.candidateGroups ?? [] }),
          ...(wait.messageName && { messageName: wait.messageName }),
          ...(await this.listening(row, wait) && { listening: true as const }),
        });
      }
    }
    return { status: this.root ? this.current(this.root).status : 'failed', completed: this.completed, waiting, unused: this.unused };
  }

  // ---- messages -------------------------------------------------------------

  /** A message catch on a loop back to itself, for a message nothing recorded sent. */
  private async listening(row: InstanceRow, wait: WaitRow): Promise<boolean> {
    if (wait.kind !== 'message' || !wait.messageName || this.recordedMessages.has(wait.messageName)) return false;
    const { graph } = await this.library.graph(row.processKey, row.version);
    return reachableFrom(graph, [wait.elementId]).has(wait.elementId);
  }

  private async message(action: Extract<RecordedAction, { kind: 'message' }>): Promise<void> {
    this.recordedMessages.add(action.name);
    // the runtime's rule: a message may reach the order's running instances and what they may call
    const running = [...this.instances.values()].filter(({ row }) => row.status === 'running').map(({ row }) => row);
    const models = await this.reachable(running);
    try {
      messageWrites(action.variables, action.name, { order: true, models });
    } catch (error) {
      throw blocked(`${action.processKey}/${action.elementId}`, null, 'decision-refused', (error as Error).message);
    }
    const found = this.findWait((_instance, wait) => wait.kind === 'message' && wait.messageName === action.name);
    if (!found) {
      // Kept like a buffered message: a catch the candidate reaches later takes it.
      this.buffered.push({ name: action.name, variables: action.variables, at: action.receivedAt ?? action.at });
      return;
    }
    await this.deliver(found.instance, found.wait, action.variables, action.at);
  }

  /** The models of these instances' versions and of all they may call on the candidate, each call as startChild resolves it (tree-models.ts). */
  private reachable(instances: InstanceRow[]) {
    const seeds = instances.map((row) => ({ key: row.processKey, version: row.version }));
    const called = this.library.calledVersions();
    return reachableModels(seeds, (key, version) => this.library.graph(key, version),
      (caller, call) => calledVersion(called, caller, call.calledProcess!, call.binding));
  }

  private deliver(instance: InstanceRow, wait: WaitRow, variables: Record<string, unknown>, at: string): Promise<void> {
    return this.run([{
      instance, waits: this.instances.get(instance.id)!.waits, isNew: false, at, actor: null,
      action: { type: 'message', messageId: wait.messageId ?? wait.elementId, elementId: wait.elementId, executionId: wait.executionId, variables },
    }]);
  }

  // ---- steps ----------------------------------------------------------------

  /**
   * Runs steps like the runtime's queue: children start at the version their call's binding resolves after the change (or, in an
   * open order, the one its call started in reality: started-versions.ts) and return to their callers.
   * A step that fails leaves an incident open for a recorded retry or cancel (`opensIncidents`), else blocks the order; so does one of a
   * retry (`retrying`: the runtime refuses a retry that fails again).
   */
  private async run(queue: Queued[], retrying = false): Promise<void> {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { instance, action, at } = next;
      const definition = await this.library.definition(instance.processKey, instance.version);
      // The engine that ran this instance's last step stands exactly where it waits: no recover, and no state to serialise.
      // A retry recovers the state it retries from (the engine of a failed step has moved on).
      const warm = next.isNew || action.type === 'retry' ? undefined : this.instances.get(instance.id)?.engine;
      // business rule tasks evaluate the decisions after the change, as the runtime hands a step the deployed ones
      const decisions = await this.library.decisions.forStep(definition, (key, version) => this.library.calledVersions().deploymentOf(key, version));
      const result = await runInstanceStep({
        definition, instance, previousWaits: next.waits, now: new Date(at), actor: next.actor, action, stateless: !this.keepStates, ...(warm && { warm }),
        ...(this.serverRoles && { serverRoles: this.serverRoles }), ...(decisions && { decisions }),
      });
      for (const row of result.history) {
        if (row.event === 'element.completed' && row.elementId) this.completed.push(`${instance.processKey}/${row.elementId}`);
      }
      // an error end event's error its process does not catch goes to the nearest caller that catches it, as the
      // runtime's (uncaught-error-end.ts); the called instance ends with the call that caller leaves
      const up = result.uncaught && instance.parentId
        ? await callerCatching(instance, result.uncaught.code, (id) => Promise.resolve(this.instances.get(id)?.row), (key, version) => this.library.definition(key, version))
        : undefined;
      if (up) {
        // still running on what it waits for, until the caller's step leaves the call and ends its tree (endAbandonedCalls)
        this.instances.set(instance.id, { row: { ...instance, status: 'running', state: null, variables: result.variables, incident: null }, waits: result.uncaught!.waits });
        const { code, message } = result.uncaught!;
        queue.push({ instance: up.caller, waits: this.instances.get(up.caller.id)!.waits, isNew: false, at, actor: null,
          action: { type: 'throw', elementId: up.elementId, executionId: up.executionId, code, message } });
        continue;
      }
      if (result.status === 'failed') {
        const element = result.incident?.elementId ?? null;
        const name = element ? definition.model.elements.get(element)?.name ?? null : null;
        const block = failedStepBlock(`${instance.processKey}/${element ?? ''}`, name, result.incident ?? { message: 'the step fails' });
        if (retrying || !this.opensIncidents) throw new Blocked(block);
        // the instance stays as it was before the step, as the runtime's incident keeps it for a retry
        this.incident = { processKey: instance.processKey, elementId: element, job: false, element: block.element, name, block, failed: next, rest: queue };
        return;
      }
      const newCalls = result.waits.filter((wait) => wait.kind === 'call' && !wait.childInstanceId);
      for (const call of newCalls) call.childInstanceId = randomUUID();
      const updated: InstanceRow = { ...instance, status: result.status, state: result.state, variables: result.variables, incident: result.incident };
      this.instances.set(instance.id, { row: updated, waits: result.waits, ...(result.engine && { engine: result.engine }) });
      this.endAbandonedCalls(next.waits, result.waits);
      for (const call of newCalls) queue.push(await this.startChild(updated, call, definition.model.elements.get(call.elementId), at));
      if (result.status !== 'running' && updated.parentId) queue.push(...(await this.returnToParent(updated, at)));
      if (result.status === 'running') queue.push(...this.takeBuffered(updated, definition.model, next.waits, result.waits, at));
    }
  }

  private async startChild(parent: InstanceRow, call: WaitRow, info: ElementInfo | undefined, at: string): Promise<Queued> {
    const calledKey = info?.calledProcess;
    // a call the order made in reality started the version it started; one not made yet resolves by its binding
    const pinned = calledKey ? this.pins.next(calledKey) : undefined;
    const resolved = calledKey && pinned === undefined
      ? await calledVersion(this.library.calledVersions(), { key: parent.processKey, version: parent.version }, calledKey, info?.binding)
      : undefined;
    const version = pinned ?? (resolved && 'version' in resolved ? resolved.version : undefined);
    if (!calledKey || version === undefined) {
      const message = `call activity ${call.elementId} calls ${resolved && 'problem' in resolved ? resolved.problem : 'no process'}`;
      return { instance: parent, waits: this.instances.get(parent.id)!.waits, isNew: false, at, actor: null,
        action: {
          type: 'call-refused', elementId: call.elementId, executionId: call.executionId, message,
          ...(calledKey && { reason: { kind: 'called-element-failed', calledElement: calledKey } }),
        } };
    }
    // calls nest as deep as the runtime lets them (call-activities.ts): a candidate calling itself ends the replay there
    const tooDeep = tooDeepRefusal(call, calledKey, this.callDepthOf(parent) + 1);
    if (tooDeep) return { instance: parent, waits: this.instances.get(parent.id)!.waits, isNew: false, at, actor: null, action: tooDeep };
    // The order border as the runtime holds it (call-activities.ts): deployment refuses a library that crosses it
    // (order-entry-only), but a caller deployed before that check only warns, and its orders fail at that call.
    const refused = await callBorderRefusal(this.borderView(), parent, call.elementId, { key: calledKey, version }, (key, at) => this.library.definition(key, at));
    if (refused) {
      return { instance: parent, waits: this.instances.get(parent.id)!.waits, isNew: false, at, actor: null,
        action: { type: 'call-refused', elementId: call.elementId, executionId: call.executionId, ...refused } };
    }
    const child = newInstance(calledKey, version, parent.businessKey, parent, at);
    child.id = call.childInstanceId!;
    child.parentElementId = call.elementId;
    child.parentExecutionId = call.executionId;
    // from the call's scope, as the runtime starts it (call-activities.ts): an iteration's element and loopCounter too
    const variables = childStartVariables(info, call.variables ?? parent.variables);
    return { instance: child, waits: [], isNew: true, at, actor: null, action: { type: 'start', variables } };
  }

  /** How many calls deep `instance` runs, read up its callers among the sandbox's instances. */
  private callDepthOf(instance: InstanceRow): number {
    let depth = 0;
    for (let current: InstanceRow | undefined = instance; current?.parentId && depth <= MAX_CALL_DEPTH; current = this.instances.get(current.parentId)?.row) depth++;
    return depth;
  }

  /** What the order border reads of the store, from the sandbox: its instances, and the latest versions after the change. */
  private borderView(): CallBorderView {
    return {
      getInstance: (id) => Promise.resolve(this.instances.get(id)?.row),
      latestCalls: () => Promise.resolve([...this.library.callsAfterChange()].map(([key, calls]) => ({ key, version: this.library.latestVersion(key)!, calls }))),
    };
  }

  /** As the runtime returns a child (call-activities.ts): all its variables, or only the call's outputs. */
  private async returnToParent(child: InstanceRow, at: string): Promise<Queued[]> {
    const parent = this.instances.get(child.parentId!);
    if (!parent || parent.row.status !== 'running' || !child.parentElementId || !child.parentExecutionId) return [];
    const base = { elementId: child.parentElementId, executionId: child.parentExecutionId };
    const call = (await this.library.definition(parent.row.processKey, parent.row.version)).model.elements.get(child.parentElementId);
    const action: StepAction = child.status === 'completed' || child.status === 'rejected'
      ? { type: 'signal', ...base, ...childReturnVariables(call, child.variables) }
      : { type: 'throw', ...base, message: `called process ${child.processKey} was ${child.status}` };
    return [{ instance: parent.row, waits: parent.waits, isNew: false, at, actor: null, action }];
  }

  /** Messages recorded before the candidate opened their catch are delivered when it does. */
  private takeBuffered(instance: InstanceRow, model: ProcessModel, before: WaitRow[], waits: WaitRow[], at: string): Queued[] {
    const known = new Set(before.map((wait) => wait.id));
    for (const wait of waits) {
      if (wait.kind !== 'message' || known.has(wait.id)) continue;
      // as the runtime's buffer: a catch may take only messages received since an instant (messages-received-since.ts)
      const since = messagesReceivedSince(model.elements.get(wait.elementId), instance.variables);
      if (!since.ok) continue;
      const index = this.buffered.findIndex((message) => message.name === wait.messageName && receivedBy(message.at, since.since));
      if (index < 0) continue;
      const [message] = this.buffered.splice(index, 1);
      return [{
        instance, waits, isNew: false, at, actor: null,
        action: { type: 'message', messageId: wait.messageId ?? wait.elementId, elementId: wait.elementId, executionId: wait.executionId, variables: message.variables },
      }];
    }
    return [];
  }

  // ---- helpers --------------------------------------------------------------

  /**
   * Ends the call trees of the calls a step left (waiting `before` it, gone `after` it) whose called instance still runs
   * or has failed, as the runtime's abandoned-calls.ts: a caller that ended, or left a call by a boundary event or an
   * event sub-process, ends what it had called. Left running, an order rejected while a special change was open went on
   * waiting at the change's acknowledgements in the replay, and a message could still reach them.
   */
  private endAbandonedCalls(before: WaitRow[], after: WaitRow[]): void {
    const kept = new Set(after.map((wait) => wait.id));
    for (const call of before) {
      if (call.kind === 'call' && call.childInstanceId && !kept.has(call.id)) this.cancelTree(call.childInstanceId);
    }
  }

  private cancelTree(instanceId: string): void {
    const entry = this.instances.get(instanceId);
    if (!entry || (entry.row.status !== 'running' && entry.row.status !== 'failed')) return;
    entry.row = { ...entry.row, status: 'cancelled' };
    delete entry.engine;
    // its open incident closes with it, as the runtime's cancel closes it
    if (this.incident && (this.incident.job ? this.incident.instanceId : this.incident.failed.instance.id) === instanceId) this.incident = undefined;
    for (const wait of entry.waits) if (wait.kind === 'call' && wait.childInstanceId) this.cancelTree(wait.childInstanceId);
  }

  private findWait(matches: (instance: InstanceRow, wait: WaitRow) => boolean): { instance: InstanceRow; wait: WaitRow } | undefined {
    for (const { row, waits } of this.instances.values()) {
      if (row.status !== 'running') continue;
      const wait = waits.find((candidate) => matches(row, candidate));
      if (wait) return { instance: row, wait };
    }
    return undefined;
  }

  private current(row: InstanceRow): InstanceRow {
    return this.instances.get(row.id)?.row ?? row;
  }

  private markFailed() {
    const root = this.instances.get(this.root!.id)!;
    root.row = { ...root.row, status: 'failed' };
  }

  /** A recorded completion the candidate's declarations refuse: the order blocks there. */
  private refusable<T>(instance: InstanceRow, info: ElementInfo, writes: () => T): T {
    try {
      return writes();
    } catch (error) {
      throw blocked(`${instance.processKey}/${info.id}`, info.name ?? null, 'decision-refused', (error as Error).message);
    }
  }

  /** Four eyes on a recorded task decision, as the runtime's completion applies it (tasks.ts): separated tasks, then distinct deciders. */
  private async fourEyes(instance: InstanceRow, model: ProcessModel, info: ElementInfo, wait: WaitRow, actor: string) {
    // the task as the runtime's completion names it: an iteration by its activation, a rework's next activation another
    // body, and the iterations of multi-instance scopes around it, read from the sandbox's engines where they stand
    const task = separatedTaskOf(wait, info);
    const enclosing = model.separatedTasks.includes(wait.elementId)
      ? await enclosingIterationsOf(wait, (id) => Promise.resolve(this.instances.get(id)?.row),
        async (key, version) => (await this.library.definition(key, version)).model,
        (row, element) => {
          const engine = this.instances.get(row.id)?.engine;
          return engine ? liveScopes(engine.waiting(), element) : stateScopes(row, element);
        })
      : [];
    const refusal = this.fourEyesRules!.refusal(instance, model, enclosing.length ? { ...task, enclosing } : task, actor);
    if (refusal) throw new Blocked({ element: `${instance.processKey}/${info.id}`, name: info.name ?? null, reason: 'four-eyes', ...refusal });
  }
}

function newInstance(processKey: string, version: number, businessKey: string | null, parent: InstanceRow | null, at: string): InstanceRow {
  const id = randomUUID();
  return {
    id, processKey, version, businessKey,
    parentId: parent?.id ?? null, parentElementId: null, parentExecutionId: null,
    rootId: parent?.rootId ?? id,
    status: 'running', state: null, variables: {}, incident: null, revision: 0,
    startedBy: null, createdAt: at, updatedAt: at, endedAt: null,
  };
}
