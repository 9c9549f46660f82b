// Checks requests against their schemas with the functions the build generated (or ajv compiles) and turns
// ajv's errors into FieldErrors that name each offending field.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import { HttpProblem, type FieldError } from '../problem.js';
import type { JsonSchema } from '../schemas/common.js';
import { ajvKindOf, requestAjv, schemaKey, type AjvKind } from './request-ajv.js';

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
 * A function that returns the value typed, or throws a 400/422 problem naming each field. Its ajv function is the one
 * `npm run build` generated for the schema (precompile-validators.ts), else compiled at the first check or earlier by
 * `compile`: ajv's code generation for every operation's schemas was a fifth of a server start's CPU.
 */
export function validator<T>(schema: JsonSchema, where: Where, status = where === 'body' ? 422 : 400): Validator<T> {
  let check: ValidateFunction | undefined;
  const compiled = (): ValidateFunction => (check ??= functionFor(ajvKindOf(where), schema));
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

/** How many of this process's validators took the build's function and how many were compiled here. */
const sources = { precompiled: 0, compiled: 0 };

export function validatorSources(): Readonly<typeof sources> {
  return { ...sources };
}

const ajvs: Partial<Record<AjvKind, ReturnType<typeof requestAjv>>> = {};

function functionFor(kind: AjvKind, schema: JsonSchema): ValidateFunction {
  const generated = precompiled()?.[kind][schemaKey(schema)];
  if (generated) {
    sources.precompiled++;
    return generated;
  }
  sources.compiled++;
  return (ajvs[kind] ??= requestAjv(kind)).compile(schema);
}

/** The file the build writes `kind`'s functions to, beside this module's compiled file. */
export const precompiledFile = (kind: AjvKind) => `request-validators.${kind}.cjs`;

type Generated = Record<string, ValidateFunction | undefined>;
let generated: Record<AjvKind, Generated> | null | undefined;

/** The build's functions by kind and schema key; null when run from the TypeScript sources (the tests), which have none. */
function precompiled(): Record<AjvKind, Generated> | null {
  if (generated !== undefined) return generated;
  const here = new URL('.', import.meta.url);
  if (!existsSync(new URL(precompiledFile('body'), here)) || !existsSync(new URL(precompiledFile('text'), here))) return (generated = null);
  const load = createRequire(import.meta.url);
  return (generated = { body: load(`./${precompiledFile('body')}`) as Generated, text: load(`./${precompiledFile('text')}`) as Generated });
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
