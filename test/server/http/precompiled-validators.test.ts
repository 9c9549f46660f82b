// The request validators' code that `npm run build` generates (server/http/precompile-validators.ts) answers as the
// validators ajv compiles at run time: the same verdict on every probe of every operation's schemas, the same values
// after coercion and defaults, the same errors. The compiled build (test/support/compiled-sources.ts runs the same
// step) is the one `npm start` runs; the test's own modules, from the sources, have no generated code and compile.
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { requestSchemasOf } from '../../../server/http/request-schemas.js';
import * as fromSources from '../../../server/http/validate.js';
import type { Where } from '../../../server/http/validate.js';
import { OPERATIONS } from '../../../server/operations.js';
import type { JsonSchema } from '../../../server/schemas/common.js';
import { compiledPath } from '../../support/compiled-sources.js';

const built = (await import(pathToFileURL(compiledPath('server/http/validate.ts')).href)) as typeof fromSources;

/** Values of the wrong kind, the right kind at an edge, and text a query or a Camunda 8 int64 field carries. */
const ODD_VALUES: unknown[] = ['x', '', '42', '-7', '12345678901234567890', '1.5', 'true', 0, -1, 1.005, 12.345, 2 ** 53, 1e21, null, true, {}, [], ['a']];

/** An object schema's example, else an object of its required properties' own examples where they give one. */
function baseOf(schema: JsonSchema): Record<string, unknown> {
  const example = (schema.examples as unknown[] | undefined)?.[0];
  if (example && typeof example === 'object' && !Array.isArray(example)) return example as Record<string, unknown>;
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const base: Record<string, unknown> = {};
  for (const name of (schema.required as string[] | undefined) ?? []) {
    const value = (properties[name]?.examples as unknown[] | undefined)?.[0] ?? properties[name]?.default;
    if (value !== undefined) base[name] = value;
  }
  return base;
}

/** The values tried on a schema: its examples, nothing, and its base object with each property set to each odd value. */
function probesOf(schema: JsonSchema): unknown[] {
  const probes: unknown[] = [...((schema.examples as unknown[] | undefined) ?? []), undefined, null, {}, [], 'x', 7];
  const base = baseOf(schema);
  probes.push(base, { ...base, notAField: 1 });
  for (const name of Object.keys(schema.properties ?? {})) {
    for (const value of ODD_VALUES) probes.push({ ...base, [name]: value });
    const nested = (schema.properties as Record<string, JsonSchema>)[name];
    if (nested.type === 'object' && nested.properties) {
      for (const inner of Object.keys(nested.properties)) {
        for (const value of ODD_VALUES) probes.push({ ...base, [name]: { ...baseOf(nested), [inner]: value } });
      }
    }
  }
  return probes;
}

/** What a validator makes of a value: the value as checked (coerced, defaults filled in), or the problem it throws. */
function outcome(check: (value: unknown) => unknown, probe: unknown): unknown {
  try {
    return { valid: check(structuredClone(probe)) };
  } catch (error) {
    const { status, extensions } = error as { status: number; extensions: unknown };
    return { status, extensions };
  }
}

describe('the build\'s generated request validators', () => {
  it('answer every probe of every operation\'s schemas as the validators ajv compiles at run time', () => {
    let probes = 0;
    const messages = new Set<string>();
    for (const op of OPERATIONS) {
      for (const [where, schema] of Object.entries(requestSchemasOf(op)) as [Where, JsonSchema][]) {
        const generated = built.validator(schema, where);
        const compiled = fromSources.validator(schema, where);
        for (const probe of probesOf(schema)) {
          const expected = outcome(compiled, probe);
          expect({ op: op.id, where, probe, outcome: outcome(generated, probe) }).toEqual({ op: op.id, where, probe, outcome: expected });
          probes++;
          for (const error of (expected as { extensions?: { errors?: { message: string }[] } }).extensions?.errors ?? []) messages.add(error.message);
        }
      }
    }
    // the probes reach Stratum's own keywords and the coercion of text, not only ajv's standard ones
    const all = [...messages].join('\n');
    expect(all).toMatch(/must have at most \d+ decimals/);
    expect(all).toMatch(/must be an integer from -?\d+ to \d+ \(a number or its decimal text\)/);
    expect(probes).toBeGreaterThan(5_000);
    // every schema had code from the build: none was compiled in the built module
    expect(built.validatorSources()).toEqual({ precompiled: expect.any(Number) as number, compiled: 0 });
    expect(fromSources.validatorSources().precompiled).toBe(0);
  });

  it('leave a schema the build did not see (changed since) to ajv, compiled at its first check', () => {
    const before = built.validatorSources();
    const check = built.validator<{ quantity: number }>({ type: 'object', properties: { quantity: { type: 'integer', minimum: 1 } }, required: ['quantity'] }, 'body');
    expect(check({ quantity: 2 })).toEqual({ quantity: 2 });
    expect(() => check({ quantity: 0 })).toThrow(expect.objectContaining({ status: 422 }) as Error);
    expect(built.validatorSources()).toEqual({ precompiled: before.precompiled, compiled: before.compiled + 1 });
  });
});
