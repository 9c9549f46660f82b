// Which elements of a process can follow which: sequence flows, the boundary
// events attached to an activity, and the scopes of sub-processes. Entering an
// embedded sub-process leads to its none start event (or, without one, to every
// element no flow enters); an end inside it, or any element no flow leaves,
// leads on along the sub-process's outgoing flows (and, for a multi-instance or
// looping one, to its start again: another instance may follow); while a scope
// runs, anything inside it may lead to the scope's boundary events and event
// sub-processes. A flow whose condition is false over the instance's variables
// now is not followed, nor the default flow of a gateway where another flow's
// condition is true; a condition that cannot be decided yet (it reads a
// variable not set) is followed. So impact names every order that may still
// get there, and not those that cannot. A walk may stop at given elements (the
// catches of a change to the order, path-ahead.ts): reached, not passed.
import type { ModdleElement } from 'bpmn-moddle';
import { plainNames } from '../feel/compiled-feel.js';
import { evaluateFeel, feelBody, isCompiledFeel, isFeel, variablesReadBy } from '../feel/feel-expression.js';
import { processOf } from './process-diff.js';

interface Edge {
  to: string;
  condition?: string;
  isDefault?: boolean;
}

export type FlowGraph = Map<string, Edge[]>;

export function flowGraphOf(definitions: ModdleElement | undefined, key: string): FlowGraph {
  const graph: FlowGraph = new Map();
  const process = processOf(definitions, key);
  if (process) new ScopeLinks(graph).link(process, [], []);
  return graph;
}

/** Links the elements of one scope (a process or a sub-process) and, recursively, of the scopes inside it. */
class ScopeLinks {
  constructor(private readonly graph: FlowGraph) {}

  /**
   * `running`: what may start while the enclosing scopes run (their boundary
   * events and event sub-processes); `completion`: the edges taken when this
   * scope completes (none for the process).
   */
  link(scope: ModdleElement, running: string[], completion: Edge[]): void {
    const children = scope.flowElements ?? [];
    const flows = flowsOf(children);
    const inScope = [...running, ...children.filter(isEventSubProcess).map((element) => element.id)];
    for (const element of children) {
      if (!element.$instanceOf('bpmn:FlowNode')) continue;
      const outgoing = flows.get(element.id) ?? [];
      if (element.attachedToRef) this.add(element.attachedToRef.id, [{ to: element.id }]);
      this.add(element.id, inScope.filter((to) => to !== element.id).map((to) => ({ to })));
      if (isEventSubProcess(element)) {
        // triggered while its scope runs; what it ends, ends (or, interrupting, completes) the scope
        this.enter(element, startsOf(element, () => true), inScope, completion);
      } else if (isSubProcess(element)) {
        this.enter(element, entriesOf(element), [...inScope, ...boundaryEventsOf(children, element)], outgoing.length ? outgoing : completion, element.loopCharacteristics !== undefined);
      } else {
        // a token that reaches an element no flow leaves ends there: the scope may complete
        this.add(element.id, outgoing.length ? outgoing : completion);
      }
    }
  }

  /** A sub-process entered at `entries`; with none it completes at once. A multi-instance or looping one may start again. */
  private enter(subProcess: ModdleElement, entries: string[], running: string[], after: Edge[], repeats = false): void {
    if (!entries.length) return this.add(subProcess.id, after);
    const toEntries = entries.map((to) => ({ to }));
    this.add(subProcess.id, toEntries);
    this.link(subProcess, running, repeats ? [...after, ...toEntries] : after);
  }

  private add(from: string, edges: Edge[]): void {
    if (edges.length) this.graph.set(from, [...(this.graph.get(from) ?? []), ...edges]);
  }
}

/** The sequence flows of a scope by source, with their conditions and whether each is its source's default. */
function flowsOf(children: ModdleElement[]): Map<string, Edge[]> {
  const flows = new Map<string, Edge[]>();
  for (const flow of children) {
    if (flow.$type !== 'bpmn:SequenceFlow' || !flow.sourceRef || !flow.targetRef) continue;
    const condition = flow.conditionExpression?.body?.trim();
    const edge = { to: flow.targetRef.id, ...(condition && { condition }), ...(flow.sourceRef.default === flow && { isDefault: true }) };
    flows.set(flow.sourceRef.id, [...(flows.get(flow.sourceRef.id) ?? []), edge]);
  }
  return flows;
}

function isSubProcess(element: ModdleElement): boolean {
  return element.$instanceOf('bpmn:SubProcess');
}

function isEventSubProcess(element: ModdleElement): boolean {
  return isSubProcess(element) && element.triggeredByEvent === true;
}

function startsOf(scope: ModdleElement, which: (start: ModdleElement) => boolean): string[] {
  return (scope.flowElements ?? []).filter((element) => element.$type === 'bpmn:StartEvent' && which(element)).map((element) => element.id);
}

/**
 * Where an embedded sub-process starts: its none start events; without one
 * (an ad-hoc sub-process, a model without start), every element no flow
 * enters, as BPMN starts them all.
 */
