// FEEL expressions, Camunda 8 style: an expression attribute whose text starts
// with `=` is FEEL. Evaluation is strict: a missing variable or a failed
// comparison is an error, never a silent `null` that would pick a default path.
// Browser-safe: no Node-only imports.
import { evaluate, unaryTest, type EvaluationResult } from 'feelin';
import { parsedFeel } from './parsed-feel.js';
import { compileFeel, LEFT_TO_FEELIN, type CompiledFeel } from './compiled-feel.js';
import { withinFeelBudget } from './feel-budget.js';
import type { FeelTreeNode } from './feel-tree.js';
import { functionCallsOf, withFunctions, type FunctionCalls } from './function-calls.js';
import { describeMismatch, withOrderingMismatches } from './mixed-type-ordering.js';
import { booleanTestsOf, describeNonBoolean, withBooleanTests } from './boolean-tests.js';
import { variablesForParse } from './parse-guard.js';

/** A variable an expression read when it could not be evaluated, and what was wrong with it. */
export interface FeelInput {
  name: string;
  problem: string;
}

export class FeelError extends Error {
  constructor(
    message: string,
    readonly expression: string,
    /** The variables the expression reads, so a caller can say which input to fix. */
    readonly inputs: FeelInput[] = [],
  ) {
    super(message);
    this.name = 'FeelError';
  }
}

/** True for `=…` text (Camunda 8 FEEL marker). */
export function isFeel(text: string | undefined | null): text is string {
  return typeof text === 'string' && text.trimStart().startsWith('=');
}

/** The FEEL source without its leading `=`. */
export function feelBody(text: string): string {
  const trimmed = text.trimStart();
  return trimmed.startsWith('=') ? trimmed.slice(1) : trimmed;
}

/**
 * FEEL as Camunda 8 accepts it: a string literal may span lines. feelin's
 * grammar does not take a raw line break inside a string, so each one becomes
 * the escape `\n`, which means the same string. Text outside strings is kept.
 */
function feelSource(body: string): string {
  if (!body.includes('\n')) return body;
  let result = '';
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const char = body[i];
    if (inString && char === '\\') {
      result += char + (body[i + 1] ?? '');
      i++;
      continue;
    }
    if (char === '"') inString = !inString;
    result += inString && char === '\n' ? '\\n' : char;
  }
  return result;
}

/** The position in the written text of a position in its feelSource (each escaped line break added one character). */
function writtenPosition(body: string, sourcePosition: number): number {
  const source = feelSource(body);
  let written = 0;
  for (let i = 0; i < sourcePosition && written < body.length; i++, written++) {
    if (source[i] === '\\' && source[i + 1] === 'n' && body[written] === '\n') i++;
  }
  return written;
}

export type SyntaxCheck = { ok: true } | { ok: false; message: string; position: number };

/** Parses without evaluating; reports the first syntax error. */
export function checkFeelSyntax(body: string): SyntaxCheck {
  if (!body.trim()) return { ok: false, message: 'the expression is empty', position: 0 };
  let errorAt = -1;
  let doubled: ReturnType<typeof doubledOperator>;
  const source = feelSource(body);
  try {
    const tree = parsedFeel(source);
    tree.iterate({
      enter(node) {
        if (errorAt < 0 && node.type.isError) errorAt = node.from;
        if (!doubled && node.name === 'Comparison') doubled = doubledOperator(node.node, source);
      },
    });
  } catch (error) {
    return { ok: false, message: (error as Error).message, position: 0 };
  }
  if (errorAt < 0 && doubled) {
    const at = writtenPosition(body, doubled.from);
    const near = body.slice(at).replace(/\s+/g, ' ').slice(0, 12);
    const meant = MEANT_OPERATOR[doubled.operators];
    const advice = meant ? `write "${meant}"` : 'write one operator';
    return {
      ok: false,
      message: `two comparison operators in a row at position ${at + 1} (near "${near}"): FEEL has no "${doubled.written}", ${advice}`,
      position: at,
    };
  }
  if (errorAt >= 0) {
    errorAt = writtenPosition(body, errorAt);
    const near = body.slice(errorAt, errorAt + 12) || 'end of expression';
    return { ok: false, message: `syntax error at position ${errorAt + 1} (near "${near}")`, position: errorAt };
  }
  return { ok: true };
}

