// Thresholds written twice: a change that moves a constant in one condition
// (`reportingAmount > 500000` → `> 400000`, or `>` → `>=`) while another
// condition of the library still compares the same variable with the old one.
// sales-order-management's "Approval tier raised?" repeats credit-order-approval's
// tiers; neither lint nor the replay can tell that a moved tier left the other
// behind, so the impact report names such conditions as warnings. Conditions are
// read with feelin's parser (feel-comparisons.ts), Camunda 7 ones as translated.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements, type ElementInfo, type ProcessModel } from '../bpmn/process-model.js';
import { tryCompileExpression } from '../expressions/compile-expression.js';
import { constantComparisonsIn, variablePathOf, type ComparisonOperator, type ConstantComparison } from '../feel/feel-comparisons.js';
import { feelBody } from '../feel/feel-expression.js';
import type { CandidateLibrary } from './candidate-library.js';
import type { ConditionFlow, MovedComparison, RelatedCondition } from './impact-report.js';

/** A condition of a process version: its flow, its text and the comparisons with a constant in it. */
interface FlowCondition {
  flow: ConditionFlow;
  condition: string;
  comparisons: ConstantComparison[];
}

/** A moved comparison with what it was and is, to match others against. */
export interface Move {
  moved: MovedComparison;
  before: ConstantComparison;
  after: ConstantComparison;
}

/**
 * The comparisons with a constant that the change of `key` moved: per sequence flow with a condition before and
 * after, the comparisons of each variable that are not in both are paired in the order written; a pair whose
 * constant differs, or whose operator now puts the constant itself on the other side (`>` → `>=`), moved.
 */
export function movedComparisons(key: string, before: ModdleElement | undefined, after: ModdleElement | undefined): Move[] {
  if (!before || !after) return [];
  const old = new Map(conditionsOf(key, before).map((condition) => [condition.flow.elementId, condition]));
  const moves: Move[] = [];
  for (const now of conditionsOf(key, after)) {
    const was = old.get(now.flow.elementId);
    if (!was || was.condition === now.condition) continue;
    for (const variable of new Set(was.comparisons.map((comparison) => comparison.variable))) {
      const [gone, come] = unmatched(was.comparisons.filter((c) => c.variable === variable), now.comparisons.filter((c) => c.variable === variable));
      gone.slice(0, come.length).forEach((comparison, index) => {
        const replacement = come[index];
        if (!hasMoved(comparison, replacement)) return;
        moves.push({
          before: comparison,
          after: replacement,
          moved: {
            flow: now.flow, variable, before: comparison.text, after: replacement.text, constant: comparison.literal, newConstant: replacement.literal,
          },
        });
      });
    }
  }
  return moves;
}

/**
 * The conditions of the library's latest versions after the change that compare a moved variable with its old
 * constant: in every process under the variable's own name, and in a process calling the changed one (or called by
 * it) also under the name a call activity passes it as (`=changeReportingAmount` → `reportingAmount`). A moved
 * constant matches every comparison of the same kind (an order, `<` `<=` `>` `>=`, or an equality, `=` `!=`),
 * whatever its direction, since `<= 500000` is the same tier boundary as `> 500000`; a `>` → `>=` move matches
 * only the comparisons that keep the constant on its old side (`>` and `<=`).
 */
export async function relatedConditions(library: CandidateLibrary, moves: Map<string, Move[]>): Promise<RelatedCondition[]> {
  if (![...moves.values()].some((list) => list.length)) return [];
  const keys = [...new Set([...library.deployed.map((row) => row.key), ...library.candidates.map((candidate) => candidate.key)])].sort();
  const versions = new Map<string, { version: number; model: ProcessModel; conditions: FlowCondition[] }>();
  for (const key of keys) {
    const version = library.latestVersion(key)!;
    const { model, process } = await library.graph(key, version);
    versions.set(key, { version, model, conditions: process ? conditionsOf(key, process) : [] });
  }
  const related: RelatedCondition[] = [];
  const seen = new Set<string>();
  for (const [changedKey, list] of moves) {
    for (const move of list) {
      for (const [key, { version, conditions }] of versions) {
        const names = namesIn(key, changedKey, move.moved.variable, versions);
        for (const condition of conditions) {
          for (const comparison of condition.comparisons) {
            const passedAs = names.get(comparison.variable);
            if (passedAs === undefined || !stillHasOld(move, comparison)) continue;
            const id = [key, condition.flow.elementId, comparison.text, changedKey, move.moved.variable, move.moved.constant, move.moved.newConstant].join('\u0000');
            if (seen.has(id)) continue;
            seen.add(id);
            related.push({
              flow: condition.flow, version, condition: condition.condition, comparison: comparison.text, variable: comparison.variable, changed: move.moved,
              message: messageOf(condition.flow, comparison, passedAs, move),
            });
          }
        }
      }
    }
  }
  return related;
}

// helpers

const ORDERING = new Set<ComparisonOperator>(['<', '<=', '>', '>=']);
/** The operators that leave the constant itself below the line they draw (`x > c`, `x <= c`). */
const CONSTANT_BELOW = new Set<ComparisonOperator>(['>', '<=']);

function hasMoved(before: ConstantComparison, after: ConstantComparison): boolean {
  if (ORDERING.has(before.operator) !== ORDERING.has(after.operator) || typeof before.constant !== typeof after.constant) return false;
  if (before.constant !== after.constant) return true;
  return ORDERING.has(before.operator) && CONSTANT_BELOW.has(before.operator) !== CONSTANT_BELOW.has(after.operator);
}

