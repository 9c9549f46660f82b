// FEEL expressions, Camunda 8 style: an expression attribute whose text starts
// with `=` is FEEL. Evaluation is strict: a missing variable or a failed
// comparison is an error, never a silent `null` that would pick a default path.
// Browser-safe: no Node-only imports.
import { evaluate, parseExpression, toFeel } from 'feelin';

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
  try {
    const tree = parseExpression(feelSource(body), {}, undefined);
    tree.iterate({
      enter(node) {
        if (errorAt < 0 && node.type.isError) errorAt = node.from;
      },
    });
  } catch (error) {
    return { ok: false, message: (error as Error).message, position: 0 };
  }
  if (errorAt >= 0) {
    errorAt = writtenPosition(body, errorAt);
    const near = body.slice(errorAt, errorAt + 12) || 'end of expression';
    return { ok: false, message: `syntax error at position ${errorAt + 1} (near "${near}")`, position: errorAt };
  }
  return { ok: true };
}

const readsByText = new Map<string, readonly string[]>();
const READS_CACHE_LIMIT = 5000;

/**
 * The top-level variables an expression reads: `customer` for `customer.name`,
 * not function names (`count(items)` reads `items`) and not names the
 * expression binds itself (`x` in `some x in items satisfies x > limit`).
 */
export function variablesReadBy(written: string): string[] {
  // a pure function of the text, asked on every task completion and start: parsed once per text
  let names = readsByText.get(written);
  if (!names) {
    names = parsedReads(written);
    if (readsByText.size >= READS_CACHE_LIMIT) readsByText.delete(readsByText.keys().next().value!);
    readsByText.set(written, names);
  }
  return [...names];
}

function parsedReads(written: string): string[] {
  const names = new Set<string>();
  const bound = new Set<string>();
  const body = feelSource(written);
  let tree;
  try {
    tree = parseExpression(body, {}, undefined);
  } catch {
    return [];
  }
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

/** Evaluates a FEEL expression (without `=`) strictly against `variables`. */
export function evaluateFeel(body: string, variables: Record<string, unknown>): unknown {
  const named = namedVariable(body, variables);
  if (named) return named.value;
  let result;
  try {
    result = evaluate(feelSource(body), variables);
  } catch (error) {
    throw new FeelError(`cannot evaluate "${body}": ${(error as Error).message}`, body);
  }
  const problem = strictProblem(result.warnings);
  if (problem) throw new FeelError(`cannot evaluate "${body}": ${problem}`, body);
  return result.value;
}

const PLAIN_NAME = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*$/;
const FEEL_WORDS = new Set(['true', 'false', 'null', 'not', 'and', 'or', 'if', 'then', 'else', 'for', 'in', 'return', 'some', 'every',
  'satisfies', 'instance', 'of', 'between', 'function', 'external']);

/**
 * Most expressions of a process name one variable (`=orderNo`, `=approved`). feelin would parse
 * them and copy every variable first; the value is the same as its lookup: that variable,
 * coerced as feelin coerces its context. Anything else (a missing variable too) is feelin's.
 */
function namedVariable(body: string, variables: Record<string, unknown>): { value: unknown } | undefined {
  const name = PLAIN_NAME.exec(body)?.[1];
  if (!name || FEEL_WORDS.has(name) || !Object.hasOwn(variables, name) || variables[name] === undefined) return undefined;
  return { value: asFeelValue(variables[name]) };
}

/** A value as feelin takes it from its context: lists and plain objects copied, dates and times as FEEL's. */
function asFeelValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asFeelValue);
  if (value !== null && value !== undefined && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, asFeelValue(entry)]));
  }
  return toFeel(value);
}

/** A sequence-flow condition must yield a boolean; anything else is an error. */
export function evaluateFeelCondition(body: string, variables: Record<string, unknown>): boolean {
  const value = evaluateFeel(body, variables);
  if (typeof value !== 'boolean') {
    throw new FeelError(`condition "${body}" gave ${JSON.stringify(value ?? null)}, not true or false`, body);
  }
  return value;
}
