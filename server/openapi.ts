// The OpenAPI 3.1 document, built from OPERATIONS and the same JSON Schemas
// that validate requests at run time.
import { OPERATIONS, type Operation } from './operations.js';
import { acceptableTypes, producedTypes } from './http/negotiation.js';
import { isCamunda7Path, PROBLEM_CONTENT_TYPE } from './problem.js';
import * as requests from './schemas/requests.js';
import * as responses from './schemas/responses.js';
import * as orders from './schemas/orders.js';
import * as camunda7 from './schemas/camunda7.js';
import * as camunda8 from './schemas/camunda8.js';
import * as events from './schemas/events.js';
import * as audit from './schemas/audit.js';
import type { JsonSchema } from './schemas/common.js';
import { stratumVersion } from '../engine/version.js';

const isSchema = (value: unknown): value is JsonSchema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every named schema: request bodies, query objects and responses. */
export const COMPONENT_SCHEMAS: Record<string, JsonSchema> = Object.fromEntries(
  [...Object.entries(requests), ...Object.entries(responses), ...Object.entries(orders), ...Object.entries(camunda7), ...Object.entries(camunda8), ...Object.entries(events), ...Object.entries(audit)].filter(([, value]) => isSchema(value)) as [string, JsonSchema][],
);

const GENERIC_PROBLEMS: Record<number, string> = {
  400: 'Malformed request: bad JSON, forbidden keys, invalid query or path parameters.',
  401: 'No valid bearer token.',
  403: 'The caller is not in the group this call needs.',
  406: 'The Accept header takes none of the types this operation answers (`acceptable` lists them); the problem itself is application/problem+json.',
  411: 'A multipart upload without Content-Length.',
  413: 'The body is larger than the limit (STRATUM_BODY_LIMIT).',
  415: 'The Content-Type is not one this operation accepts.',
  422: 'Well-formed but not acceptable: `errors` names each field, `findings` each BPMN element.',
};

/** A what-if analysis waits in a queue of its own (server/http/admission.ts). */
const ANALYSIS_BUSY =
  'The server is busy with other impact analyses (its analysis queue is full, or this request found no turn in time); nothing was analysed. Retry after `Retry-After` seconds.';

/** Every write passes the admission queue (server/http/admission.ts). */
const WRITE_BUSY =
  'The server is busy with other writes (its write queue is full, or this request found no turn in time); nothing was written. Retry after `Retry-After` seconds: an order retried with the same orderNo, or a start by the same user with the same Idempotency-Key, is still one order.';

/** Any request the store serves may find PostgreSQL gone (server/problem.ts, docs/api.md "When the database does not answer"). */
const STORE_UNAVAILABLE =
  'The database did not answer (`reason: "store-unavailable"`: the PostgreSQL connection ended, none was to be had, or PostgreSQL cancelled the statement); what the request was writing was rolled back, unless the connection ended as it committed. Retry after `Retry-After` seconds.';

/** The 503s an operation answers with Retry-After: a queue's refusal, or the store not answering. */
function retryable503(op: Operation): string | undefined {
  // long polls and searches take no turn in a queue
  const busy = op.method !== 'get' && !op.longPoll && !op.readOnly ? (op.analysis ? ANALYSIS_BUSY : WRITE_BUSY) : undefined;
  if (op.storeFree) return busy;
  return busy ? `${busy} Or: ${STORE_UNAVAILABLE}` : STORE_UNAVAILABLE;
}

/** The problem statuses an operation can answer. */
function problemStatuses(op: Operation): Record<number, string> {
  const statuses: Record<number, string> = {};
  const add = (status: number) => (statuses[status] = GENERIC_PROBLEMS[status]!);
  if (op.query || op.pathParams || op.body || op.headers) add(400);
  if (op.access.kind !== 'public') add(401);
  if (op.access.kind === 'group' || op.access.kind === 'candidate-group' || op.access.kind === 'any-group') add(403);
  if (acceptableTypes(op).length) add(406);
  if (op.body) {
    add(413);
    add(415);
    add(422);
  }
  if (op.body?.kind === 'deployment') add(411);
  if (op.method === 'post' && !op.body) statuses[415] = 'This operation takes no body.';
  const retryable = retryable503(op);
  if (retryable) statuses[503] = retryable;
  const own = { ...op.problems };
  if (own[503] && statuses[503]) own[503] = `${own[503]} Or: ${statuses[503]}`;
  const all: Record<number, string> = { ...statuses, ...own, 500: 'An unexpected error; the detail says no more, the log has it under the X-Request-Id.' };
  if (isCamunda7Path(op.path) && all[422]) {
    // Camunda 7 refuses bad input with 400 (InvalidRequestException): so do its routes here (problem.ts)
    all[400] = `${all[400]} Or, as Camunda 7 answers what other routes answer with 422: ${all[422]}`;
    delete all[422];
  }
  return all;
}