/** Whether `comparison` compares with the constant `move` moved away from, on the boundary it moved. */
function stillHasOld(move: Move, comparison: ConstantComparison): boolean {
  const { before, after } = move;
  if (comparison.constant !== before.constant || ORDERING.has(comparison.operator) !== ORDERING.has(before.operator)) return false;
  // the constant stayed, its side moved: only a comparison on the old side still draws the old line
  if (before.constant === after.constant) return CONSTANT_BELOW.has(comparison.operator) === CONSTANT_BELOW.has(before.operator);
  return true;
}

/** The comparisons of each list not in the other (the same operator and constant), in the order written. */
function unmatched(before: ConstantComparison[], after: ConstantComparison[]): [ConstantComparison[], ConstantComparison[]] {
  const left = [...after];
  const gone = before.filter((comparison) => {
    const index = left.findIndex((other) => other.operator === comparison.operator && other.constant === comparison.constant);
    if (index < 0) return true;
    left.splice(index, 1);
    return false;
  });
  return [gone, left];
}

/**
 * The names `variable` of `changedKey` has in process `key`, each with the call activity that passes it under
 * that name (null for its own name): a caller's input `=changeReportingAmount` → `reportingAmount` and a callee's
 * output back; the other way round in a process the changed one calls.
 */
function namesIn(key: string, changedKey: string, variable: string, versions: Map<string, { model: ProcessModel }>): Map<string, ElementInfo | null> {
  const names = new Map<string, ElementInfo | null>([[variable, null]]);
  for (const call of callsOf(versions.get(key)?.model, changedKey)) {
    for (const { caller, callee } of passings(call)) {
      const name = renamed(variable, callee, caller);
      if (name && !names.has(name)) names.set(name, call);
    }
  }
  for (const call of callsOf(versions.get(changedKey)?.model, key)) {
    for (const { caller, callee } of passings(call)) {
      const name = renamed(variable, caller, callee);
      if (name && !names.has(name)) names.set(name, call);
    }
  }
  return names;
}

function callsOf(model: ProcessModel | undefined, calledKey: string): ElementInfo[] {
  return model ? [...model.elements.values()].filter((element) => element.calledProcess === calledKey) : [];
}

/** The variables a call activity passes under another name: the caller's path and the callee's, both plain paths. */
function passings(call: ElementInfo): { caller: string; callee: string }[] {
  const pairs: { caller: string; callee: string }[] = [];
  const path = (source: string) => variablePathOf(feelBody(source));
  for (const input of call.inputs ?? []) {
    const caller = path(input.source);
    if (caller && input.target) pairs.push({ caller, callee: input.target });
  }
  for (const output of call.outputs ?? []) {
    const callee = path(output.source);
    if (callee && output.target) pairs.push({ caller: output.target, callee });
  }
  const camunda7 = call.camunda7Call;
  for (const [list, callerSide] of [[camunda7?.ins, true], [camunda7?.outs, false]] as const) {
    for (const passed of list ?? []) {
      if ('all' in passed) continue;
      const source = 'variable' in passed ? passed.variable : variablePathOf(passed.feel);
      if (source) pairs.push(callerSide ? { caller: source, callee: passed.target } : { caller: passed.target, callee: source });
    }
  }
  return pairs;
}

/** `variable` with its prefix `from` written as `to` (`change.amount` with `change` → `order`: `order.amount`). */
function renamed(variable: string, from: string, to: string): string | undefined {
  if (variable === from) return to;
  return variable.startsWith(`${from}.`) ? `${to}${variable.slice(from.length)}` : undefined;
}

/** The sequence flows of a process (also in sub-processes) with a condition, read as FEEL. */
function conditionsOf(key: string, process: ModdleElement): FlowCondition[] {
  const conditions: FlowCondition[] = [];
  for (const element of allFlowElements(process)) {
    const text = element.$type === 'bpmn:SequenceFlow' ? element.conditionExpression?.body : undefined;
    if (typeof text !== 'string' || !text.trim()) continue;
    const compiled = tryCompileExpression(text, { language: element.conditionExpression?.language });
    // a condition that does not compile is lint's finding
    if (!compiled.ok) continue;
    const source = element.sourceRef;
    conditions.push({
      flow: { processKey: key, elementId: element.id, name: element.name ?? null, source: source ? { elementId: source.id, name: source.name ?? null } : null },
      condition: text.trim(),
      comparisons: constantComparisonsIn(compiled.expression.feel),
    });
  }
  return conditions;
}

function messageOf(flow: ConditionFlow, comparison: ConstantComparison, passedAs: ElementInfo | null, move: Move): string {
  const { moved, before, after } = move;
  const variable = passedAs ? `${comparison.variable} (passed as ${moved.variable} at "${passedAs.name ?? passedAs.id}")` : comparison.variable;
  // the same gateway's other flow: named by itself, as "Amount tier?" would name both
  const sameGateway = moved.flow.processKey === flow.processKey && moved.flow.source && moved.flow.source.elementId === flow.source?.elementId;
  const where = sameGateway ? `its flow ${moved.flow.name ? `"${moved.flow.name}"` : moved.flow.elementId}` : `${moved.flow.processKey} ${place(moved.flow)}`;
  const what = before.constant === after.constant
    ? `still compares ${variable} ${comparison.operator} ${comparison.literal}, while this change turned ${moved.before} into ${moved.after} in ${where}`
    : `still compares ${variable} with ${comparison.literal}, which this change moved to ${moved.newConstant} in ${where}`;
  return `${flow.processKey} ${place(flow)} ${what}`;
}

/** `"Approval tier raised?"`: the gateway the flow leaves, else the flow by name or id. */
function place(flow: ConditionFlow): string {
  if (flow.source?.name) return `"${flow.source.name}"`;
  return flow.name ? `"${flow.name}"` : flow.elementId;
}
