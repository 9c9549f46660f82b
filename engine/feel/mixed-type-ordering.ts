// FEEL orders values of one type only: `"10" > 5`, `true < 1000000`, `[10] > 5`,
// `"5" between 1 and 10` are null (DMN 1.4, 10.3.2.9 and 10.3.2.15: comparing values
// of different types gives null). feelin compares them as JavaScript does, so a
// variable holding the text "2000000" passed `=x > 1000000`, "" passed `=x < 5`,
// and a decision table's `> 1000000` matched the text "2000000". Every ordering
// feelin does (`<`, `<=`, `>`, `>=`, `between`, `in [a..b]`, a unary test's
// `> x` or `[a..b]`) asks FeelRange.includes whether the value lies in a range of
// the other operand's type, so that is where a value of another type gets null.
// A condition then fails strictly on the null ("gave null, not true or false"), a
// decision table's input entry fails as one comparing a null input does (the
// unary tests would read the null as no match, and `not(> 1000000)` as a match).
// Equality feelin already answers with null across types. Browser-safe.
import { FeelDate, FeelDateTime, FeelDuration, FeelRange, FeelTime } from 'feelin';

/** A value an ordering comparison met that is not of the type it compares. */
export interface OrderingMismatch {
  value: unknown;
  /** The FEEL type the comparison orders: `number`, `string`, `date`, `duration` … */
  expected: string;
}

/** What is wrong with a mismatch, for an error: `"2000000" is text, which cannot be ordered with a number`. */
export function describeMismatch({ value, expected }: OrderingMismatch): string {
  const shown = JSON.stringify(value) ?? String(value);
  const short = shown.length > 60 ? `${shown.slice(0, 60)}…` : shown;
  return `${short} is ${typeOf(value)}, which cannot be ordered with ${TYPE_WORDS[expected] ?? `a ${expected}`} (FEEL compares values of one type only)`;
}

/** `run` (one feelin evaluation) and the first value of another type an ordering comparison in it met, if any. */
export function withOrderingMismatches<T>(run: () => T): { result: T; mismatch: OrderingMismatch | undefined } {
  const outer = mismatch;
  mismatch = undefined;
  watching++;
  try {
    const result = run();
    return { result, mismatch };
  } finally {
    watching--;
    mismatch = outer;
  }
}

// helpers

let watching = 0;
let mismatch: OrderingMismatch | undefined;

/** Whether `value` is of the FEEL type a range of `type` holds; feelin tells `date`, `time` and `date and time` apart itself. */
function ofType(value: unknown, type: string): boolean {
  switch (type) {
    case 'number':
      return typeof value === 'number';
    case 'string':
      return typeof value === 'string';
    case 'duration':
      return value instanceof FeelDuration;
    default:
      return value instanceof FeelDate || value instanceof FeelDateTime || value instanceof FeelTime;
  }
}

function typeOf(value: unknown): string {
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'a boolean';
  if (Array.isArray(value)) return 'a list';
  if (value instanceof FeelDuration) return 'a duration';
  if (value instanceof FeelDate || value instanceof FeelDateTime || value instanceof FeelTime) return 'a date or time';
  return typeof value === 'object' ? 'a context' : typeof value;
}

const TYPE_WORDS: Record<string, string | undefined> = { string: 'text', 'date time': 'a date and time' };

const rangePrototype = FeelRange.prototype as { includes: (this: FeelRange, value: unknown) => boolean | null };
const includesAnyType = rangePrototype.includes;
rangePrototype.includes = function includesSameType(this: FeelRange, value: unknown): boolean | null {
  // valueType: the type of the range's bounds (feelin refuses bounds of two types); null for the empty range
  const expected = (this as { valueType?: unknown }).valueType;
  if (value !== null && value !== undefined && !(value instanceof FeelRange) && typeof expected === 'string' && !ofType(value, expected)) {
    if (watching > 0) mismatch ??= { value, expected };
    return null;
  }
  return includesAnyType.call(this, value);
};
