// The OpenAPI document describes exactly the routes express serves.
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPERATIONS } from '../../server/operations.js';
import { buildOpenApiDocument } from '../../server/openapi.js';
import { problemOf } from './support/client.js';
import { startFakeServer } from './support/fake-server.js';
import { addFormats } from '../support/ajv-formats.js';
import { arrayWith } from '../support/matchers.js';

let server: Awaited<ReturnType<typeof startFakeServer>>;
beforeAll(async () => (server = await startFakeServer()));
afterAll(() => server.close());

/** What the tests read of the served OpenAPI document. */
interface OpenApiOperation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }>; headers?: Record<string, unknown> }>;
  security?: unknown;
  requestBody?: unknown;
}

// a type, not an interface: buildOpenApiDocument() answers a Record, which only a type literal is assignable to
type OpenApiDocument = {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: { schemas: Record<string, unknown> };
};

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** `METHOD /path/{param}` for every route registered in the express router. */
function expressRoutes(app: unknown): string[] {
  const stack = (app as { router: { stack: Layer[] } }).router.stack;
  const routes: string[] = [];
  for (const layer of stack) {
    if (!layer.route) continue;
    const path = layer.route.path.replace(/:(\w+)/g, '{$1}');
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') routes.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return routes.sort();
}

function documentedRoutes(doc: { paths: Record<string, Record<string, unknown>> }): string[] {
  return Object.entries(doc.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

describe('GET /api/openapi.json', () => {
  it('describes every route registered in express, and nothing else', async () => {
    const served = await server.api.get<OpenApiDocument>('/api/openapi.json');
    expect(served.status).toBe(200);
    const registered = expressRoutes(server.app);
    expect(registered.length).toBeGreaterThanOrEqual(19);
    expect(documentedRoutes(served.body)).toEqual(registered);
  });

  it('is an OpenAPI 3.1 document whose schemas compile and whose references resolve', async () => {
    const doc = (await server.api.get<OpenApiDocument>('/api/openapi.json')).body;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
    const ajv = addFormats(new Ajv2020({ strict: false }));
    ajv.addSchema(doc, 'doc');
    for (const name of Object.keys(doc.components.schemas)) {
      expect(() => ajv.getSchema(`doc#/components/schemas/${name}`), name).not.toThrow();
    }
    const refs = JSON.stringify(doc).match(/"\$ref":"([^"]+)"/g) ?? [];
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1];
      expect(doc.components.schemas[name!], ref).toBeDefined();
    }
  });

  it('carries the version of package.json', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect((buildOpenApiDocument() as OpenApiDocument).info.version).toBe(pkg.version);
  });

  it('documents request bodies, a success response and problem responses for each operation', () => {
    const doc = buildOpenApiDocument() as OpenApiDocument;
    for (const op of OPERATIONS) {
      const described = doc.paths[op.path][op.method];
      expect(described.operationId).toBe(op.id);
      const statuses = Object.keys(described.responses).map(Number);
      expect(statuses.some((status) => status < 300), op.id).toBe(true);
      if (op.access.kind !== 'public') {
        expect(described.responses['401'].content?.['application/problem+json'].schema.$ref).toBe('#/components/schemas/Problem');
        expect(described.security).toEqual([{ bearer: [] }]);
      }
      if (op.body) expect(described.requestBody, op.id).toBeDefined();
      // Camunda 7's routes refuse input with 400, as Camunda 7 does: they document no 422
      if (op.method === 'post' && op.body) expect(statuses, op.id).toEqual(arrayWith(op.path.startsWith('/engine-rest/') ? [400, 413, 415] : [413, 415, 422]));
      if (op.path.startsWith('/engine-rest/')) expect(statuses, op.id).not.toContain(422);
    }
  });

  // answered from memory or the users file; /healthz answers the store's silence with a 503 of its own, without Retry-After
  const STORE_FREE = ['getMe', 'listGroups', 'metrics', 'openapi'];

  it('declares 503 store-unavailable with Retry-After on every operation that touches the store, reads too', () => {
    const doc = buildOpenApiDocument() as OpenApiDocument;
    for (const op of OPERATIONS) {
      const unavailable = doc.paths[op.path][op.method].responses['503'];
      if (STORE_FREE.includes(op.id)) {
        expect(unavailable, op.id).toBeUndefined();
        continue;
      }
      expect(unavailable?.content?.['application/problem+json'].schema.$ref, op.id).toBe('#/components/schemas/Problem');
      if (op.id === 'health') {
        expect(unavailable.headers, op.id).toBeUndefined();
        continue;
      }
      expect(unavailable.headers, op.id).toHaveProperty('Retry-After');
      expect((unavailable as { description: string }).description, op.id).toContain('store-unavailable');
    }
  });

  it('answers 405 with Allow for another method on a documented path', async () => {
    const response = await server.api.request('DELETE', '/api/orders');
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST, GET, HEAD, OPTIONS');
    expect(problemOf(response).allow).toEqual(['POST', 'GET', 'HEAD', 'OPTIONS']);
  });
});
