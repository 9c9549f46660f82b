// The test of an `if` and of `some`/`every … satisfies` is a boolean. FEEL takes
// the `else` branch for anything but true (DMN 1.4, 10.3.2.5), and a quantifier
// counts only true; feelin takes every value but false and null as true, so
// `=if directorApproved then "approved" else "rejected"` gave "approved" for a
// decision held as the text "false" (or 0, or []). As a sequence-flow condition
// that gives no boolean fails, so does such a test: once per text, each test is
// wrapped in a call of a function of its own (a name the text never uses) that
// hands booleans and null through and reports anything else, which fails the
// evaluation naming the value. Texts without an `if` or a quantifier are not
// touched. Browser-safe.
import { parsedFeel } from './parsed-feel.js';

/** A text whose tests are wrapped: the rewritten source and the name of the function that checks them. */
export interface BooleanTests {
  source: string;
  check: string;
}

/** A test that gave something other than a boolean or null. */
export interface NonBooleanTest {
  value: unknown;
}

/** `source` (an expression, or a decision table's unary tests) with its tests wrapped, or undefined when it has none. */
export function booleanTestsOf(source: string, dialect: 'expression' | 'unary-tests'): BooleanTests | undefined {
  let tree;
  try {
    tree = parsedFeel(source, dialect);
  } catch {
    return undefined;
  }
  const tests: { from: number; to: number }[] = [];
  tree.iterate({
    enter(ref) {
      const keyword = TEST_AFTER[ref.type.name];
      if (!keyword) return;
      for (let child = ref.node.firstChild; child; child = child.nextSibling) {
        if (child.type.name !== keyword) continue;
        const test = child.nextSibling;
        if (test && !test.type.isError) tests.push({ from: test.from, to: test.to });
        break;
      }
    },
  });
  if (tests.length === 0) return undefined;
  const check = freshName(source);
  // each test opens with `check(` and closes with `)`; at one position a test that ends closes before one that begins opens
  const marks = tests.flatMap(({ from, to }) => [{ at: from, text: `${check}(`, order: 1 }, { at: to, text: ')', order: 0 }]);
  marks.sort((a, b) => a.at - b.at || a.order - b.order);
  let rewritten = '';
  let at = 0;
  for (const mark of marks) {
    rewritten += source.slice(at, mark.at) + mark.text;
    at = mark.at;
  }
  return { source: rewritten + source.slice(at), check };
}

/**
 * `run` (one evaluation of a rewritten text, given the checking function to bind under `tests.check`) and the
 * first test that gave no boolean, if any.
 */
export function withBooleanTests<T>(run: (check: (value: unknown) => unknown) => T): { result: T; nonBoolean: NonBooleanTest | undefined } {
  let nonBoolean: NonBooleanTest | undefined;
  const check = (value: unknown): unknown => {
    if (value === null || value === undefined || typeof value === 'boolean') return value ?? null;
    nonBoolean ??= { value };
    return null;
  };
  const result = run(check);
  return { result, nonBoolean };
}

/** What is wrong with a test, for an error. */
export function describeNonBoolean({ value }: NonBooleanTest): string {
  const shown = JSON.stringify(value) ?? String(value);
  return `the test after "if" or "satisfies" gave ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown}, not true or false`;
}

// helpers

/** Per node that tests, the keyword its test follows. */
const TEST_AFTER: Record<string, string | undefined> = { IfExpression: 'if', QuantifiedExpression: 'satisfies' };

/** A plain name the text does not hold anywhere, so no variable it reads is hidden by it. */
function freshName(source: string): string {
  let name = 'stratum_test';
  while (source.includes(name)) name = `_${name}`;
  return name;
}
