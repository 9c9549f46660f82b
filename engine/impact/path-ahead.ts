// What a running instance has ahead on its path from where it waits, told from
// what it could reach only if someone requests a change to the order. A change
// comes as the engine's own OrderChanged message, which only
// POST /api/orders/{orderNo}/changes sends (the order-change loop's "Order
// changed", docs/modelling.md): its catches are where the order's own path
// stops. Beyond one, the order goes on with what the change sets (its amount,
// the amount approved so far), none of it known yet: the variables it sets are
// left undecided there, so a credit order whose last change stayed in its tier
// can still be re-approved after the next, and a prepaid order still never is.
import type { ModdleElement } from 'bpmn-moddle';
import type { ProcessModel } from '../bpmn/process-model.js';
import { ORDER_CHANGE_VARIABLE, ORDER_CHANGED_MESSAGE } from '../orders/order-change.js';
import { reachableFrom, type Decisions, type FlowGraph } from './flow-graph.js';
import { processOf } from './process-diff.js';

/** Where a version of a process waits for a change to the order, and the variables a change sets. */
export interface OrderChanges {
  /** Catch events, receive tasks, boundary events and event sub-process starts of OrderChanged, in any scope. */
  catches: ReadonlySet<string>;
  /** The message's variable and what the catches' outputs map it to. */
  sets: ReadonlySet<string>;
}

/** What an instance can reach from its waits: `ahead` on its own path, `reachable` also through changes to the order. */
export interface PathAhead {
  ahead: Set<string>;
  reachable: Set<string>;
}

export function orderChangesOf(definitions: ModdleElement | undefined, model: ProcessModel | undefined, key: string): OrderChanges {
  const catches = new Set<string>();
  const visit = (scope: ModdleElement) => {
    for (const element of scope.flowElements ?? []) {
      if (waitsForOrderChange(element)) catches.add(element.id);
      if (element.$instanceOf('bpmn:SubProcess')) visit(element);
    }
  };
  const process = processOf(definitions, key);
  if (process) visit(process);
  const outputs = [...catches].flatMap((id) => model?.elements.get(id)?.outputs?.map((output) => output.target) ?? []);
  return { catches, sets: new Set([ORDER_CHANGE_VARIABLE, ...outputs]) };
}

/**
 * From `waits` (element ids) of an instance with `variables`: what is ahead, reached without passing a catch of
 * a change (a wait at one leads nowhere on its own path), and what is reachable through changes too.
 */
export function pathAhead(
  graph: FlowGraph, changes: OrderChanges, waits: string[], variables: Record<string, unknown>, decisions?: Decisions,
): PathAhead {
  if (changes.catches.size === 0) {
    const reachable = reachableFrom(graph, waits, variables, decisions);
    return { ahead: reachable, reachable };
  }
  const ahead = reachableFrom(graph, waits.filter((id) => !changes.catches.has(id)), variables, decisions, changes.catches);
  const changed = [...waits, ...ahead].filter((id) => changes.catches.has(id));
  if (changed.length === 0) return { ahead, reachable: ahead };
  const afterChange = reachableFrom(graph, changed, withoutKeys(variables, changes.sets), decisions);
  return { ahead, reachable: new Set([...ahead, ...afterChange]) };
}

// helpers

function waitsForOrderChange(element: ModdleElement): boolean {
  if (element.$type === 'bpmn:ReceiveTask') return element.messageRef?.name === ORDER_CHANGED_MESSAGE;
  if (!['bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent', 'bpmn:StartEvent'].includes(element.$type)) return false;
  return (element.eventDefinitions ?? []).some((definition: ModdleElement) =>
    definition.$type === 'bpmn:MessageEventDefinition' && definition.messageRef?.name === ORDER_CHANGED_MESSAGE);
}

function withoutKeys(variables: Record<string, unknown>, keys: ReadonlySet<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(variables).filter(([name]) => !keys.has(name)));
}