/** What a doubled comparison operator was most likely meant to be. */
const MEANT_OPERATOR: Record<string, string> = {
  '>>': '>', '<<': '<', '=>': '>=', '=<': '<=', '>==': '>=', '<==': '<=', '==': '=', '!==': '!=', '<>': '!=',
};

/**
 * `a >> 1` parses in feelin: `> 1` after the `>` is a unary test (a range), so the comparison compares a value with
 * a range, which fails at run time ("unsupported range") or gives null (`a == 1`, `a => 1`), never true or false.
 * FEEL allows a unary test only after `in` (`a in > 1`), so a comparison operator followed by another is a typo.
 */
function doubledOperator(comparison: FeelTreeNode, source: string): { from: number; written: string; operators: string } | undefined {
  let operator = comparison.firstChild;
  while (operator && operator.type.name !== 'CompareOp') operator = operator.nextSibling;
  const right = operator?.nextSibling;
  const second = right?.type.name === 'SimplePositiveUnaryTest' ? right.firstChild : null;
  if (!operator || second?.type.name !== 'CompareOp') return undefined;
  return { from: operator.from, written: source.slice(operator.from, second.to).replace(/\s+/g, ' '), operators: source.slice(operator.from, operator.to) + source.slice(second.from, second.to) };
}

/**
 * The top-level variables an expression reads: `customer` for `customer.name`,
 * not function names (`count(items)` reads `items`) and not names the
 * expression binds itself (`x` in `some x in items satisfies x > limit`).
 */
export function variablesReadBy(written: string): string[] {
  return [...remembered(readsCache, written, readBy)];
}

/** feelin's parse tree of `body`, or undefined where it does not parse (the syntax check reports that). */
function parsedOrUndefined(body: string): ReturnType<typeof parsedFeel> | undefined {
  try {
    return parsedFeel(body);
  } catch {
    return undefined;
  }
}

function readBy(written: string): string[] {
  const names = new Set<string>();
  const bound = new Set<string>();
  const body = feelSource(written);
  const tree = parsedOrUndefined(body);
  if (!tree) return [];
  tree.iterate({
    enter(node) {
      const text = body.slice(node.from, node.to);
      if (node.type.name === 'Name') bound.add(text);
      if (node.type.name !== 'VariableName') return;
      const parent = node.node.parent;
      const isCallee = parent?.type.name === 'FunctionInvocation' && parent.firstChild?.from === node.from;
      if (!isCallee) names.add(text);
    },
  });
  return [...names].filter((name) => !bound.has(name));
}

/** An entry an expression reads from a variable by a path: `{variable: 'customer', entry: 'id'}` for `customer.id`. */
interface PathRead {
  variable: string;
  entry: string;
}

/**
 * The first step of each path the expression reads from a variable (`customer.address.city` reads
 * `customer.address`), once each; not paths from names the expression binds itself, nor `get value(customer, "id")`.
 */
export function pathsReadBy(written: string): PathRead[] {
  return remembered(pathsCache, written, pathsOf);
}

function pathsOf(written: string): PathRead[] {
  const body = feelSource(written);
  const tree = parsedOrUndefined(body);
  if (!tree) return [];
  const found = new Map<string, PathRead>();
  const bound = new Set<string>();
  tree.iterate({
    enter(node) {
      if (node.type.name === 'Name') bound.add(body.slice(node.from, node.to));
      if (node.type.name !== 'PathExpression') return;
      const base = node.node.firstChild;
      const entry = node.node.lastChild;
      if (base?.type.name !== 'VariableName' || entry?.type.name !== 'PathName') return;
      const variable = body.slice(base.from, base.to);
      const name = body.slice(entry.from, entry.to);
      found.set(`${variable}.${name}`, { variable, entry: name });
    },
  });
  return [...found.values()].filter((path) => !bound.has(path.variable));
}

/** What is wrong with each variable an expression reads, for an error that names the input to fix. */
export function describeInputs(body: string, variables: Record<string, unknown>): FeelInput[] {
  return variablesReadBy(body).map((name) => ({
    name,
    problem: Object.hasOwn(variables, name) ? `is ${shortJson(variables[name])}` : 'is missing',
  }));
}

