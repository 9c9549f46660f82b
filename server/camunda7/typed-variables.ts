// Camunda 7's typed variables ({"value": …, "type": "Boolean"}) to plain JSON
// values and back. Type names are case-insensitive, as Camunda reads them
// (its JavaScript client sends them in lower case). What Stratum cannot keep
// (files, bytes, Java objects) is refused naming the variable.
import type { Request } from 'express';
import { scanJson } from '../http/duplicate-keys.js';
import { unsafeParts } from '../../engine/variables/json-value-rules.js';
import { HttpProblem } from '../problem.js';

export interface TypedValue {
  value: unknown;
  type?: string;
  valueInfo?: Record<string, unknown>;
}

const INT32 = 2 ** 31;

/** A typed variable map from a Camunda 7 client → plain values; 422 naming `/variables/<name>` when a value does not fit its type. */
export function fromTypedVariables(typed: Record<string, TypedValue> | undefined, field = 'variables'): Record<string, unknown> {
  const plain: Record<string, unknown> = {};
  for (const [name, typedValue] of Object.entries(typed ?? {})) plain[name] = fromTyped(typedValue, `/${field}/${name}`);
  return plain;
}

/**
 * A body's typed variables as plain values. A value its type refuses is refused before the runtime sees its name:
 * the body stays at hand as a body the schema refused does, so a refused value of an order field (`amount` as an
 * Integer that is no whole number) is kept in the order's history as the runtime keeps a well-typed one
 * (role-refusals.ts), not only answered 400.
 */
export function plainVariables(body: { variables?: Record<string, TypedValue> } | undefined, req: Request): Record<string, unknown> {
  try {
    return fromTypedVariables(body?.variables);
  } catch (error) {
    if (req.res) req.res.locals.refusedBody = body;
    throw error;
  }
}

/** Plain values → Camunda 7 typed variables, as its REST API answers them. */
export function toTypedVariables(plain: Record<string, unknown>): Record<string, Required<TypedValue>> {
  return Object.fromEntries(Object.entries(plain).map(([name, value]) => [name, toTyped(value)]));
}

function fromTyped({ value, type, valueInfo }: TypedValue, pointer: string): unknown {
  const refuse = (why: string) => new HttpProblem(422, `${pointer.slice(1)}: ${why}.`, { errors: [{ field: pointer, message: why }] });
  switch (type?.toLowerCase()) {
    case undefined:
      return value;
    case 'null':
      return null;
    case 'boolean':
      if (typeof value !== 'boolean') throw refuse('a Boolean needs true or false');
      return value;
    case 'integer':
    case 'short':
    case 'long':
      if (!Number.isSafeInteger(value)) throw refuse(`${/^i/i.test(type) ? 'an' : 'a'} ${type} needs a whole number`);
      return value;
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) throw refuse('a Double needs a number');
      return value;
    case 'string':
    case 'date':
      if (typeof value !== 'string') throw refuse(`a ${type} needs a text`);
      return value;
    case 'json':
      return parseJson(value, pointer, refuse);
    case 'object':
      if (valueInfo?.serializationDataFormat !== 'application/json') throw refuse('an Object is accepted only serialized as application/json');
      return parseJson(value, pointer, refuse);
    default:
      throw refuse(`type ${type} is not supported (Boolean, Integer, Short, Long, Double, String, Date, Json, Null and Object as JSON are)`);
  }
}

/**
 * JSON text a worker sent inside a variable: held to the rules of the body around it (no prototype keys, nesting
 * as deep as a plain variable at `pointer` may go), which checked only the text. A value nested thousands deep
 * would otherwise overflow the stack where the step's state is stored, a 500.
 */
function parseJson(value: unknown, pointer: string, refuse: (why: string) => HttpProblem): unknown {
  if (typeof value !== 'string') return value;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw refuse('the Json value does not parse');
  }
  const { duplicateKey: repeated, inexactNumber } = scanJson(value);
  if (repeated !== undefined) throw refuse(`the Json value names ${repeated} twice in one object`);
  // as a JSON body's number is refused (json-body.ts): JSON.parse would keep 1000000.00000000001 as 1000000
  if (inexactNumber) {
    const message = `is written ${inexactNumber.written.slice(0, 60)}, which a JSON number (a double) cannot hold: it would be read as ${JSON.stringify(Number(inexactNumber.written))}`;
    throw new HttpProblem(422, `${pointer.slice(1)}: the Json value's number ${inexactNumber.pointer || '(the value)'} ${message}; send it with no more digits than it means (RFC 7493, 2.2).`, {
      errors: [{ field: pointer + inexactNumber.pointer, message }],
    });
  }
  const unsafe = unsafeParts(parsed, { pointer, depth: pointer.split('/').length - 1 });
  if (unsafe.length) {
    throw new HttpProblem(422, `${pointer.slice(1)}: the Json value contains keys or nesting that are not allowed: ${unsafe[0].field} ${unsafe[0].message}.`, { errors: unsafe });
  }
  return parsed;
}

function toTyped(value: unknown): Required<TypedValue> {
  if (value === null || value === undefined) return { value: null, type: 'Null', valueInfo: {} };
  if (typeof value === 'boolean') return { value, type: 'Boolean', valueInfo: {} };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return { value, type: 'Double', valueInfo: {} };
    return { value, type: value >= -INT32 && value < INT32 ? 'Integer' : 'Long', valueInfo: {} };
  }
  if (typeof value === 'string') return { value, type: 'String', valueInfo: {} };
  return { value: JSON.stringify(value), type: 'Json', valueInfo: {} };
}
