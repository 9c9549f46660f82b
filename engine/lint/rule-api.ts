// The bpmnlint rule API, typed for Stratum's rules. A rule module's default
// export is a factory `(config) => ({ check(node, reporter) })`; bpmnlint calls
// `check` for every moddle element of the document. Browser-safe.

export interface Reporter {
  report(elementId: string, message: string, path?: string[] | { path?: string[]; [key: string]: unknown }): void;
}

export type CheckFn = (node: any, reporter: Reporter) => boolean | void;

export interface RuleDefinition {
  meta?: { documentation?: { url?: string } };
  check: CheckFn | { enter?: CheckFn; leave?: CheckFn };
}

export type RuleFactory = (config?: any) => RuleDefinition;

/** moddle's type test, including super types (`is(node, 'bpmn:Task')` holds for a user task). */
export function is(node: any, type: string): boolean {
  return typeof node?.$instanceOf === 'function' ? node.$instanceOf(type) : node?.$type === type;
}

export function isAny(node: any, types: string[]): boolean {
  return types.some((type) => is(node, type));
}
