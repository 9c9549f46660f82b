// A FEEL evaluation has a budget. feelin has no hook to stop one, so a deployed
// `=count(for i in 1..100000000 return i) > 0`, or `for i in 1..quantity` over an
// order's quantity, held the step's thread for minutes and gigabytes and the
// server stopped answering. Two limits, both configurable:
// - time (STRATUM_FEEL_BUDGET_MS, default 1000): an expression that can loop
//   (`for`, `some`/`every`, a function it defines, which may recurse) runs inside a
//   `vm` script with a timeout, whose watchdog terminates the JavaScript running,
//   feelin's host-realm functions included. Starting the watchdog costs about
//   0.1 ms, so expressions that cannot loop (`amount > 1000000`, calls of built-ins
//   over the data) run as before: their work is bounded by their text and the data.
// - size: a range an expression goes through (`for i in 1..n`) holds at most
//   STRATUM_FEEL_RANGE_LIMIT numbers (default 1,000,000), refused before feelin
//   builds its list, which the time limit alone let grow to 700 MB; and the built-in
//   functions an expression that can loop calls give at most STRATUM_FEEL_TEXT_LIMIT
//   characters in all (default 10,000,000): a `string join` in a loop copies text
//   at memory speed, and kept 1.7 GB within the time limit.
// Where no `vm` exists (the modeler in a browser) the size limits still hold.
// Browser-safe: `node:vm` is looked up at run time, never imported.
import { FeelRange } from 'feelin';
import { parsedFeel, type FeelDialect } from './parsed-feel.js';
import { ConfigurationError } from '../errors.js';
import { wholeNumberSetting } from '../setting-number.js';

const FEEL_BUDGET_VARIABLE = 'STRATUM_FEEL_BUDGET_MS';
const FEEL_RANGE_VARIABLE = 'STRATUM_FEEL_RANGE_LIMIT';
const FEEL_TEXT_VARIABLE = 'STRATUM_FEEL_TEXT_LIMIT';
const DEFAULT_BUDGET_MS = 1000;
const DEFAULT_RANGE_LIMIT = 1_000_000;
const DEFAULT_TEXT_LIMIT = 10_000_000;

/** An evaluation stopped because it went over its budget (time, or the size of a range). */
class FeelBudgetExceeded extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeelBudgetExceeded';
  }
}

/** The time budget of one evaluation, in ms; a ConfigurationError when the variable is set to something else than a whole number ≥ 1. */
export function feelBudgetMs(): number {
  return setting(FEEL_BUDGET_VARIABLE, DEFAULT_BUDGET_MS);
}

/** The most numbers a range an expression goes through may hold. */
export function feelRangeLimit(): number {
  return setting(FEEL_RANGE_VARIABLE, DEFAULT_RANGE_LIMIT);
}

/** The most characters the built-in functions of one evaluation that can loop may give, in all. */
export function feelTextLimit(): number {
  return setting(FEEL_TEXT_VARIABLE, DEFAULT_TEXT_LIMIT);
}

/**
 * `run` (one feelin evaluation of `source`) within the budget where `source` can loop: the time budget where
 * a `vm` is at hand, and the text limit of the built-ins it calls; a FeelBudgetExceeded when it goes over.
 */
export function withinFeelBudget<T>(source: string, dialect: FeelDialect, run: () => T): T {
  if (running || !canLoop(source, dialect)) return run();
  const budgetMs = feelBudgetMs();
  textLeft = feelTextLimit();
  running = true;
  const vm = nodeVm();
  try {
    if (!vm) return run();
    const { script, context } = watchdog(vm);
    handed = run;
    return script.runInContext(context, { timeout: budgetMs }) as T;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') {
      throw new FeelBudgetExceeded(`the expression exceeded its budget: it ran longer than ${budgetMs} ms (${FEEL_BUDGET_VARIABLE}) and was stopped`);
    }
    throw error;
  } finally {
    // a terminated run skips feelin's own clean-up, but feelin keeps no state between evaluations
    handed = undefined;
    running = false;
  }
}

/**
 * `builtin` (a feelin built-in function) counting the characters of the text it gives against the text
 * limit while an evaluation that can loop runs; made once per built-in.
 */
