// A file holding a character XML does not allow (a NUL, a control character, a lone surrogate), as itself or as a
// character reference, is refused at deploy with a 422 naming the file and the line, on SQLite and PostgreSQL
// alike: on PostgreSQL a NUL in a name answered 500, and a lone surrogate deployed a process no start could store
// (docs/validation.md, xml-characters). An & that begins no reference XML defines makes the file no XML: it
// deployed, and the library served back a file no other XML reader takes (xml-parse).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TOKENS } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';
import { describePostgres, freshSchema, schemaUrl } from '../support/postgres.js';

/** A runnable process whose user task is named `name` (as written in the file). */
const withTaskNamed = (key: string, name: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">\n` +
  `<process id="${key}" isExecutable="true"><startEvent id="s"/><sequenceFlow id="f" sourceRef="s" targetRef="t"/>\n` +
  `<userTask id="t" name="${name}"><extensionElements><zeebe:assignmentDefinition xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" candidateGroups="vice-president"/></extensionElements></userTask>` +
  '<sequenceFlow id="g" sourceRef="t" targetRef="e"/><endEvent id="e"/></process></definitions>';

const CASES = [
  { what: 'a NUL as a character reference', key: 'nul-ref', name: 'Check&#0;', message: 'line 4 holds a character reference to the character U+0000' },
  { what: 'a NUL as itself', key: 'nul', name: 'Check\u0000', message: 'line 4 holds the character U+0000' },
  { what: 'a lone surrogate as a character reference', key: 'surrogate', name: 'Check&#xD800;', message: 'line 4 holds a character reference to the character U+D800' },
  { what: 'a control character as a character reference', key: 'control', name: 'Check&#x1B;', message: 'line 4 holds a character reference to the character U+001B' },
];

function suite(start: () => Promise<TestServer>) {
  let server: TestServer;
  beforeAll(async () => {
    server = await start();
  }, 60_000);
  afterAll(async () => {
    await server.close();
    removeDataDir(server.dataDir);
  });

  for (const [what, name, written] of [['an undeclared entity', 'Credit&nbsp;check', '&nbsp;check'], ['a bare &', 'Sales & service', '&']]) {
    it(`refuses a file with ${what} as not XML, naming the line, and deploys nothing`, async () => {
      const response = await server.api.request('POST', '/api/deployments?name=amp.bpmn&note=x', { token: TOKENS.designer, body: withTaskNamed('amp', name), headers: { 'content-type': 'application/xml' } });
      expect(response.status).toBe(422);
      expect((problemOf(response) as unknown as { findings: unknown[] }).findings).toEqual([
        { file: 'amp.bpmn', elementId: null, rule: 'xml-parse', severity: 'error', message: expect.stringContaining(`line 4 writes "${written}", which is no reference XML defines`) as string },
      ]);
      expect((await server.api.request('GET', '/api/processes/amp', { token: TOKENS.designer })).status).toBe(404);
    });
  }

  for (const { what, key, name, message } of CASES) {
    it(`refuses a file holding ${what} with a 422 naming the file and the line, and deploys nothing`, async () => {
      const response = await server.api.request('POST', `/api/deployments?name=${key}.bpmn&note=x`, { token: TOKENS.designer, body: withTaskNamed(key, name), headers: { 'content-type': 'application/xml' } });
      expect(response.status).toBe(422);
      expect((problemOf(response) as unknown as { findings: unknown[] }).findings).toEqual([
        { file: `${key}.bpmn`, elementId: null, rule: 'xml-characters', severity: 'error', message: expect.stringContaining(message) as string },
      ]);
      expect((await server.api.request('GET', `/api/processes/${key}`, { token: TOKENS.designer })).status).toBe(404);
    });
  }

  it('deploys and runs a task named with characters XML allows, as references too (&#x1F600; beyond U+FFFF, which the reader cut to U+F600)', async () => {
    const deployed = await server.api.request('POST', '/api/deployments?name=allowed.bpmn&note=x', { token: TOKENS.designer, body: withTaskNamed('allowed', 'Check \u{1F600}&#x1F600;&#128512;&#9;&#xE9;'), headers: { 'content-type': 'application/xml' } });
    expect(deployed.status).toBe(201);
    const started = await server.api.request<{ waiting: { name: string }[] }>('POST', '/api/processes/allowed/instances', { token: TOKENS.erp, json: {} });
    expect(started.status).toBe(201);
    expect(started.body.waiting[0].name).toBe('Check \u{1F600}\u{1F600}\u{1F600}\té');
  });
}

describe('characters XML does not allow, on SQLite', () => suite(() => startTestServer()));
describePostgres('characters XML does not allow, on PostgreSQL', () => suite(async () => startTestServer({ databaseUrl: schemaUrl(await freshSchema()) })));
