// An expression means what its text says, whatever the variables are named.
// feelin parses a text against the names of the variables it is evaluated
// with, since a FEEL name may hold spaces, keywords and operators: given a
// variable named `reviewApproved and signerApproved`, the condition
// `=reviewApproved and signerApproved` reads that one variable instead of the
// two decisions, and `check.ok and signerApproved` reads an entry named so in
// `check`. A worker that completed a job without declared outputs (which may
// set any variable but the order's fields and the elements' decisions) could so
// decide an approval nobody made. Camunda's FEEL engine reads such names only
// between backticks. So the parse that counts is the one made without
// variables: the one deployment validates and the lint reads variables from,
// and the one the compiled subset runs (compiled-feel.ts). Where the variables
// would change it, the top-level names that parse does not read are left out of
// the evaluation; an entry of a context that still changes it fails the
// evaluation, naming it, rather than being read. feelin also looks a name up
// with its white space evened out (`approved` finds a variable `approved `
// where there is no `approved`): a variable is read only under the name it
// has, so one no text can write is read by none. Browser-safe.
import { parseExpression, parseUnaryTests } from 'feelin';
import { FEEL_PARSE_WORDS } from './feel-words.js';

/** A name no parse reads across: letters, digits and underscores only, and no FEEL word. */
const SINGLE_NAME = /^[\p{L}\p{N}_]+$/u;
const WORDS = new Set(FEEL_PARSE_WORDS);

/**
 * The variables to evaluate with, or the names that would still change the parse, as paths into the variables
 * (`check.ok and signerApproved` for the entry `ok and signerApproved` of `check`).
 */
type ParseGuard = { variables: Record<string, unknown> } | { changedBy: string[] };

/** An expression, or a decision table's input entry (unary tests over `?`). */
type FeelDialect = 'expression' | 'unary-tests';

/**
 * What to evaluate `source` with so that feelin parses it as it parses without variables: `variables`
 * itself when their names change nothing (the common case, found without parsing), else without the top-level
 * names that change the parse and that the parse without variables does not read. `changedBy` when an entry
 * of a context would still change it.
 */
export function variablesForParse(source: string, variables: Record<string, unknown>, dialect: FeelDialect = 'expression'): ParseGuard {
  if (!hasNameThatMayChangeParse(variables)) return { variables };
  // feelin looks a name up with its white space evened out (`x` finds a variable `x ` where there is no `x`):
  // a variable is read under the name it has, so one no text can write (`x `, `a  b`) is read by none
  const written = Object.entries(variables).filter(([name]) => spaced(name).trim() === name);
  const readable = written.length === Object.keys(variables).length ? variables : Object.fromEntries(written);
  const plain = parsed(source, {}, dialect);
  if (plain === undefined || parsed(source, readable, dialect)?.shape === plain.shape) return { variables: readable };
  const kept = Object.fromEntries(written.filter(([name]) => !mayChangeParse(name) || plain.reads.has(name)));
  if (parsed(source, kept, dialect)?.shape === plain.shape) return { variables: kept };
  const remaining = multiTokenNames(kept, '', []);
  const text = spaced(source);
  const inText = remaining.filter(({ name }) => text.includes(spaced(name)));
  return { changedBy: (inText.length ? inText : remaining).map(({ path }) => path) };
}

// helpers

/** Text with its runs of white space as one space, as a FEEL name compares. */
function spaced(text: string): string {
  return text.replace(/\s+/g, ' ');
}

function mayChangeParse(name: string): boolean {
  return name !== '?' && (!SINGLE_NAME.test(name) || WORDS.has(name));
}

/** Whether a name of `value` (top-level, or inside its contexts and lists) may change a parse: the walk stops at the first. */
function hasNameThatMayChangeParse(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasNameThatMayChangeParse);
  if (!isContext(value)) return false;
  for (const [name, entry] of Object.entries(value)) {
    if (mayChangeParse(name) || hasNameThatMayChangeParse(entry)) return true;
  }
  return false;
}

/** The names (top-level and inside contexts and lists) a parse could read across several tokens, as paths. */
function multiTokenNames(value: unknown, path: string, found: { path: string; name: string }[]): { path: string; name: string }[] {
  if (Array.isArray(value)) {
    for (const item of value) multiTokenNames(item, path, found);
    return found;
  }
  if (!isContext(value)) return found;
  for (const [name, entry] of Object.entries(value)) {
    const named = path ? `${path}.${name}` : name;
    if (mayChangeParse(name)) found.push({ path: named, name });
    multiTokenNames(entry, named, found);
  }
  return found;
}

/** The parse tree of `source` over the names of `context`, as text to compare, and the names it reads; undefined where it does not parse. */
function parsed(source: string, context: Record<string, unknown>, dialect: FeelDialect): { shape: string; reads: Set<string> } | undefined {
  let tree;
  try {
    tree = dialect === 'expression' ? parseExpression(source, context, undefined) : parseUnaryTests(source, context, undefined);
  } catch {
    return undefined;
  }
  const parts: string[] = [];
  const reads = new Set<string>();
  tree.iterate({
    enter: (node) => {
      parts.push(`${node.type.name}@${node.from}-${node.to}`);
      if (node.type.name === 'VariableName') reads.add(spaced(source.slice(node.from, node.to)));
    },
  });
  return { shape: parts.join(' '), reads };
}

/** A FEEL context: a plain object (not a date, duration or function). */
function isContext(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
