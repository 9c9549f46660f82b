// The bpmnlint rule API, typed for Stratum's rules. A rule module's default
// export is a factory `(config) => ({ check(node, reporter) })`; bpmnlint calls
// `check` for every moddle element of the document. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import traverse from 'bpmnlint/lib/traverse.js';

export interface Reporter {
  report(elementId: string | undefined, message: string, path?: string[] | { path?: string[]; [key: string]: unknown }): void;
}

export type CheckFn = (node: ModdleElement, reporter: Reporter) => boolean | void;

export interface RuleDefinition {
  meta?: { documentation?: { url?: string } };
  check: CheckFn | { enter?: CheckFn; leave?: CheckFn };
}

/**
 * bpmnlint hands a rule the configuration object of its ruleset entry; each
 * rule declares the shape it reads (`never`: any rule, whatever it reads).
 */
export type RuleFactory<Config = never> = (config?: Config) => RuleDefinition;

/** moddle's type test, including super types (`is(node, 'bpmn:Task')` holds for a user task). */
export function is(node: ModdleElement | undefined, type: string): boolean {
  return typeof node?.$instanceOf === 'function' ? node.$instanceOf(type) : node?.$type === type;
}

/** The process an element belongs to (the element itself when it is one); undefined outside any process. */
export function processOf(node: ModdleElement | undefined): ModdleElement | undefined {
  let current = node;
  while (current && !is(current, 'bpmn:Process')) current = current.$parent;
  return current;
}

export function isAny(node: ModdleElement | undefined, types: string[]): boolean {
  return types.some((type) => is(node, type));
}

/** Every element of a document by id (the first of an id that repeats), for rules and reports that name elements by id. */
export function elementsById(root: ModdleElement): Map<string, ModdleElement> {
  const elements = new Map<string, ModdleElement>();
  traverse(root, {
    enter(node: ModdleElement) {
      if (typeof node.id === 'string' && !elements.has(node.id)) elements.set(node.id, node);
    },
  });
  return elements;
}
