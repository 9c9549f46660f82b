// Run by `npm run build` after TypeScript: writes ajv's code for every request schema of the API (standalone
// validation code, CommonJS) beside the compiled validate.js, where the server's validators take it instead of
// generating it at each start. A schema missing from it (changed since the build) is compiled at its first
// request, as before; the server logs how many were (`request validators ready`).
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import standaloneCodeModule from 'ajv/dist/standalone/index.js';
import { OPERATIONS } from '../operations.js';
import type { JsonSchema } from '../schemas/common.js';
import { ajvKindOf, requestAjv, schemaKey, type AjvKind } from './request-ajv.js';
import { requestSchemasOf } from './request-schemas.js';
import { precompiledFile } from './validate.js';

// ajv's standalone module is CommonJS; under NodeNext its default export arrives wrapped.
const standaloneCode = ((standaloneCodeModule as unknown as { default?: unknown }).default ?? standaloneCodeModule) as typeof standaloneCodeModule.default;

/** The CommonJS source of each kind's functions, one export per distinct schema, named by its key. */
export function precompiledSources(): Record<AjvKind, string> {
  const byKind: Record<AjvKind, Map<string, JsonSchema>> = { body: new Map(), text: new Map() };
  for (const op of OPERATIONS) {
    for (const [where, schema] of Object.entries(requestSchemasOf(op))) byKind[ajvKindOf(where as keyof ReturnType<typeof requestSchemasOf>)].set(schemaKey(schema), schema);
  }
  const source = (kind: AjvKind): string => {
    const ajv = requestAjv(kind, { source: true });
    for (const [key, schema] of byKind[kind]) ajv.addSchema(schema, key);
    return standaloneCode(ajv, Object.fromEntries([...byKind[kind].keys()].map((key) => [key, key])));
  };
  return { body: source('body'), text: source('text') };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sources = precompiledSources();
  for (const kind of ['body', 'text'] as const) writeFileSync(fileURLToPath(new URL(precompiledFile(kind), import.meta.url)), sources[kind]);
}