/** A value as JSON, cut short: an error message names it, it does not carry a whole order. */
function shortJson(value: unknown, limit = 60): string {
  const text = JSON.stringify(value ?? null) ?? String(value);
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

// Warnings that mean the expression could not really be evaluated.
const STRICT_WARNINGS = new Set([
  'NO_VARIABLE_FOUND',
  'NO_CONTEXT_ENTRY_FOUND',
  'NO_PROPERTY_FOUND',
  'NOT_COMPARABLE',
  'INVALID_TYPE',
  'INVALID_ARGUMENTS',
  'NO_FUNCTION_FOUND',
  'FUNCTION_INVOCATION_FAILURE',
  'UNSUPPORTED',
]);

/** The first warning of a feelin evaluation that means it could not really be evaluated, as a message. */
export function strictProblem(warnings: readonly { type: string; message: string }[]): string | undefined {
  return warnings.find((warning) => STRICT_WARNINGS.has(warning.type))?.message;
}

/**
 * Evaluates a FEEL expression (without `=`) strictly against `variables`:
 * from closures compiled once per text where the expression and the
 * variables allow it (compiled-feel.ts), else by feelin, with the same result.
 */
export function evaluateFeel(body: string, variables: Record<string, unknown>): unknown {
  const compiled = remembered(compiledCache, body, compileBody);
  if (compiled) {
    const value = compiled(variables);
    if (value !== LEFT_TO_FEELIN) return value;
  }
  return evaluateWithFeelin(body, variables);
}

/**
 * evaluateFeel by feelin alone (which parses the text again on every call). A
 * call of a built-in reaches the built-in, not a variable of its name (function-calls.ts),
 * and the test of an `if` or a quantifier is a boolean (boolean-tests.ts).
 */
export function evaluateWithFeelin(body: string, variables: Record<string, unknown>): unknown {
  let run;
  try {
    const prepared = remembered(expressionCache, body, (text) => prepare(feelSource(text), 'expression'));
    const { source } = prepared;
    run = withBooleanTests((check) => {
      // the parse made without variables counts, whatever they are named (parse-guard.ts)
      const guarded = variablesForParse(source, contextFor(prepared, variables, check));
      if ('changedBy' in guarded) {
        throw new FeelError(`cannot evaluate "${body}": ${describeNames(guarded.changedBy)} would be read in place of what the expression says`, body);
      }
      return withOrderingMismatches(() => withinFeelBudget(source, 'expression', () => evaluate(source, guarded.variables)));
    });
  } catch (error) {
    if (error instanceof FeelError) throw error;
    throw new FeelError(`cannot evaluate "${body}": ${(error as Error).message}`, body);
  }
  const { result, mismatch } = run.result;
  // FEEL's null for `"2000000" > 1000000` is a failed comparison, and `if "false"` a failed test: strict, like a missing variable
  const problem = strictProblem(result.warnings) ?? (mismatch && describeMismatch(mismatch)) ?? (run.nonBoolean && describeNonBoolean(run.nonBoolean));
  if (problem) throw new FeelError(`cannot evaluate "${body}": ${problem}`, body);
  return result.value;
}

/** The names parse-guard.ts found changing a parse, for an error message (the first three). */
function describeNames(names: readonly string[]): string {
  const quoted = names.slice(0, 3).map((name) => JSON.stringify(name)).join(', ');
  return names.length > 1 ? `the entries named ${quoted}${names.length > 3 ? ' …' : ''}` : `the entry named ${quoted}`;
}

/**
 * A decision table's input entry (FEEL unary tests) over `context` (its `?`), as feelin gives it;
 * a call of a built-in reaches the built-in, as in evaluateFeel. An ordering of an input of
 * another type (`> 1000000` over "2000000") and a test that gives no boolean add a warning.
 */
export function evaluateUnaryTests(text: string, context: Record<string, unknown>): EvaluationResult<boolean | null> {
  const prepared = remembered(unaryCache, text, (source) => prepare(source, 'unary-tests'));
  const { source } = prepared;
  const run = withBooleanTests((check) => {
    const guarded = variablesForParse(source, contextFor(prepared, context, check), 'unary-tests');
    if ('changedBy' in guarded) throw new FeelError(`cannot evaluate "${text}": ${describeNames(guarded.changedBy)} would be read in place of what the input entry says`, text);
    return withOrderingMismatches(() => withinFeelBudget(source, 'unary-tests', () => unaryTest(source, guarded.variables)));
  });
  const { result, mismatch } = run.result;
  // feelin's unary tests read the null of `> 1000000` over "2000000" as no match, and `not(> 1000000)` as a match
  const problems = [
    ...(mismatch ? [{ type: 'NOT_COMPARABLE' as const, message: describeMismatch(mismatch) }] : []),
    ...(run.nonBoolean ? [{ type: 'INVALID_TYPE' as const, message: describeNonBoolean(run.nonBoolean) }] : []),
  ];
  if (problems.length === 0) return result;
  const warnings = problems.map(({ type, message }) => ({ type, message, position: { from: 0, to: source.length }, details: { template: message, values: {} } }));
  return { ...result, warnings: [...result.warnings, ...warnings] };
}

/** A text as feelin evaluates it: its tests wrapped (boolean-tests.ts), then its calls of built-ins renamed (function-calls.ts). */
interface PreparedText {
  source: string;
  calls: FunctionCalls | undefined;
  check: string | undefined;
}

function prepare(text: string, dialect: 'expression' | 'unary-tests'): PreparedText {
  const tests = booleanTestsOf(text, dialect);
  const wrapped = tests ? tests.source : text;
  const calls = functionCallsOf(wrapped, dialect);
  return { source: calls ? calls.source : wrapped, calls, check: tests?.check };
}

/** The evaluation context of a prepared text: the variables, its calls' functions and the function that checks its tests. */
function contextFor(prepared: PreparedText, variables: Record<string, unknown>, check: (value: unknown) => unknown): Record<string, unknown> {
  const context = prepared.calls ? withFunctions(prepared.calls, variables) : variables;
  return prepared.check ? { ...context, [prepared.check]: check } : context;
}

/**
 * A FEEL value as text: text as it is; a context or a list as FEEL writes it, as FEEL's string() does
 * (`{orderNo: "SO-1", line: 2}`, `["dhl", "ups"]`), not as `[object Object]` or `dhl,ups`;
 * a number, boolean, date or duration as JavaScript prints it (what string() gives too).
 */
export function feelText(value: unknown): string {
  return typeof value === 'string' ? value : feelLiteral(value);
}

/** A sequence-flow condition must yield a boolean; anything else is an error. */
export function evaluateFeelCondition(body: string, variables: Record<string, unknown>): boolean {
  const value = evaluateFeel(body, variables);
  if (typeof value !== 'boolean') {
    throw new FeelError(`condition "${body}" gave ${JSON.stringify(value ?? null)}, not true or false`, body);
  }
  return value;
}

// Per expression text, what parsing it gave: its compiled closures (null when
// only feelin can evaluate it) and the variables it reads. Bounded: a library
// has a few hundred expressions, the modeler's checks add what is typed.
const CACHE_LIMIT = 5000;
const compiledCache = new Map<string, CompiledFeel | null>();
const readsCache = new Map<string, string[]>();
const pathsCache = new Map<string, PathRead[]>();
// Each text as feelin evaluates it: its tests wrapped, its calls of built-ins rewritten to reach them.
const expressionCache = new Map<string, PreparedText>();
const unaryCache = new Map<string, PreparedText>();

function compileBody(body: string): CompiledFeel | null {
  return compileFeel(feelSource(body)) ?? null;
}

/** Whether evaluateFeel runs `body` from compiled closures (the tests hold the shipped library to it). */
export function isCompiledFeel(body: string): boolean {
  return remembered(compiledCache, body, compileBody) !== null;
}

function remembered<T>(cache: Map<string, T>, text: string, make: (text: string) => T): T {
  if (cache.has(text)) return cache.get(text)!;
  const made = make(text);
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(text, made);
  return made;
}

/** A FEEL context: a plain object (not a date, duration or other value with its own text). */
function isContext(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

/** `value` as FEEL writes it inside a context or list: text quoted, null for nothing. (feelin's string() throws on some.) */
function feelLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(feelLiteral).join(', ')}]`;
  if (isContext(value)) {
    const entries = Object.entries(value).map(([key, entry]) => `${FEEL_NAME.test(key) ? key : JSON.stringify(key)}: ${feelLiteral(entry)}`);
    return `{${entries.join(', ')}}`;
  }
  return printed(value);
}

/** A number, boolean, date or duration as JavaScript prints it (feelin's dates and durations print as ISO 8601). */
function printed(value: unknown): string {
  return String(value);
}

/** A context key FEEL writes unquoted. */
const FEEL_NAME = /^[A-Za-z_]\w*$/;
