// bpmnlint (CommonJS, no declarations) as Stratum uses it: the Linter with a
// resolver that serves Stratum's rules, and the reports it gives per rule.
declare module 'bpmnlint' {
  import type { ModdleElement } from 'bpmn-moddle';

  /** One finding of one rule. `category` is the severity bpmnlint assigns (`rule-error` when the rule threw). */
  export interface LintReport {
    id?: string;
    message: string;
    category?: string;
    severity?: unknown;
    path?: string[];
    [key: string]: unknown;
  }

  export interface LinterOptions {
    config: object;
    resolver: {
      resolveRule(pkg: string, ruleName: string): unknown;
      resolveConfig(pkg: string, configName: string): unknown;
    };
  }

  class Linter {
    constructor(options: LinterOptions);
    /** The reports of every rule that found something, by rule name. */
    lint(definitions: ModdleElement): Promise<Record<string, LintReport[]>>;
  }

  const bpmnlint: { Linter: typeof Linter };
  export default bpmnlint;
}

declare module 'bpmnlint/lib/traverse.js' {
  import type { ModdleElement } from 'bpmn-moddle';

  /** Visits the element and everything it contains, depth first. */
  export default function traverse(
    element: ModdleElement,
    visitor: { enter?(node: ModdleElement): boolean | void; leave?(node: ModdleElement): void },
  ): void;
}
