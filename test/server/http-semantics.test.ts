// HTTP semantics every route shares: OPTIONS and Allow, the Accept header, and a JSON body's byte order mark.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TOKENS } from './support/client.js';
import { startFakeServer } from './support/fake-server.js';
import { SERVER_FIXTURES } from './support/real-server.js';

let server: Awaited<ReturnType<typeof startFakeServer>>;
beforeAll(async () => {
  server = await startFakeServer();
  const deployed = await server.api.request('POST', '/api/deployments?name=customer-review.bpmn', {
    token: TOKENS.designer, body: readFileSync(SERVER_FIXTURES + 'customer-review.bpmn', 'utf8'), headers: { 'content-type': 'application/xml' },
  });
  if (deployed.status !== 201) throw new Error(deployed.text);
});
afterAll(() => server.close());

describe('OPTIONS', () => {
  it.each([
    ['/api/orders', 'POST, GET, HEAD, OPTIONS'],
    ['/api/deployments', 'POST, OPTIONS'],
    ['/engine-rest/external-task/fetchAndLock', 'POST, OPTIONS'],
    ['/api/processes/customer-review/versions/1/xml', 'GET, HEAD, OPTIONS'],
    ['/metrics', 'GET, HEAD, OPTIONS'],
  ])('on %s answers 204 with Allow %s, without a token', async (path, allow) => {
    const response = await server.api.request('OPTIONS', path, { unchecked: true });
    expect(response.status).toBe(204);
    expect(response.headers.get('allow')).toBe(allow);
    expect(response.text).toBe('');
  });

  it('leaves another method a 405 whose Allow names OPTIONS too', async () => {
    const response = await server.api.request('PATCH', '/api/processes/customer-review/versions/1/xml', { token: TOKENS.designer });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(problemOf(response).allow).toEqual(['GET', 'HEAD', 'OPTIONS']);
  });
});

describe('Accept', () => {
  const get = (path: string, accept?: string) => server.api.get(path, TOKENS.designer, accept === undefined ? {} : { headers: { accept } });

  it.each([
    'application/xml',
    'text/html',
    'application/json;q=0, application/xml',
    'application/*;q=0, text/plain',
  ])('refuses %s on a JSON route with 406 problem+json naming what it answers', async (accept) => {
    const response = await get('/api/processes', accept);
    expect(response.status).toBe(406);
    expect(problemOf(response)).toMatchObject({ status: 406, acceptable: ['application/json'] });
  });

  it.each([
    undefined,
    '*/*',
    'application/*',
    'application/json',
    'application/problem+json',
    'application/json, application/problem+json',
    'application/xml, application/json;q=0.1',
    'text/html, */*;q=0.01',
  ])('answers JSON to Accept %s', async (accept) => {
    const response = await get('/api/processes', accept);
    expect(response.status).toBe(200);
    expect(response.contentType).toMatch(/^application\/json/);
  });

  it('refuses a write the client could not read before doing it', async () => {
    const response = await server.api.post('/api/messages', TOKENS.erp, { name: 'PaymentReceived', businessKey: 'SO-ACCEPT' }, { headers: { accept: 'text/csv' } });
    expect(response.status).toBe(406);
  });

  it('negotiates the XML of a version as XML, and metrics as text', async () => {
    for (const accept of ['application/xml', 'application/json, application/problem+json, application/xml', '*/*']) {
      expect((await get('/api/processes/customer-review/versions/1/xml', accept)).status, accept).toBe(200);
    }
    expect((await get('/api/processes/customer-review/versions/1/xml', 'application/json')).status).toBe(406);
    // text/xml is XML too (RFC 7303): a client asking only for it gets the document as text/xml
    for (const accept of ['text/xml', 'text/xml, application/json;q=0.5', 'application/xml;q=0.5, text/xml']) {
      const xml = await get('/api/processes/customer-review/versions/1/xml', accept);
      expect([xml.status, xml.contentType], accept).toEqual([200, 'text/xml; charset=utf-8']);
      expect(xml.text).toContain('<bpmn:definitions');
    }
    const preferred = await get('/api/processes/customer-review/versions/1/xml', 'text/xml;q=0.5, application/xml');
    expect(preferred.contentType).toBe('application/xml; charset=utf-8');
    expect((await get('/api/processes/customer-review/versions/1/xml')).contentType).toBe('application/xml; charset=utf-8');
    // a JSON route still refuses it, naming what it answers
    const json = await get('/api/processes', 'text/xml');
    expect([json.status, problemOf(json).acceptable]).toEqual([406, ['application/json']]);
    const problem = await get('/api/processes/customer-review/versions/1/xml', 'text/html');
    expect(problemOf(problem).acceptable).toEqual(['application/xml', 'text/xml']);
    expect((await get('/metrics', 'text/plain;version=0.0.4;q=0.5, */*;q=0.1')).status).toBe(200);
    const metrics = await get('/metrics', 'application/json');
    expect(metrics.status).toBe(406);
    expect(problemOf(metrics).acceptable).toEqual(['text/plain']);
  });
});

describe('a JSON body with a UTF-8 byte order mark', () => {
  const withBom = (value: unknown) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(value))]);
  const post = (path: string, value: unknown) =>
    server.api.request('POST', path, { token: TOKENS.erp, body: withBom(value), headers: { 'content-type': 'application/json' } });

  it('is read as the JSON after the mark on /api', async () => {
    const response = await post('/api/messages', { name: 'PaymentReceived', businessKey: 'SO-BOM' });
    expect(response.status, response.text).toBe(404);
    // the engine was asked: nothing waits for the message the body names
    expect(problemOf(response).detail).toContain('PaymentReceived');
  });

  it('is read on the Camunda 7 routes', async () => {
    const response = await post('/engine-rest/external-task/fetchAndLock', { workerId: 'bom', maxTasks: 1, topics: [{ topicName: 'shipping', lockDuration: 1000 }] });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual([]);
  });

  it('is read on the Camunda 8 routes', async () => {
    const response = await post('/v2/jobs/activation', { type: 'shipping', worker: 'bom', timeout: 5000, maxJobsToActivate: 1, requestTimeout: -1 });
    expect(response.status, response.text).toBe(200);
    expect(response.body).toEqual({ jobs: [] });
  });

  it('is still refused when the JSON after it is not JSON', async () => {
    const response = await server.api.request('POST', '/api/messages', {
      token: TOKENS.erp, body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"name":')]), headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
  });
});

// Camunda's REST APIs match their paths as written; express matched them in any case, and the checks that read the
// path as written (Cache-Control, Camunda 7's problem shape) did not see /API/… or /ENGINE-REST/… as the API's
describe('a path in other letters', () => {
  it.each([
    ['GET', '/API/orders', TOKENS.director],
    ['GET', '/Engine-Rest/incident', TOKENS.operations],
    ['POST', '/V2/incidents/search', TOKENS.operations],
  ])('%s %s matches no route: a 404 problem, not an answer without Cache-Control', async (method, path, token) => {
    const response = await server.api.request(method, path, { token, unchecked: true, ...(method === 'POST' && { json: {} }) });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('is a Camunda 7 problem under /ENGINE-REST, with the message its client prints, and locks nothing', async () => {
    const response = await server.api.request('POST', '/ENGINE-REST/external-task/fetchAndLock', {
      token: TOKENS.erp, json: { workerId: 'w', topics: [{ topicName: 'nothing', lockDuration: 1000 }] }, unchecked: true,
    });
    expect(response.status).toBe(404);
    expect(problemOf(response).message).toBe('There is no POST /ENGINE-REST/external-task/fetchAndLock.');
  });
});
