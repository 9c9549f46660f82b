// Compiles the request schemas once and turns ajv's errors into FieldErrors
// that name each offending field.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { HttpProblem, type FieldError } from '../problem.js';
import type { JsonSchema } from '../schemas/common.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/**
 * `x-max-decimals: n`: a number whose shortest decimal form has at most n decimals
 * (an OpenAPI extension keyword; other validators ignore it).
 */
function addMaxDecimals(ajv: Ajv2020): Ajv2020 {
  // The limit travels in `params`: ajv keeps `schema` on errors only in verbose mode.
  const validate = (decimals: number, value: number): boolean => {
    const ok = Number.isFinite(value) && Number(value.toFixed(decimals)) === value;
    validate.errors = ok ? undefined : [{ keyword: 'x-max-decimals', message: `must have at most ${decimals} decimals`, params: { limit: decimals } }];
    return ok;
  };
  validate.errors = undefined as Partial<ErrorObject>[] | undefined;
  return ajv.addKeyword({ keyword: 'x-max-decimals', type: 'number', schemaType: 'number', errors: true, validate });
}

/** The decimal text of a safe integer, as clients send OpenAPI's `format: int64` to keep it lossless. */
const INT64_TEXT = /^-?[0-9]{1,15}$/;

/**
 * `x-int64: {minimum, maximum}`: an integer in the range, given as a number or as its decimal
 * text (Camunda 8's clients send every int64 field as a JSON string); the handler reads it
 * with `Number`. With `nullable`, null passes too (the field is read as absent).
 */
function addInt64(ajv: Ajv2020): Ajv2020 {
  const validate = (range: { minimum: number; maximum: number; nullable?: boolean }, value: unknown): boolean => {
    if (value === null && range.nullable) {
      validate.errors = undefined;
      return true;
    }
    const number = typeof value === 'string' && INT64_TEXT.test(value) ? Number(value) : value;
    const ok = typeof number === 'number' && Number.isInteger(number) && number >= range.minimum && number <= range.maximum;
    validate.errors = ok ? undefined : [{ keyword: 'x-int64', message: `must be an integer from ${range.minimum} to ${range.maximum} (a number or its decimal text)`, params: range }];
    return ok;
  };
  validate.errors = undefined as Partial<ErrorObject>[] | undefined;
  return ajv.addKeyword({ keyword: 'x-int64', schemaType: 'object', errors: true, validate });
}

const bodyAjv = addInt64(addMaxDecimals(addFormats(new Ajv2020({ allErrors: true, strict: true }))));
const textAjv = addInt64(addMaxDecimals(addFormats(new Ajv2020({ allErrors: true, strict: true, coerceTypes: true, useDefaults: true }))));

export type Where = 'body' | 'query' | 'path' | 'header';

function fieldOf(where: Where, error: ErrorObject): string {
  let pointer = error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required' || error.keyword === 'dependentRequired') pointer += `/${String(params.missingProperty)}`;
  if (error.keyword === 'additionalProperties') pointer += `/${String(params.additionalProperty)}`;
  if (error.keyword === 'propertyNames') pointer += `/${String(params.propertyName)}`;
  if (where === 'body') return pointer || '/';
  return `${where}.${pointer.replace(/^\//, '').replace(/\//g, '.')}`;
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'dependentRequired':
      return `is required when ${String((error.params as { property?: string }).property)} is given`;
    case 'additionalProperties':
      return 'is not allowed';
    case 'propertyNames':
      return 'is not an allowed name here';
    case 'pattern':
      return 'has characters or a form that is not allowed';
    case 'x-max-decimals':
      return `must have at most ${String((error.params as { limit?: number }).limit)} decimals`;
    case 'x-int64':
      return error.message ?? 'is not an integer in range';
    case 'enum':
      return oneOf((error.params as { allowedValues: unknown[] }).allowedValues);
    case 'const':
      return oneOf([(error.params as { allowedValue: unknown }).allowedValue]);
    default:
      return error.message ?? 'is invalid';
  }
}

/** ENUM_LISTED values at most are named (`paymentTerms`' three); a longer list (currency codes) is counted. */
const ENUM_LISTED = 12;

/** What a field that takes listed values must be, naming them, so a client need not look them up. */
function oneOf(values: unknown[]): string {
  if (values.length === 1) return `must be ${JSON.stringify(values[0])}`;
  if (values.length > ENUM_LISTED) return `must be one of the ${values.length} values the OpenAPI document lists for it`;
  return `must be one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;
}

function toFieldErrors(where: Where, errors: ErrorObject[] | null | undefined): FieldError[] {
  const seen = new Set<string>();
  const list: FieldError[] = [];
  for (const error of errors ?? []) {
    // propertyNames reports the name's own failure as well; one line per field is enough.
    if (error.propertyName !== undefined && error.keyword !== 'propertyNames') continue;
    // an if/then rule reports the failed `then` itself, at its field
    if (error.keyword === 'if') continue;
    const item = { field: fieldOf(where, error), message: messageOf(error) };
    const key = `${item.field} ${item.message}`;
    if (!seen.has(key)) list.push(item);
    seen.add(key);
  }
  return list;
}

export interface Validator<T> {
  (value: unknown): T;
  /** Compiles the schema now, if no value has been checked yet (compileInTurns). */
  compile(): void;
}

/**
 * A function that returns the value typed, or throws a 400/422 problem naming each field. The schema is compiled
 * at the first check, or earlier by `compile`: ajv's code generation for every operation's schemas was the largest
 * part of a server's start (a second and more of CPU on a loaded machine), paid before it could answer anything.
 */
export function validator<T>(schema: JsonSchema, where: Where, status = where === 'body' ? 422 : 400): Validator<T> {
  let check: ValidateFunction | undefined;
  const compiled = (): ValidateFunction => (check ??= (where === 'body' ? bodyAjv : textAjv).compile(schema));
  const validate = (value: unknown): T => {
    const checkValue = compiled();
    if (checkValue(value)) return value as T;
    const errors = toFieldErrors(where, checkValue.errors);
    const summary = errors
      .slice(0, 5)
      .map((error) => `${error.field} ${error.message}`)
      .join('; ');
    throw new HttpProblem(status, `${where === 'body' ? 'The request body is' : `The request's ${where} parameters are`} not valid: ${summary}.`, { errors });
  };
  return Object.assign(validate, { compile: () => void compiled() });
}

/**
 * Compiles `validators` one per event-loop turn, so that requests arriving meanwhile wait for one schema's
 * compiling at most, not for all of them.
 */
export async function compileInTurns(validators: Iterable<Validator<unknown>>): Promise<void> {
  for (const each of validators) {
    each.compile();
    await new Promise((resolve) => setImmediate(resolve));
  }
}
