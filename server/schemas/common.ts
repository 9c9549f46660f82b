// JSON Schema (2020-12, as OpenAPI 3.1 uses it) building blocks shared by
// request and response schemas. The same objects validate requests at run time
// and appear in /api/openapi.json, so the two cannot drift.

import { BLANK_CHARACTERS as BLANK, UNSAFE_CHARACTERS as UNSAFE } from '../../engine/variables/visible-text.js';

export type JsonSchema = Record<string, unknown>;

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });

// BLANK (characters that show nothing) and UNSAFE (characters refused in typed text) are the runtime's too, which asks
// a rejection's comment for a visible character as these patterns ask a reason (engine/variables/visible-text.ts)
const VISIBLE = `(?=[\\s\\S]*[^${BLANK}${UNSAFE}])`;
const SAFE_LINE_PATTERN = `^${VISIBLE}[^${UNSAFE}]*$`;
const SAFE_MULTILINE_PATTERN = `^${VISIBLE}(?:[\\t\\n\\r]|[^${UNSAFE}])*$`;

/** Text with at least one visible character; `multiline` also allows tabs and line breaks. */
export const safeText = (maxLength: number, options: { multiline?: boolean; description?: string } = {}): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: options.multiline ? SAFE_MULTILINE_PATTERN : SAFE_LINE_PATTERN,
  ...(options.description ? { description: options.description } : {}),
});

/** Printable ASCII without leading or trailing spaces: order numbers, business keys, worker ids. */
const PRINTABLE_KEY_PATTERN = '^[!-~](?:[ -~]*[!-~])?$';
export const printableKey = (maxLength: number, description?: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: PRINTABLE_KEY_PATTERN,
  ...(description ? { description } : {}),
});

/**
 * Ids of records Stratum keeps, which may hold a BPMN element id (a task's or
 * a job's: `<instance>:مهمة_1_<n>`): printable characters of any script, no
 * spaces at either end.
 */
const PRINTABLE_ID_PATTERN = `^[^\\s${UNSAFE}](?:[^${UNSAFE}]*[^\\s${UNSAFE}])?$`;
export const printableId = (maxLength: number, description?: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength,
  pattern: PRINTABLE_ID_PATTERN,
  ...(description ? { description } : {}),
});

/** Process keys, message names: BPMN ids (XML NCNames, so letters of any script) and names Stratum relies on. */
const NAME_PATTERN = '^[\\p{L}_][\\p{L}\\p{M}\\p{N}_.\\-\\u00B7]*$';

/** File names in deployments: no path separators, no control characters. */
export const FILE_NAME_PATTERN = '^[\\p{L}\\p{N}._ ()\\-]{1,200}$';
export const name = (description?: string): JsonSchema => ({
  type: 'string',
  minLength: 1,
  maxLength: 200,
  pattern: NAME_PATTERN,
  ...(description ? { description } : {}),
});

/**
 * A job type as a worker asks for it: whatever a diagram's task definition holds (or its FEEL computes), which
 * is no BPMN id: Camunda 8's connectors are `io.camunda:http-json:1`. Any printable text, as a job's id.
 */
export const jobType = (description: string): JsonSchema => printableId(200, description);

/** An error's errorCode as a worker throws it: whatever the diagram's `bpmn:error` holds (`404`, `HTTP:404`), as a job type. */
export const errorCode = (description: string): JsonSchema => printableId(200, description);

/** Variable names must be usable in FEEL conditions. */
export const VARIABLE_NAME_PATTERN = '^[A-Za-z_][A-Za-z0-9_]{0,63}$';

/** `reserved` names may not be set (e.g. the order as entered, by approvers, workers and messages). */
export const variables = (description: string, properties: Record<string, JsonSchema> = {}, reserved: readonly string[] = []): JsonSchema => ({
  type: 'object',
  description: reserved.length ? `${description} May not set ${reserved.map((name) => `\`${name}\``).join(', ')}.` : description,
  maxProperties: 200,
  propertyNames: { pattern: VARIABLE_NAME_PATTERN, ...(reserved.length ? { not: { enum: [...reserved] } } : {}) },
  properties,
});

export const nullable = (schema: JsonSchema): JsonSchema => ({ anyOf: [schema, { type: 'null' }] });

export const dateTime: JsonSchema = { type: 'string', format: 'date-time' };
