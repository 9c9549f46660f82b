// The two ajv set-ups the request schemas compile with, shared by the server's validators (validate.ts) and the
// build that generates their code ahead of time (precompile-validators.ts), so both make the same functions.
import { createHash } from 'node:crypto';
import { _, Ajv2020, type CodeKeywordDefinition, type KeywordCxt } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from '../schemas/common.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv2020) => Ajv2020;

/** A body is JSON as sent; path, query and header parameters are text, coerced to their types with defaults filled in. */
export type AjvKind = 'body' | 'text';

/**
 * `x-max-decimals: n`: a number whose shortest decimal form has at most n decimals (an OpenAPI extension keyword; other
 * validators ignore it). Code, not a function, so that the build can write it out (ajv's standalone code).
 */
const maxDecimals: CodeKeywordDefinition = {
  keyword: 'x-max-decimals',
  type: 'number',
  schemaType: 'number',
  error: {
    message: ({ schema }) => `must have at most ${String(schema)} decimals`,
    params: ({ schema }) => _`{limit: ${schema as number}}`,
  },
  code(cxt: KeywordCxt) {
    const { data } = cxt;
    const decimals = cxt.schema as number;
    cxt.fail(_`!(Number.isFinite(${data}) && Number(${data}.toFixed(${decimals})) === ${data})`);
  },
};

interface Int64Range {
  minimum: number;
  maximum: number;
  nullable?: boolean;
}

/**
 * `x-int64: {minimum, maximum}`: an integer in the range, given as a number or as the decimal text of a safe integer
 * (Camunda 8's clients send every int64 field as a JSON string); the handler reads it with `Number`. With
 * `nullable`, null passes too (the field is read as absent).
 */
const int64: CodeKeywordDefinition = {
  keyword: 'x-int64',
  schemaType: 'object',
  error: {
    message: ({ schema }) => {
      const range = schema as Int64Range;
      return `must be an integer from ${range.minimum} to ${range.maximum} (a number or its decimal text)`;
    },
    params: ({ schema }) => _`{minimum: ${(schema as Int64Range).minimum}, maximum: ${(schema as Int64Range).maximum}}`,
  },
  code(cxt: KeywordCxt) {
    const { data, gen } = cxt;
    const range = cxt.schema as Int64Range;
    const number = gen.const('int64', _`typeof ${data} == "string" && /^-?[0-9]{1,15}$/.test(${data}) ? Number(${data}) : ${data}`);
    const inRange = _`typeof ${number} == "number" && Number.isInteger(${number}) && ${number} >= ${range.minimum} && ${number} <= ${range.maximum}`;
    cxt.fail(range.nullable ? _`${data} !== null && !(${inRange})` : _`!(${inRange})`);
  },
};

/** A new ajv of `kind`; `source` keeps each function's code, as the build needs to write it out. */
export function requestAjv(kind: AjvKind, { source = false } = {}): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    ...(kind === 'text' && { coerceTypes: true, useDefaults: true }),
    ...(source && { code: { source: true } }),
  });
  addFormats(ajv);
  ajv.addKeyword(maxDecimals);
  ajv.addKeyword(int64);
  return ajv;
}

export const ajvKindOf = (where: 'body' | 'query' | 'path' | 'header'): AjvKind => (where === 'body' ? 'body' : 'text');

/** The name a schema's generated function goes by: its content's, so a schema changed since the build finds none. */
export function schemaKey(schema: JsonSchema): string {
  return `v${createHash('sha1').update(JSON.stringify(schema)).digest('hex')}`;
}
