// The entries inside a value never change what an expression says. feelin
// parses a text against the names it is given, those inside the variables'
// values too, since a FEEL name may hold spaces, keywords and operators: given
// `creditCheck = {"passed": true, "passed and vicePresidentApproved": true}`,
// the condition `=creditCheck.passed and vicePresidentApproved` reads that one
// entry instead of the check and the vice-president's decision. HTTP callers
// name variables as identifiers, but what they put inside a value is theirs, so
// a worker completing a job without declared outputs (which may set any
// variable but the order's fields and the elements' decisions) could so decide
// an approval nobody made. Camunda's FEEL engine reads such names only between
// backticks. So an entry whose name would change the parse fails the
// evaluation, naming it, rather than being read. Variables' own names keep
// feelin's reading: they come from the process's own output targets (a target
// `result.code` is read by `=result.code`) or from in-process callers. And
// feelin looks a name up with its white space evened out (`approved` finds a
// variable `approved ` where there is no `approved`): a variable is read only
// under the name it has, so one no text can write is read by none.
// Browser-safe.
import { parseExpression, parseUnaryTests } from 'feelin';
import { FEEL_PARSE_WORDS } from './feel-words.js';

/** A name no parse reads across: letters, digits and underscores only, and no FEEL word. */
const SINGLE_NAME = /^[\p{L}\p{N}_]+$/u;
const WORDS = new Set(FEEL_PARSE_WORDS);

/**
 * The variables to evaluate with, or the entries inside them that would change the parse, as paths
 * (`creditCheck.passed and vicePresidentApproved` for the entry `passed and vicePresidentApproved` of `creditCheck`).
 */
type ParseGuard = { variables: Record<string, unknown> } | { changedBy: string[] };

/** An expression, or a decision table's input entry (unary tests over `?`). */
type FeelDialect = 'expression' | 'unary-tests';

/**
 * What to evaluate `source` with: `variables` itself when no name in them may change a parse (the common case,
 * found without parsing), without the top-level names no text can write; `changedBy` when an entry inside a
 * value changes how `source` parses.
 */
export function variablesForParse(source: string, variables: Record<string, unknown>, dialect: FeelDialect = 'expression'): ParseGuard {
  if (!hasNameThatMayChangeParse(variables)) return { variables };
  // feelin looks a name up with its white space evened out (`x` finds a variable `x ` where there is no `x`):
  // a variable is read under the name it has, so one no text can write (`x `, `a  b`) is read by none
  const written = Object.entries(variables).filter(([name]) => spaced(name).trim() === name);
  const readable = written.length === Object.keys(variables).length ? variables : Object.fromEntries(written);
  const entries = written.flatMap(([name, value]) => entriesThatMayChangeParse(value, name, []));
  if (entries.length === 0) return { variables: readable };
  const withEntries = parsed(source, readable, dialect);
  const withoutEntries = parsed(source, Object.fromEntries(written.map(([name, value]) => [name, withoutSuchEntries(value)])), dialect);
  if (withEntries === withoutEntries) return { variables: readable };
  const text = spaced(source);
  const inText = entries.filter(({ name }) => text.includes(spaced(name)));
  return { changedBy: (inText.length ? inText : entries).map(({ path }) => path) };
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

/** The entries inside `value` (its contexts and lists, at any depth) whose names may change a parse, with their paths. */
function entriesThatMayChangeParse(value: unknown, path: string, found: { path: string; name: string }[]): { path: string; name: string }[] {
  if (Array.isArray(value)) {
    for (const item of value) entriesThatMayChangeParse(item, path, found);
    return found;
  }
  if (!isContext(value)) return found;
  for (const [name, entry] of Object.entries(value)) {
    const named = `${path}.${name}`;
    if (mayChangeParse(name)) found.push({ path: named, name });
    entriesThatMayChangeParse(entry, named, found);
  }
  return found;
}

/** `value` without the entries (at any depth) whose names may change a parse: what the parse should see. */
function withoutSuchEntries(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSuchEntries);
  if (!isContext(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([name]) => !mayChangeParse(name)).map(([name, entry]) => [name, withoutSuchEntries(entry)]));
}

/** The parse tree of `source` over the names of `context`, as text to compare; undefined where it does not parse. */
function parsed(source: string, context: Record<string, unknown>, dialect: FeelDialect): string | undefined {
  let tree;
  try {
    tree = dialect === 'expression' ? parseExpression(source, context, undefined) : parseUnaryTests(source, context, undefined);
  } catch {
    return undefined;
  }
  const parts: string[] = [];
  tree.iterate({ enter: (node) => void parts.push(`${node.type.name}@${node.from}-${node.to}`) });
  return parts.join(' ');
}

/** A FEEL context: a plain object (not a date, duration or function). */
function isContext(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