const schemaRef = (name: string) => {
  if (!COMPONENT_SCHEMAS[name]) throw new Error(`openapi: no component schema ${name}`);
  return { $ref: `#/components/schemas/${name}` };
};

function parameters(op: Operation): unknown[] {
  const list: unknown[] = [];
  for (const [name, schema] of Object.entries(op.pathParams ?? {})) list.push({ name, in: 'path', required: true, schema });
  const query = op.query ? COMPONENT_SCHEMAS[op.query] : undefined;
  const properties = (query?.properties ?? {}) as Record<string, JsonSchema>;
  for (const [name, schema] of Object.entries(properties)) list.push({ name, in: 'query', required: false, schema });
  for (const [name, header] of Object.entries(op.headers ?? {})) {
    list.push({ name, in: 'header', required: header.required ?? false, description: header.description, schema: header.schema });
  }
  return list;
}

function requestBody(op: Operation): unknown {
  if (!op.body) return undefined;
  if (op.body.kind === 'json') {
    return { required: op.body.required, content: { 'application/json': { schema: schemaRef(op.body.schema) } } };
  }
  const xml = { schema: { type: 'string', description: 'One BPMN 2.0 document (UTF-8, no DOCTYPE).' } };
  return {
    required: true,
    content: {
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: ['files'],
          properties: {
            files: { type: 'array', items: { type: 'string', contentMediaType: 'application/octet-stream' }, description: '.bpmn files' },
            note: { type: 'string', maxLength: 2000 },
          },
        },
      },
      'application/xml': xml,
      'text/xml': xml,
    },
  };
}

function responsesOf(op: Operation): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(op.responses)) {
    const content = spec.schema
      ? { 'application/json': { schema: schemaRef(spec.schema) } }
      : spec.content
        ? Object.fromEntries(producedTypes(spec.content.type).map((type) => [type, { schema: spec.content!.schema }]))
        : undefined;
    result[status] = { description: spec.description, ...(content ? { content } : {}), ...(spec.headers ? { headers: spec.headers } : {}) };
  }
  for (const [status, description] of Object.entries(problemStatuses(op))) {
    const retryAfter = status === '503' && retryable503(op)
      ? { headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } } }
      : {};
    result[status] = { description, content: { [PROBLEM_CONTENT_TYPE]: { schema: schemaRef('Problem') } }, ...retryAfter };
  }
  return result;
}

function security(op: Operation): unknown[] {
  return op.access.kind === 'public' ? [] : [{ bearer: [] }];
}

function accessNote(op: Operation): string {
  switch (op.access.kind) {
    case 'public':
      return 'No token needed.';
    case 'authenticated':
      return 'Any valid token.';
    case 'group':
      return `Needs group \`${op.access.group}\`.`;
    case 'candidate-group':
      return "Needs membership in one of the task's candidate groups.";
    case 'any-group':
      return `Needs group ${op.access.groups.map((group) => `\`${group}\``).join(' or ')}, and the one each field needs (above).`;
  }
}

export function buildOpenApiDocument(version = stratumVersion()): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = parameters(op);
    const body = requestBody(op);
    (paths[op.path] ??= {})[op.method] = {
      operationId: op.id,
      tags: [op.tag],
      summary: op.summary,
      description: [op.description, accessNote(op)].filter(Boolean).join('\n\n'),
      security: security(op),
      ...(params.length ? { parameters: params } : {}),
      ...(body ? { requestBody: body } : {}),
      responses: responsesOf(op),
    };
  }
  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'Stratum',
      version,
      description:
        'BPMN process library and runtime. Errors are application/problem+json (RFC 9457). Authenticate with `Authorization: Bearer <token>`. `OPTIONS` on any path answers 204 with `Allow` naming its methods (no token needed); another method not listed there answers 405 with the same `Allow`.',
    },
    servers: [{ url: '/' }],
    tags: ['library', 'orders', 'instances', 'tasks', 'jobs', 'messages', 'events', 'audit', 'camunda7', 'camunda8', 'operations'].map((name) => ({ name })),
    paths,
    components: {
      schemas: COMPONENT_SCHEMAS,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'A token from the users file (STRATUM_USERS).' } },
    },
  };
}
