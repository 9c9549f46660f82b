// The schemas an operation's request is checked against, by where each part is read from: what the server's
// validators compile (app.ts) and what the build generates their code from (precompile-validators.ts).
import { COMPONENT_SCHEMAS } from '../openapi.js';
import type { Operation } from '../operations.js';
import type { JsonSchema } from '../schemas/common.js';
import type { Where } from './validate.js';

export function requestSchemasOf(op: Operation): Partial<Record<Where, JsonSchema>> {
  const schemas: Partial<Record<Where, JsonSchema>> = {};
  if (op.pathParams) schemas.path = { type: 'object', additionalProperties: false, properties: op.pathParams, required: Object.keys(op.pathParams) };
  if (op.query) schemas.query = COMPONENT_SCHEMAS[op.query];
  const headerNames = Object.keys(op.headers ?? {});
  if (headerNames.length) {
    schemas.header = {
      type: 'object',
      properties: Object.fromEntries(headerNames.map((name) => [name.toLowerCase(), op.headers![name].schema])),
      required: headerNames.filter((name) => op.headers![name].required).map((name) => name.toLowerCase()),
    };
  }
  if (op.body?.kind === 'json') schemas.body = COMPONENT_SCHEMAS[op.body.schema];
  return schemas;
}
