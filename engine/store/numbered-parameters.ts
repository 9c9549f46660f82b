import type { NamedParameters } from './row-codec.js';

// pg takes only numbered parameters ($1, $2, …). The statements shared with
// SQLite name theirs (@name); this numbers them once, when the store module
// loads, and picks the values in that order for each call.

export interface NumberedStatement {
  text: string;
  /** The parameter names, in the order of their numbers. */
  names: readonly string[];
}

/** `@name` becomes `$n`, the same n wherever the name recurs. */
function numbered(sql: string): NumberedStatement {
  const names: string[] = [];
  const text = sql.replace(/@([A-Za-z_]\w*)/g, (_, name: string) => {
    let index = names.indexOf(name);
    if (index < 0) index = names.push(name) - 1;
    return `$${index + 1}`;
  });
  return { text, names };
}

export function numberedAll<Key extends string>(statements: Record<Key, string>): Record<Key, NumberedStatement> {
  const result = {} as Record<Key, NumberedStatement>;
  for (const key of Object.keys(statements) as Key[]) result[key] = numbered(statements[key]);
  return result;
}

/** The values of `parameters` in the order of the statement's numbers. */
export function valuesFor(statement: NumberedStatement, parameters: NamedParameters): unknown[] {
  return statement.names.map((name) => parameters[name]);
}
