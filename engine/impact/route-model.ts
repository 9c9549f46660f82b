// The process models the fast replay (fast-replay.ts) plays orders through:
// a process version's bpmn-moddle elements read once into nodes and sequence
// flows, or the reason the version is left to bpmn-engine. Only constructs
// whose bpmn-engine behaviour the fast replay reproduces exactly are taken;
// anything else (timers, boundary events, multi-instance, sub-processes,
// business rule tasks, inclusive and event-based gateways, conditional
// flows out of activities, error and other event definitions …) makes the
// whole version unsupported, and orders reaching it replay on bpmn-engine.
import type { ModdleElement } from 'bpmn-moddle';
import type { ElementInfo, ProcessModel } from '../bpmn/process-model.js';
import { tryCompileExpression, type CompiledExpression } from '../expressions/compile-expression.js';
import type { WaitKind } from '../store/types.js';
import { outputsReadInputs } from '../runtime/local-inputs.js';

interface RouteFlow {
  id: string;
  target: string;
  condition?: CompiledExpression;
  isDefault: boolean;
}

type NodeKind = 'start' | 'exclusive' | 'parallel' | 'pass' | 'end' | 'wait';

export interface RouteNode {
  id: string;
  kind: NodeKind;
  info: ElementInfo;
  /** Incoming sequence flow ids (a parallel join counts a token on each). */
  incoming: string[];
  /** Outgoing flows in bpmn-engine's evaluation order: document order, the default flow last. */
  outgoing: RouteFlow[];
  /** `wait` nodes: what the runtime records them as. */
  waitKind?: WaitKind;
  /** End events with a terminate event definition. */
  terminate?: boolean;
}

export interface RouteModel {
  key: string;
  version: number;
  model: ProcessModel;
  nodes: Map<string, RouteNode>;
  startId: string;
}

export type RouteModelResult = { supported: true; route: RouteModel } | { supported: false; reason: string };

/** Flow elements that are no step of the flow (kept out of the check). */
const IGNORED = new Set(['bpmn:SequenceFlow', 'bpmn:DataObject', 'bpmn:DataObjectReference', 'bpmn:DataStoreReference']);

/** The activities that wait, as the runtime records their waits (waitKindOf in instance-step.ts). */
const WAIT_KINDS: Record<string, WaitKind> = {
  'bpmn:UserTask': 'task', 'bpmn:ServiceTask': 'job', 'bpmn:SendTask': 'job', 'bpmn:ReceiveTask': 'message', 'bpmn:CallActivity': 'call',
};

/** The route model of one process version, or why the fast replay leaves it to bpmn-engine. */
export function routeModelOf(process: ModdleElement | undefined, model: ProcessModel, version: number): RouteModelResult {
  const unsupported = (reason: string): RouteModelResult => ({ supported: false, reason: `${model.key} version ${version}: ${reason}` });
  if (!process) return unsupported('no process element');
  const elements = process.flowElements ?? [];
  const nodes = new Map<string, RouteNode>();
  const starts: string[] = [];
  const messageIds = new Set<string>();
  for (const element of elements) {
    if (IGNORED.has(element.$type)) continue;
    const info = model.elements.get(element.id);
    if (!info) return unsupported(`element ${element.id} is not in the compiled model`);
    const node = nodeOf(element, info);
    if (typeof node === 'string') return unsupported(`${element.id} (${element.$type}): ${node}`);
    if (node.kind === 'start') starts.push(node.id);
    if (node.waitKind === 'message') {
      // the runtime delivers a message to every catch of its id at once: one catch per message
      if (messageIds.has(info.message!.id)) return unsupported(`two catches of message ${info.message!.id}`);
      messageIds.add(info.message!.id);
    }
    nodes.set(node.id, node);
  }
  if (starts.length !== 1 || starts[0] !== model.noneStartEventId) return unsupported('not exactly one none start event');
  for (const element of elements) {
    if (element.$type !== 'bpmn:SequenceFlow') continue;
    const source = nodes.get(element.sourceRef?.id ?? '');
    const target = nodes.get(element.targetRef?.id ?? '');
    if (!source || !target) return unsupported(`sequence flow ${element.id} does not join two supported elements`);
    const isDefault = element.sourceRef?.default === element;
    const body: unknown = element.conditionExpression?.body;
    let condition: CompiledExpression | undefined;
    if (element.conditionExpression) {
      if (typeof body !== 'string' || source.kind !== 'exclusive' || isDefault) return unsupported(`condition of sequence flow ${element.id}`);
      const compiled = tryCompileExpression(body);
      if (!compiled.ok) return unsupported(`condition of sequence flow ${element.id} does not compile`);
      condition = compiled.expression;
    }
    source.outgoing.push({ id: element.id, target: target.id, isDefault, ...(condition && { condition }) });
    target.incoming.push(element.id);
  }
  for (const node of nodes.values()) {
    const defaults = node.outgoing.filter((flow) => flow.isDefault);
    node.outgoing = [...node.outgoing.filter((flow) => !flow.isDefault), ...defaults];
    if (node.kind === 'start' && node.incoming.length) return unsupported(`start event ${node.id} has incoming flows`);
    if (node.kind !== 'exclusive' && node.kind !== 'parallel' && (node.outgoing.length > 1 || node.incoming.length > 1)) {
      return unsupported(`${node.id} splits or merges without a gateway`);
    }
    if (node.kind === 'end' && node.outgoing.length) return unsupported(`end event ${node.id} has outgoing flows`);
    if (node.kind !== 'end' && node.outgoing.length === 0) return unsupported(`${node.id} has no outgoing flow`);
  }
  const join = [...nodes.values()].find((node) => node.kind === 'parallel' && node.incoming.length > 1 && !joinsOnlyForkedBranches(node, nodes));
  if (join) return unsupported(`parallel join ${join.id} has a branch no parallel gateway forks`);
  return { supported: true, route: { key: model.key, version, model, nodes, startId: starts[0] } };
}

