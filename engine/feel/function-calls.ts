// A FEEL function call reaches a function, never a variable of the same name.
// feelin looks a called name up among the variables first, so a worker that
// completed a job with `{"today": 0}` made `today() > date("2000-01-01")` fail
// with "Cannot invoke '0'" for good (a retry cannot take the variable away).
// Camunda's FEEL engine resolves an invocation to a function only. So, once per
// text, each call of a built-in by its name is rewritten to a name of its own
// (one the text never uses), bound to the built-in in the evaluation context:
// `count(count)` calls the built-in on the variable `count`. A call inside a
// context, `for`, quantifier or function definition that binds the name itself
// is left as written: the local entry (`{count: function(x) 42, r: count(xs)}`)
// is what the designer meant. Texts that call no built-in are not touched.
// Browser-safe.
import { evaluate, isFunction } from 'feelin';
import { parsedFeel } from './parsed-feel.js';
import { countedBuiltin } from './feel-budget.js';

/** How to evaluate a text whose calls go to functions: the rewritten source and what its own names are bound to. */
export interface FunctionCalls {
  source: string;
  /** Each name given to a call (`count` → its own name): the variable's function, else the built-in. */
  calls: { alias: string; name: string; builtin: unknown }[];
}

interface SyntaxNode {
  type: { name: string };
  from: number;
  to: number;
  parent: SyntaxNode | null;
  firstChild: SyntaxNode | null;
  nextSibling: SyntaxNode | null;
}

/** The calls of built-ins in `source` (an expression, or a decision table's unary tests), or undefined when it makes none. */
export function functionCallsOf(source: string, dialect: 'expression' | 'unary-tests'): FunctionCalls | undefined {
  let tree;
  try {
    tree = parsedFeel(source, dialect);
  } catch {
    return undefined;
  }
  const callees: { from: number; to: number; name: string }[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.type.name !== 'VariableName') return;
      const node = ref.node as unknown as SyntaxNode;
      const parent = node.parent;
      if (parent?.type.name !== 'FunctionInvocation' || parent.firstChild?.from !== node.from) return;
      const name = spaced(source.slice(node.from, node.to));
      if (builtinNamed(name) === undefined || boundAround(node, name, source)) return;
      callees.push({ from: node.from, to: node.to, name });
    },
  });
  if (callees.length === 0) return undefined;
  const aliases = new Map<string, string>();
  for (const { name } of callees) if (!aliases.has(name)) aliases.set(name, freshName(source, aliases.size));
  let rewritten = '';
  let at = 0;
  for (const callee of callees) {
    rewritten += `${source.slice(at, callee.from)}${aliases.get(callee.name)}`;
    at = callee.to;
  }
  rewritten += source.slice(at);
  return {
    source: rewritten,
    calls: [...aliases].map(([name, alias]) => ({ alias, name, builtin: builtinNamed(name) })),
  };
}

/**
 * The evaluation context for a rewritten text: the variables, and each call's name bound to its function
 * (a built-in counting the text it gives against the budget, feel-budget.ts).
 */
export function withFunctions(calls: FunctionCalls, variables: Record<string, unknown>): Record<string, unknown> {
  const context: Record<string, unknown> = { ...variables };
  for (const { alias, name, builtin } of calls.calls) {
    const own = Object.hasOwn(variables, name) ? variables[name] : undefined;
    context[alias] = typeof own === 'function' || isFunction(own) ? own : countedBuiltin(builtin);
  }
  return context;
}

// helpers

const builtins = new Map<string, unknown>();

/** feelin's built-in function of that name (what the name gives with no variables), or undefined. */
function builtinNamed(name: string): unknown {
  if (!builtins.has(name)) {
    let value: unknown;
    try {
      const result = evaluate(name, {});
      value = result.warnings.length === 0 && (typeof result.value === 'function' || isFunction(result.value)) ? result.value : undefined;
    } catch {
      value = undefined;
    }
    builtins.set(name, value);
  }
  return builtins.get(name);
}

/** A name as FEEL compares it: runs of white space are one space. */
function spaced(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

/** Whether a context entry, an iteration or a function parameter around the call binds `name`. */
function boundAround(node: SyntaxNode, name: string, source: string): boolean {
  for (let scope = node.parent; scope; scope = scope.parent) {
    const binder = BINDERS[scope.type.name];
    if (binder && namesBound(scope, binder, source).includes(name)) return true;
  }
  return false;
}

/** Per node that binds names, the path of child node types down to each bound name (a Name, or a context key's text). */
const BINDERS: Record<string, string[] | undefined> = {
  Context: ['ContextEntry', 'Key'],
  ForExpression: ['InExpressions', 'InExpression', 'Name'],
  QuantifiedExpression: ['InExpressions', 'InExpression', 'Name'],
  FunctionDefinition: ['FormalParameters', 'FormalParameter', 'ParameterName'],
};

function namesBound(scope: SyntaxNode, path: string[], source: string): string[] {
  let level = [scope];
  for (const type of path) {
    const next: SyntaxNode[] = [];
    for (const node of level) for (let child = node.firstChild; child; child = child.nextSibling) if (child.type.name === type) next.push(child);
    level = next;
  }
  return level.map((node) => spaced(unquoted(source.slice(node.from, node.to))));
}

/** A context key as its entry is named: `"count"` is `count`. */
function unquoted(text: string): string {
  if (!text.startsWith('"')) return text;
  try {
    return String(JSON.parse(text));
  } catch {
    return text;
  }
}

/** A plain name the text does not hold anywhere, so no variable it reads is hidden by it. */
function freshName(source: string, index: number): string {
  let name = `stratum_function_${index}`;
  while (source.includes(name)) name = `_${name}`;
  return name;
}
