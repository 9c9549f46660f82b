// FEEL's own words. A context entry with one of these names changes what an
// expression means: feelin reads a variable named `false` in place of the
// literal (`acknowledged = false` compares with the variable), and one named
// `and` or `in` changes how the expression parses. Browser-safe.

/** Literals and keywords: no variable handed into a process may be named so (variable-names.ts). */
export const FEEL_RESERVED_WORDS: readonly string[] = [
  'true', 'false', 'null', 'and', 'or', 'not', 'for', 'in', 'return', 'if', 'then', 'else', 'some', 'every',
  'satisfies', 'instance', 'of', 'function', 'between', 'external', 'is',
];

/** The reserved words and the type names a name may start (`date and time`): a variable named so changes feelin's parse. */
export const FEEL_PARSE_WORDS: readonly string[] = [...FEEL_RESERVED_WORDS, 'date', 'time', 'duration'];
