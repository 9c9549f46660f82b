// The headers that keep the modeler's and the task list's pages, and the API answers, from being turned against the
// people who use them: a policy that runs no script the page did not load from this server, no framing (an
// approve button laid under another site's page), no address handed to another site, and API answers that a
// browser opening them in a tab treats as inert data (a deployed .bpmn with XHTML script in it).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app.js';
import { UserDirectory } from '../../server/auth/users.js';
import { TEST_USERS, TOKENS } from './support/client.js';
import { FakeStratum } from './support/fake-stratum.js';

/** The directives of a Content-Security-Policy header, by name. */
function directives(policy: string | null): Map<string, string[]> {
  const parsed = new Map<string, string[]>();
  for (const part of (policy ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) parsed.set(name, values);
  }
  return parsed;
}

/** An XML file from another tool, whose extension element holds XHTML a browser would run in a rendered XML document. */
const HOSTILE_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Defs" targetNamespace="http://example.com">
  <bpmn:process id="hostile" isExecutable="true">
    <bpmn:extensionElements><html:script xmlns:html="http://www.w3.org/1999/xhtml">window.stolen = localStorage</html:script></bpmn:extensionElements>
    <bpmn:startEvent id="Start" />
  </bpmn:process>
</bpmn:definitions>`;

describe('security headers of the pages and the API', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stratum-modeler-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Stratum modeler</title>');
  writeFileSync(join(dir, 'tasks.html'), '<!doctype html><title>Stratum tasks</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log("modeler")');
  const stratum = new FakeStratum();
  const { app, dispose } = createApp({ stratum, users: UserDirectory.fromJson(TEST_USERS), logger: pino({ level: 'silent' }), modelerDir: dir, docsDir: null });
  const server = createServer(app);
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await stratum.library.deploy([{ name: 'hostile.bpmn', xml: HOSTILE_BPMN }], { user: 'dora' });
  });
  afterAll(async () => {
    dispose();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const page = (path: string) => fetch(`${url}${path}`, { headers: { accept: 'text/html' } });

  it('gives the modeler and the task list a policy that runs only scripts from this server and lets no site frame them', async () => {
    for (const path of ['/', '/index.html', '/tasks', '/tasks.html', '/library/order-to-cash']) {
      const answer = await page(path);
      expect([path, answer.status]).toEqual([path, 200]);
      const policy = directives(answer.headers.get('content-security-policy'));
      // no 'unsafe-inline', no 'unsafe-eval', no other origin: injected markup's handlers and javascript: links do not run
      expect([path, policy.get('script-src')]).toEqual([path, ["'self'"]]);
      expect([path, policy.get('default-src')]).toEqual([path, ["'self'"]]);
      expect([path, policy.get('connect-src')]).toEqual([path, ["'self'"]]);
      expect([path, policy.get('object-src')]).toEqual([path, ["'none'"]]);
      expect([path, policy.get('base-uri')]).toEqual([path, ["'none'"]]);
      expect([path, policy.get('frame-ancestors')]).toEqual([path, ["'none'"]]);
      expect([path, answer.headers.get('x-frame-options')]).toEqual([path, 'DENY']);
      expect([path, answer.headers.get('referrer-policy')]).toEqual([path, 'same-origin']);
      expect([path, answer.headers.get('x-content-type-options')]).toEqual([path, 'nosniff']);
    }
  });

  it('serves a deployed file as inert data: no script of it runs and nothing frames it, also when a browser opens it', async () => {
    const answer = await fetch(`${url}/api/processes/hostile/versions/1/xml`, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', authorization: `Bearer ${TOKENS.designer}` } });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toContain('<html:script');
    expect(answer.headers.get('content-type')).toMatch(/^application\/xml/);
    const policy = directives(answer.headers.get('content-security-policy'));
    expect(policy.get('default-src')).toEqual(["'none'"]);
    expect(policy.get('sandbox')).toEqual([]);
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(answer.headers.get('x-frame-options')).toBe('DENY');
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('sends the same to every API answer, a problem included, and lets no other origin read one (no CORS headers)', async () => {
    const asked = [
      fetch(`${url}/api/processes`, { headers: { authorization: `Bearer ${TOKENS.designer}`, origin: 'https://evil.example' } }),
      fetch(`${url}/api/tasks`, { headers: { origin: 'https://evil.example' } }),
      fetch(`${url}/engine-rest/incident`, { headers: { authorization: `Bearer ${TOKENS.erp}`, origin: 'https://evil.example' } }),
      // a path no route serves, which passes the modeler's static files on its way to the 404 problem
      fetch(`${url}/api/nothing-here`, { headers: { authorization: `Bearer ${TOKENS.erp}`, accept: 'text/html' } }),
      fetch(`${url}/api/orders`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' } }),
    ];
    for (const answer of await Promise.all(asked)) {
      expect([answer.url, answer.headers.get('content-security-policy')]).toEqual([answer.url, "default-src 'none'; frame-ancestors 'none'; sandbox"]);
      expect([answer.url, answer.headers.get('x-frame-options')]).toEqual([answer.url, 'DENY']);
      expect([answer.url, answer.headers.get('access-control-allow-origin'), answer.headers.get('access-control-allow-credentials')]).toEqual([answer.url, null, null]);
    }
  });
});