export function countedBuiltin(builtin: unknown): unknown {
  if (typeof builtin !== 'function') return builtin;
  let counted = counting.get(builtin);
  if (!counted) {
    const original = builtin as ((...args: unknown[]) => unknown) & { $args?: string[] };
    const wrapper = (...args: unknown[]): unknown => {
      const value = original(...args);
      if (running && typeof value === 'string') {
        textLeft -= value.length;
        if (textLeft < 0) {
          const limit = feelTextLimit();
          throw new FeelBudgetExceeded(`the expression exceeded its budget: its built-in functions gave more than the ${limit} characters of text an expression may build (${FEEL_TEXT_VARIABLE})`);
        }
      }
      return value;
    };
    // feelin reads a function's parameter names from `$args`
    counted = Object.assign(wrapper, { $args: original.$args });
    counting.set(builtin, counted);
  }
  return counted;
}

/** An expression, or a decision table's input entry (unary tests over `?`). */

// helpers

/** Nodes that repeat work beyond what the text and the data hold. */
const LOOPING_NODES = new Set(['ForExpression', 'QuantifiedExpression', 'FunctionDefinition']);
const CACHE_LIMIT = 5000;
const loopingCache: Record<FeelDialect, Map<string, boolean>> = { expression: new Map(), 'unary-tests': new Map() };

/** Whether `source` can loop: it holds a `for`, a `some`/`every` or a function definition (which may recurse). Once per text. */
function canLoop(source: string, dialect: FeelDialect): boolean {
  const cache = loopingCache[dialect];
  const known = cache.get(source);
  if (known !== undefined) return known;
  let looping = false;
  try {
    const tree = parsedFeel(source, dialect);
    tree.iterate({ enter: (node) => { if (LOOPING_NODES.has(node.type.name)) looping = true; return !looping; } });
  } catch {
    // what does not parse fails in feelin at once
  }
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(source, looping);
  return looping;
}

type Vm = typeof import('node:vm');

/** Node's `vm`, or undefined in a browser. */
function nodeVm(): Vm | undefined {
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return node?.getBuiltinModule?.('node:vm') as Vm | undefined;
}

/** True while an evaluation that can loop runs: one inside it (none today) needs no second watchdog. */
let running = false;
/** The characters of text the built-ins of the running evaluation may still give. */
let textLeft = 0;
const counting = new WeakMap<object, unknown>();
/** The evaluation the script calls, in the host's realm. */
let handed: (() => unknown) | undefined;
let watched: { script: import('node:vm').Script; context: object } | undefined;

/** The script that runs the handed evaluation, and its context: made once. */
function watchdog(vm: Vm): { script: import('node:vm').Script; context: object } {
  watched ??= { script: new vm.Script('run()'), context: vm.createContext({ run: () => handed?.() }) };
  return watched;
}

const parsedSettings = new Map<string, { text: string | undefined; value: number }>();

/** A whole number ≥ 1 from the environment, else `fallback` when unset or blank; read again when the text changes. */
function setting(variable: string, fallback: number): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  const text = env?.[variable];
  const known = parsedSettings.get(variable);
  if (known && known.text === text) return known.value;
  let value = fallback;
  if (text !== undefined && text.trim() !== '') {
    value = wholeNumberSetting(text);
    if (!Number.isSafeInteger(value) || value < 1) throw new ConfigurationError(variable, `${variable} must be a whole number of at least 1, not ${text}`);
  }
  parsedSettings.set(variable, { text, value });
  return value;
}

// feelin builds the whole list of a range before going through it: refused above the limit, before it is built
const rangePrototype = FeelRange.prototype as { map: (this: FeelRange, fn: (value: unknown) => unknown) => unknown[] };
const mapRange = rangePrototype.map;
rangePrototype.map = function mapWithinLimit(this: FeelRange, fn: (value: unknown) => unknown): unknown[] {
  const start: unknown = this.start;
  const end: unknown = this.end;
  if (typeof start === 'number' && typeof end === 'number') {
    const size = Math.abs(end - start) + 1;
    const limit = feelRangeLimit();
    if (size > limit) {
      throw new FeelBudgetExceeded(`the expression exceeded its budget: the range ${start}..${end} holds ${size} numbers, more than the ${limit} an expression may go through (${FEEL_RANGE_VARIABLE})`);
    }
  }
  return mapRange.call(this, fn);
};
