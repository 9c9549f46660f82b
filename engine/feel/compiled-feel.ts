// FEEL evaluated from a parse made once per expression. feelin parses the text
// on every evaluation (its grammar reads the variables' names, since a FEEL
// name may hold spaces and operators, so it has no parse-once API), and the
// parse and the tree built from it are most of what a condition costs. For the
// common subset — names, paths, literals, comparisons, `and`/`or`, parentheses
// — the tree feelin's parser gives once is turned into closures here. The
// parse is the one feelin makes for any variables whose names are plain
// identifiers (no spaces, operators or keywords), so the closures run only
// over such variables. Anything else — an expression outside the subset, or a
// value off the plain path (a missing variable, mixed types, a date, a list
// where a context is read) — is left to feelin's own evaluation, so values and
// errors stay feelin's. test/engine/feel/compiled-feel.test.ts holds the two
// to each other. Browser-safe.
import { evaluate } from 'feelin';
import { cleanExpressionTree, type FeelTreeNode as TreeNode } from './feel-tree.js';
import { FEEL_PARSE_WORDS } from './feel-words.js';

/** What a compiled expression gives when feelin must evaluate it instead. */
export const LEFT_TO_FEELIN: unique symbol = Symbol('left to feelin');

/** Runs over the variables: the value feelin would give, or LEFT_TO_FEELIN. */
export type CompiledFeel = (variables: Record<string, unknown>) => unknown;

type Run = (variables: Record<string, unknown>) => unknown;

/** FEEL words a variable name must not be for the parse to stay the one made without variables. */
const KEYWORDS = new Set(FEEL_PARSE_WORDS);

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Closures for a FEEL source in the subset, or undefined: feelin evaluates it every time. */
export function compileFeel(source: string): CompiledFeel | undefined {
  const tree = cleanExpressionTree(source);
  if (!tree) return undefined;
  const run = compileNode(tree, source);
  if (!run) return undefined;
  return (variables) => {
    if (!plainNames(variables)) return LEFT_TO_FEELIN;
    const value = run(variables);
    // feelin hands back copies of the contexts and lists it read
    return value !== null && typeof value === 'object' ? plainCopy(value) : value;
  };
}

// helpers

function compileNode(node: TreeNode, source: string): Run | undefined {
  const parts = children(node);
  const text = source.slice(node.from, node.to);
  switch (node.type.name) {
    case 'Expression':
      return parts.length === 1 ? compileNode(parts[0], source) : undefined;
    case 'ParenthesizedExpression':
      return parts.length === 3 ? compileNode(parts[1], source) : undefined;
    case 'Conjunction':
    case 'Disjunction':
      return parts.length === 3 ? logic(node.type.name, compileNode(parts[0], source), compileNode(parts[2], source)) : undefined;
    case 'Comparison': {
      if (parts.length !== 3 || parts[1].type.name !== 'CompareOp') return undefined;
      return comparison(source.slice(parts[1].from, parts[1].to), compileNode(parts[0], source), compileNode(parts[2], source));
    }
    case 'VariableName':
      return parts.length === 1 && parts[0].type.name === 'Identifier' ? variable(source.slice(parts[0].from, parts[0].to)) : undefined;
    case 'PathExpression': {
      if (parts.length !== 3 || parts[2].type.name !== 'PathName') return undefined;
      const name = children(parts[2]);
      if (name.length !== 1 || name[0].type.name !== 'Identifier') return undefined;
      return path(compileNode(parts[0], source), source.slice(name[0].from, name[0].to));
    }
    case 'StringLiteral':
    case 'NumericLiteral':
    case 'BooleanLiteral':
    case 'null':
      return literal(text);
    default:
      return undefined;
  }
}

function children(node: TreeNode): TreeNode[] {
  const list: TreeNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) if (!child.type.isSkipped) list.push(child);
  return list;
}

/** A literal's value, as feelin reads it (once). */
function literal(text: string): Run | undefined {
  let result;
  try {
    result = evaluate(text, {});
  } catch {
    return undefined;
  }
  if (result.warnings.length) return undefined;
  const { value } = result;
  if (value !== null && typeof value === 'object') return undefined;
  return () => value;
}

/** A top-level variable that is there, with a plain value (feelin reports a missing one). */
function variable(name: string): Run {
  return (variables) => {
    if (!Object.hasOwn(variables, name)) return LEFT_TO_FEELIN;
    return plainValue(variables[name]);
  };
}

/** `target.name` on a context that has the entry (lists, missing entries and other values are feelin's). */
function path(target: Run | undefined, name: string): Run | undefined {
  if (!target) return undefined;
  return (variables) => {
    const context = target(variables);
    if (!isContext(context) || !Object.hasOwn(context, name) || !plainNames(context)) return LEFT_TO_FEELIN;
    return plainValue(context[name]);
  };
}

/** FEEL's three-valued `and`/`or` over two booleans (anything else is feelin's). */
function logic(kind: string, left: Run | undefined, right: Run | undefined): Run | undefined {
  if (!left || !right) return undefined;
  return (variables) => {
    const a = left(variables);
    const b = right(variables);
    if (typeof a !== 'boolean' || typeof b !== 'boolean') return LEFT_TO_FEELIN;
    return kind === 'Conjunction' ? a && b : a || b;
  };
}

/** `=`/`!=` against null or between values of one simple type; `<`, `<=`, `>`, `>=` between numbers. */
function comparison(operator: string, left: Run | undefined, right: Run | undefined): Run | undefined {
  if (!left || !right) return undefined;
  if (operator === '=' || operator === '!=') {
    const negate = operator === '!=';
    return (variables) => {
      const a = left(variables);
      const b = right(variables);
      if (a === LEFT_TO_FEELIN || b === LEFT_TO_FEELIN) return LEFT_TO_FEELIN;
      let equal: boolean;
      if (a === null || b === null) equal = a === b;
      else if (isSimple(a) && typeof a === typeof b) equal = a === b;
      else return LEFT_TO_FEELIN;
      return negate ? !equal : equal;
    };
  }
  const order = ORDERINGS[operator];
  if (!order) return undefined;
  return (variables) => {
    const a = left(variables);
    const b = right(variables);
    if (typeof a !== 'number' || typeof b !== 'number') return LEFT_TO_FEELIN;
    return order(a, b);
  };
}

const ORDERINGS: Record<string, ((a: number, b: number) => boolean) | undefined> = {
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
};

function isSimple(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function isContext(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;
}

/**
 * Every name of the variables (or a context) a plain identifier that is no FEEL
 * word: then feelin parses an expression as it does without variables.
 */
export function plainNames(variables: Record<string, unknown>): boolean {
  for (const name of Object.keys(variables)) if (!PLAIN_NAME.test(name) || KEYWORDS.has(name)) return false;
  return true;
}

/** A value feelin takes as it is: null, text, numbers, booleans, and contexts and lists of those; else feelin's. */
function plainValue(value: unknown): unknown {
  if (value === null || isSimple(value)) return value;
  return isPlainData(value) ? value : LEFT_TO_FEELIN;
}

function isPlainData(value: unknown): boolean {
  if (value === null || isSimple(value)) return true;
  if (Array.isArray(value)) return value.every(isPlainData);
  return isContext(value) && Object.values(value).every(isPlainData);
}

function plainCopy(value: unknown): unknown {
  if (value === LEFT_TO_FEELIN) return value;
  if (Array.isArray(value)) return value.map(plainCopy);
  if (isContext(value)) return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, plainCopy(entry)]));
  return value;
}