function entriesOf(subProcess: ModdleElement): string[] {
  const noneStarts = startsOf(subProcess, (start) => !(start.eventDefinitions ?? []).length);
  if (noneStarts.length) return noneStarts;
  const children = subProcess.flowElements ?? [];
  const entered = new Set(children.filter((flow) => flow.$type === 'bpmn:SequenceFlow').map((flow) => flow.targetRef?.id));
  return children
    .filter((element) => element.$type !== 'bpmn:SequenceFlow' && element.$type !== 'bpmn:StartEvent' && !element.attachedToRef && !isEventSubProcess(element))
    .filter((element) => element.$instanceOf('bpmn:FlowNode') && !entered.has(element.id) && element.get('isForCompensation') !== true)
    .map((element) => element.id);
}

function boundaryEventsOf(children: ModdleElement[], activity: ModdleElement): string[] {
  return children.filter((element) => element.attachedToRef === activity).map((element) => element.id);
}

/**
 * What conditions decided, kept by one caller over many instances (the running
 * orders of one analysis): keyed by the condition and the values of the
 * variables it reads, so instances that differ only in other variables share
 * the answer. A condition reading a variable not set yet is left to feelin,
 * which parses it again on every call, and then to its parts, each parsed
 * again: more than a millisecond per order, most of an analysis's CPU in the
 * server's thread before this (1,000 running orders).
 */
export type Decisions = Map<string, boolean | undefined>;

/**
 * Every element reachable from `from` (not `from` itself unless a loop leads back to it) for an instance with
 * `variables`. An element of `stopAt` is reached but not passed (what follows it needs what it waits for).
 */
export function reachableFrom(
  graph: FlowGraph, from: string[], variables: Record<string, unknown> = {}, decisions?: Decisions, stopAt?: ReadonlySet<string>,
): Set<string> {
  const seen = new Set<string>();
  const queue = from.flatMap((id) => followed(graph.get(id) ?? [], variables, decisions));
  while (queue.length) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    if (!stopAt?.has(next)) queue.push(...followed(graph.get(next) ?? [], variables, decisions));
  }
  return seen;
}

// helpers

function followed(edges: Edge[], variables: Record<string, unknown>, decisions?: Decisions): string[] {
  const verdicts = edges.map((edge) => (edge.condition ? decideOnce(edge.condition, variables, decisions) : undefined));
  const someTrue = verdicts.includes(true);
  return edges.filter((edge, index) => verdicts[index] !== false && !(edge.isDefault && someTrue)).map((edge) => edge.to);
}

/**
 * decide, remembered in `decisions` where the answer depends only on the
 * variables the condition reads: an expression of the compiled subset (names,
 * paths, literals, comparisons, and/or: what it reads is exactly its variable
 * names) over variables whose names are all plain (others can change how
 * feelin parses the text, so its answer would depend on variables it does not read).
 */
function decideOnce(condition: string, variables: Record<string, unknown>, decisions?: Decisions): boolean | undefined {
  if (!decisions || !isFeel(condition)) return decide(condition, variables);
  const body = feelBody(condition);
  if (!isCompiledFeel(body) || !plainNames(variables)) return decide(condition, variables);
  // a missing variable as [], a set one as [its value]: JSON tells them apart (and null from both)
  const key = `${body}\u0000${JSON.stringify(variablesReadBy(body).map((name) => (Object.hasOwn(variables, name) ? [variables[name]] : [])))}`;
  if (decisions.has(key)) return decisions.get(key);
  const verdict = decide(condition, variables);
  decisions.set(key, verdict);
  return verdict;
}

/**
 * true/false when the condition can be decided on these variables, undefined
 * when not yet. A conjunction with a part that is false is false, and a
 * disjunction with a part that is true is true, whatever the parts that read
 * variables not set yet (the order-change loop's re-approval is never reached
 * by a prepaid order, whatever the change).
 */
function decide(condition: string, variables: Record<string, unknown>): boolean | undefined {
  if (!isFeel(condition)) return undefined;
  return decideBody(feelBody(condition), variables);
}

function decideBody(body: string, variables: Record<string, unknown>): boolean | undefined {
  try {
    const value = evaluateFeel(body, variables);
    return typeof value === 'boolean' ? value : undefined;
  } catch {
    for (const [operator, decisive] of [['and', false], ['or', true]] as const) {
      const parts = topLevelParts(body, operator);
      if (parts.length > 1 && parts.some((part) => decideBody(part, variables) === decisive)) return decisive;
    }
    return undefined;
  }
}

/** `body` split at `operator` outside parentheses, brackets and strings; unwraps one pair of enclosing parentheses. */
function topLevelParts(body: string, operator: 'and' | 'or'): string[] {
  let text = body.trim();
  if (text.startsWith('(') && text.endsWith(')') && closingOf(text, 0) === text.length - 1) text = text.slice(1, -1).trim();
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (char === '"' && text[index - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if ('([{'.includes(char)) depth++;
    else if (')]}'.includes(char)) depth--;
    else if (depth === 0 && new RegExp(`^\\s${operator}\\s`).test(text.slice(index, index + operator.length + 2))) {
      parts.push(text.slice(start, index).trim());
      start = index + operator.length + 1;
    }
  }
  parts.push(text.slice(start).trim());
  return parts;
}

function closingOf(text: string, open: number): number {
  let depth = 0;
  let quoted = false;
  for (let index = open; index < text.length; index++) {
    const char = text[index];
    if (char === '"' && text[index - 1] !== '\\') quoted = !quoted;
    if (quoted) continue;
    if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  return -1;
}
