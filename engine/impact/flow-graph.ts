// Which elements of a process can follow which: sequence flows, plus the
// boundary events attached to an activity. A flow whose condition is false
// over the instance's variables now is not followed, nor the default flow of a
// gateway where another flow's condition is true; a condition that cannot be
// decided yet (it reads a variable not set) is followed. So impact names every
// order that may still get there, and not those that cannot.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements } from '../bpmn/process-model.js';
import { evaluateFeel, feelBody, isFeel } from '../feel/feel-expression.js';
import { processOf } from './process-diff.js';

interface Edge {
  to: string;
  condition?: string;
  isDefault?: boolean;
}

export type FlowGraph = Map<string, Edge[]>;

export function flowGraphOf(definitions: ModdleElement | undefined, key: string): FlowGraph {
  const graph: FlowGraph = new Map();
  const add = (from: string, edge: Edge) => graph.set(from, [...(graph.get(from) ?? []), edge]);
  const process = processOf(definitions, key);
  for (const element of process ? allFlowElements(process) : []) {
    if (element.$type === 'bpmn:SequenceFlow' && element.sourceRef && element.targetRef) {
      const condition = element.conditionExpression?.body?.trim();
      add(element.sourceRef.id, {
        to: element.targetRef.id,
        ...(condition && { condition }),
        ...(element.sourceRef.default === element && { isDefault: true }),
      });
    }
    if (element.attachedToRef) add(element.attachedToRef.id, { to: element.id });
  }
  return graph;
}

/** Every element reachable from `from` (not `from` itself unless a loop leads back to it) for an instance with `variables`. */
export function reachableFrom(graph: FlowGraph, from: string[], variables: Record<string, unknown> = {}): Set<string> {
  const seen = new Set<string>();
  const queue = from.flatMap((id) => followed(graph.get(id) ?? [], variables));
  while (queue.length) {
    const next = queue.pop()!;
    if (seen.has(next)) continue;
    seen.add(next);
    queue.push(...followed(graph.get(next) ?? [], variables));
  }
  return seen;
}

// helpers

function followed(edges: Edge[], variables: Record<string, unknown>): string[] {
  const verdicts = edges.map((edge) => (edge.condition ? decide(edge.condition, variables) : undefined));
  const someTrue = verdicts.includes(true);
  return edges.filter((edge, index) => verdicts[index] !== false && !(edge.isDefault && someTrue)).map((edge) => edge.to);
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