/** The node for one flow element, or why it is not supported. */
function nodeOf(element: ModdleElement, info: ElementInfo): RouteNode | string {
  const node = (kind: NodeKind, extra: Partial<RouteNode> = {}): RouteNode => ({ id: element.id, kind, info, incoming: [], outgoing: [], ...extra });
  const definitions = element.eventDefinitions ?? [];
  if (element.loopCharacteristics) return 'multi-instance or loop';
  // the engine keeps such inputs as the activity's local scope (runtime/local-inputs.ts); the fast path has none
  if (outputsReadInputs(info)) return 'output mappings that read its input mappings';
  if (element.get('isForCompensation') === true) return 'compensation';
  switch (element.$type) {
    case 'bpmn:StartEvent':
      return definitions.length ? 'start event with an event definition' : node('start');
    case 'bpmn:ExclusiveGateway':
      return node('exclusive');
    case 'bpmn:ParallelGateway':
      return node('parallel');
    case 'bpmn:IntermediateThrowEvent':
      if (info.jobType) return 'throw event run as a job';
      return definitions.length ? 'throw event with an event definition' : node('pass');
    case 'bpmn:EndEvent': {
      if (info.jobType) return 'end event run as a job';
      const terminate = definitions.length === 1 && definitions[0].$type === 'bpmn:TerminateEventDefinition';
      if (definitions.length && !terminate) return 'end event with an event definition other than terminate';
      return node('end', terminate ? { terminate } : {});
    }
    case 'bpmn:IntermediateCatchEvent': {
      if (definitions.length !== 1 || definitions[0].$type !== 'bpmn:MessageEventDefinition' || !info.message) return 'catch event other than one message';
      return node('wait', { waitKind: 'message' });
    }
  }
  if (!Object.hasOwn(WAIT_KINDS, element.$type)) return 'element type';
  if (definitions.length) return 'event definitions on an activity';
  if (element.$type === 'bpmn:ReceiveTask' && !info.message) return 'receive task without a message';
  if (element.$type === 'bpmn:CallActivity' && !info.calledProcess) return 'call activity without a called process';
  return node('wait', { waitKind: WAIT_KINDS[element.$type] });
}

/**
 * The runtime's parallel join fires on a token from every incoming flow and takes a discard as no token
 * (runtime/parallel-join.ts), as the fast replay counts: exact while every branch into the join comes from
 * a parallel gateway. A branch may pass exclusive gateways on the way, and loop through them (a task handed
 * out again, as special-change-notification's acknowledgements are): the path not chosen is discarded, and a
 * discard never fires the join. A branch reachable from the start event without a parallel split is left
 * to the engine.
 */
function joinsOnlyForkedBranches(join: RouteNode, nodes: Map<string, RouteNode>): boolean {
  const sourceOf = new Map<string, RouteNode>();
  for (const node of nodes.values()) for (const flow of node.outgoing) sourceOf.set(flow.id, node);
  const seen = new Set<string>();
  const pending = join.incoming.map((flow) => sourceOf.get(flow));
  while (pending.length) {
    const node = pending.pop();
    if (!node || node.kind === 'start') return false;
    if (node.kind === 'parallel' || seen.has(node.id)) continue;
    seen.add(node.id);
    for (const flow of node.incoming) pending.push(sourceOf.get(flow));
  }
  return true;
}
