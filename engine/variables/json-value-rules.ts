// What any value handed into the engine may look like, however it arrives (an
// HTTP body, a Camunda 7 `Json` variable, an in-process call): no key that
// could pollute prototypes (`__proto__`, `constructor`, `prototype`) and no
// nesting deeper than MAX_DEPTH. A value nested thousands deep overflows the
// stack where a step's state is cloned and stored (a RangeError, nothing a
// caller can act on), and one stored a little less deep breaks every later
// step, view and history read of its instance; so it is refused before
// anything is stored. Browser-safe.
import { StratumError, type FieldProblem } from '../errors.js';

/** The deepest a value may nest, counted from the root of the request it came in (an HTTP body). */
export const MAX_DEPTH = 32;

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Where a value sits in its request: `/variables` of a body is one level down. */
export interface ValuePlace {
  pointer: string;
  depth: number;
}

/** The body's root. */
export const BODY_ROOT: ValuePlace = { pointer: '', depth: 0 };
/** The variables of a body (`{"variables": {…}}`): a variable's value may nest as deep as there. */
export const BODY_VARIABLES: ValuePlace = { pointer: '/variables', depth: 1 };

/** The forbidden keys and too-deep nesting of a value (at most 20), walked without recursion. */
export function unsafeParts(root: unknown, at: ValuePlace = BODY_ROOT): FieldProblem[] {
  const errors: FieldProblem[] = [];
  const stack: { value: unknown; pointer: string; depth: number }[] = [{ value: root, ...at }];
  while (stack.length && errors.length < 20) {
    const { value, pointer, depth } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_DEPTH) {
      errors.push({ field: pointer || '/', message: `nests deeper than ${MAX_DEPTH} levels` });
      continue;
    }
    for (const key of Object.keys(value)) {
      const child = `${pointer}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (FORBIDDEN_KEYS.has(key)) {
        errors.push({ field: child, message: 'is a reserved key and not allowed' });
        continue;
      }
      stack.push({ value: (value as Record<string, unknown>)[key], pointer: child, depth: depth + 1 });
    }
  }
  return errors;
}

/** Throws StratumError('invalid') naming each unsafe part of `value` (see unsafeParts); nothing is stored then. */
export function refuseUnsafeValue(value: unknown, at: ValuePlace = BODY_ROOT): void {
  const errors = unsafeParts(value, at);
  if (errors.length === 0) return;
  throw new StratumError('invalid', `the request contains keys or nesting that are not allowed: ${errors[0].field} ${errors[0].message}`, { errors });
}
