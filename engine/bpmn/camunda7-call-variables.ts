// Camunda 7's variable passing across a call activity (`camunda:in`,
// `camunda:out`). With `camunda:in` elements the called process starts with only
// what they pass (`variables="all"` passes every variable); with `camunda:out`
// elements the caller gets back only what they pass. A call activity without
// them passes everything both ways, as Camunda 8 does (docs/interop.md). A
// `source` names a variable (null when it is not set, as in Camunda 7); a
// `sourceExpression` is JUEL, translated to FEEL like every Camunda 7
// expression and checked at deploy (lint's feel-condition-syntax).
import type { ModdleElement } from 'bpmn-moddle';
import { compileExpression } from '../expressions/compile-expression.js';
import { evaluateFeel } from '../feel/feel-expression.js';
import { isJuel } from '../feel/juel.js';

/** One `camunda:in` or `camunda:out`: every variable, or one target from a variable or an expression. */
export type CallVariable = { all: true } | { target: string; variable: string } | { target: string; feel: string };

export interface Camunda7CallVariables {
  /** Absent: the child starts with every variable of the call's scope. */
  ins?: CallVariable[];
  /** Absent: the child hands back every variable. */
  outs?: CallVariable[];
}

interface VariableElement {
  $type: string;
  source?: string;
  sourceExpression?: string;
  target?: string;
  variables?: string;
}

/** A `camunda:in`/`camunda:out` that cannot be passed: its position and why. */
export interface CallVariableProblem {
  kind: 'in' | 'out';
  index: number;
  detail: string;
}

/** The call activity's `camunda:in` and `camunda:out` elements, read; undefined when it has neither. */
export function camunda7CallVariables(element: ModdleElement): { mappings?: Camunda7CallVariables; problems: CallVariableProblem[] } {
  const values = ((element.extensionElements as { values?: VariableElement[] } | undefined)?.values ?? []);
  const problems: CallVariableProblem[] = [];
  const read = (kind: 'in' | 'out') => values.filter((value) => value.$type === `camunda:${kind === 'in' ? 'In' : 'Out'}`)
    .flatMap((value, index): CallVariable[] => {
      if (value.variables === 'all') return [{ all: true }];
      const target = value.target?.trim();
      if (!target) {
        // a camunda:in that only sets the child's business key passes no variable
        if (value.source === undefined && value.sourceExpression === undefined) return [];
        problems.push({ kind, index, detail: 'it has no target' });
        return [];
      }
      if (value.source?.trim()) return [{ target, variable: value.source.trim() }];
      const expression = value.sourceExpression?.trim() ?? '';
      try {
        if (!isJuel(expression)) throw new Error(`${JSON.stringify(value.sourceExpression ?? '')} is not a \${…} expression`);
        return [{ target, feel: compileExpression(expression).feel }];
      } catch (error) {
        problems.push({ kind, index, detail: (error as Error).message });
        return [];
      }
    });
  const hasIn = values.some((value) => value.$type === 'camunda:In');
  const hasOut = values.some((value) => value.$type === 'camunda:Out');
  if (!hasIn && !hasOut) return { problems };
  const ins = read('in');
  const outs = read('out');
  return { mappings: { ...(hasIn && { ins }), ...(hasOut && { outs }) }, problems };
}

/** What `mappings` pass from `from`: each target in order, an expression over `from`. */
export function passCallVariables(mappings: readonly CallVariable[], from: Record<string, unknown>): Record<string, unknown> {
  let passed: Record<string, unknown> = {};
  for (const mapping of mappings) {
    if ('all' in mapping) passed = { ...passed, ...from };
    else if ('variable' in mapping) passed[mapping.target] = from[mapping.variable] ?? null;
    else passed[mapping.target] = evaluateFeel(mapping.feel, from) ?? null;
  }
  return passed;
}
