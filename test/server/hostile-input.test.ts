// Hostile and malformed requests: each gets a 4xx problem+json answer, the
// server stays up, no prototype is polluted, and the stored library and
// instances are exactly as they were, but for the audit trail: an attempt to
// rewrite an order is kept in its history as refused (docs/api.md).
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InstanceView } from '../../engine/api.js';
import { problemOf, TOKENS, type ApiClient, type RequestOptions } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';
import { arrayWith } from '../support/matchers.js';

const BODY_LIMIT = 64 * 1024;
let server: TestServer;
let api: ApiClient;
let taskId: string;

const valid = { orderNo: 'SO-GOOD', customer: { name: 'ACME' }, amount: 750_000, currency: 'EUR', paymentTerms: 'credit' };
const order = (change: Record<string, unknown>) => ({ ...valid, ...change });
const json = (value: unknown): RequestOptions => ({ json: value });
const raw = (body: string | Buffer, contentType?: string, headers: Record<string, string> = {}): RequestOptions => ({
  body,
  headers: { ...(contentType ? { 'content-type': contentType } : {}), ...headers },
});
const XML = (inner: string) => `<?xml version="1.0" encoding="UTF-8"?>${inner}<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d"><process id="evil" isExecutable="true"/></definitions>`;
const form = (entries: [string, string | Blob, string?][]) => {
  const data = new FormData();
  for (const [name, value, filename] of entries) {
    if (typeof value === 'string') data.append(name, value);
    else data.append(name, value, filename);
  }
  return data;
};

/** `open` (`{"a":` or `[`) `levels` times around 1 (or nothing), closed again: JSON text nested `levels` deep. */
const nestedText = (open: '{"a":' | '[', levels: number) => open.repeat(levels) + (open === '[' ? '' : '1') + (open === '[' ? ']' : '}').repeat(levels);
/** Each route that takes variables, with a body around the nested value `deep`. */
const DEEP_VARIABLE_ROUTES: [route: string, path: string | (() => string), body: (deep: string) => string, token?: string][] = [
  ['a generic start', '/api/processes/order-to-cash/instances', (deep) => `{"variables":{"note":${deep}}}`],
  ['an order', '/api/orders', (deep) => JSON.stringify(valid).replace('"ACME"', `"ACME","notes":${deep}`)],
  ['a task completion', () => `/api/tasks/${encodeURIComponent(taskId)}/complete`, (deep) => `{"variables":{"approved":${deep}}}`, TOKENS.vp],
  ['a job completion', '/api/jobs/j/complete', (deep) => `{"workerId":"w","variables":{"plan":${deep}}}`],
  ['a BPMN error', '/api/jobs/j/bpmn-error', (deep) => `{"workerId":"w","errorCode":"BLOCKED","variables":{"plan":${deep}}}`],
  ['a message', '/api/messages', (deep) => `{"name":"PaymentReceived","businessKey":"SO-PAY","variables":{"remittance":${deep}}}`],
  ['an incident retry', '/api/incidents/i/retry', (deep) => `{"variables":{"fix":${deep}}}`, TOKENS.operations],
  ['a Camunda 7 completion', '/engine-rest/external-task/j/complete', (deep) => `{"workerId":"w","variables":{"plan":{"value":${deep}}}}`],
  ['a Camunda 7 message', '/engine-rest/message', (deep) => `{"messageName":"PaymentReceived","businessKey":"SO-PAY","processVariables":{"remittance":{"value":${deep}}}}`],
  ['a Camunda 8 completion', '/v2/jobs/1/completion', (deep) => `{"variables":{"plan":${deep}}}`],
  ['a Camunda 8 message', '/v2/messages/publication', (deep) => `{"name":"PaymentReceived","correlationKey":"SO-PAY","variables":{"remittance":${deep}}}`],
  ['a Camunda 8 start', '/v2/process-instances', (deep) => `{"processDefinitionId":"order-to-cash","variables":{"note":${deep}}}`],
];

interface Hostile {
  name: string;
  method: string;
  path: string | (() => string);
  token?: string;
  options?: RequestOptions;
  status: number;
}

const HOSTILE: Hostile[] = [
  // JSON that is not JSON, or not an object
  { name: 'truncated JSON', method: 'POST', path: '/api/orders', options: raw('{"orderNo":', 'application/json'), status: 400 },
  { name: 'plain text declared as JSON', method: 'POST', path: '/api/orders', options: raw('not json', 'application/json'), status: 400 },
  { name: 'trailing comma', method: 'POST', path: '/api/orders', options: raw('{"orderNo":"SO-X",}', 'application/json'), status: 400 },
  { name: 'NaN literal', method: 'POST', path: '/api/orders', options: raw(JSON.stringify(valid).replace('750000', 'NaN'), 'application/json'), status: 400 },
  { name: 'single quotes', method: 'POST', path: '/api/orders', options: raw("{'orderNo':'SO-X'}", 'application/json'), status: 400 },
  { name: 'an array body', method: 'POST', path: '/api/orders', options: json([valid]), status: 422 },
  { name: 'a null body', method: 'POST', path: '/api/orders', options: raw('null', 'application/json'), status: 422 },
  { name: 'a string body', method: 'POST', path: '/api/orders', options: raw('"SO-X"', 'application/json'), status: 422 },
  { name: 'an empty body', method: 'POST', path: '/api/orders', options: raw('', 'application/json'), status: 400 },
  { name: 'invalid UTF-8 in JSON', method: 'POST', path: '/api/orders', options: raw(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]), 'application/json'), status: 400 },
  { name: 'corrupt gzip', method: 'POST', path: '/api/orders', options: raw(Buffer.from('not gzip at all'), 'application/json', { 'content-encoding': 'gzip' }), status: 400 },
  { name: 'unknown content encoding', method: 'POST', path: '/api/orders', options: raw(gzipSync(JSON.stringify(valid)), 'application/json', { 'content-encoding': 'compress' }), status: 415 },
  // wrong content types
  { name: 'JSON sent as text/plain', method: 'POST', path: '/api/orders', options: raw(JSON.stringify(valid), 'text/plain'), status: 415 },
  { name: 'form-urlencoded', method: 'POST', path: '/api/orders', options: raw('orderNo=SO-X&amount=1', 'application/x-www-form-urlencoded'), status: 415 },
  { name: 'no content type', method: 'POST', path: '/api/orders', options: raw(Buffer.from(JSON.stringify(valid))), status: 415 },
  { name: 'UTF-16 charset', method: 'POST', path: '/api/orders', options: raw(JSON.stringify(valid), 'application/json; charset=utf-16'), status: 415 },
  { name: 'multipart to a JSON operation', method: 'POST', path: '/api/orders', options: { body: form([['orderNo', 'SO-X']]) }, status: 415 },
  { name: 'JSON to the deployment endpoint', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: json({ xml: '<definitions/>' }), status: 415 },
  { name: 'a cancel without a reason', method: 'POST', path: '/api/instances/x/cancel', options: json({}), status: 422 },
  { name: 'a cancel with an unknown field', method: 'POST', path: '/api/instances/x/cancel', options: json({ reason: 'x', force: true }), status: 422 },
  // sizes and nesting
  { name: 'a body over the limit', method: 'POST', path: '/api/orders', options: json(order({ customer: { name: 'A'.repeat(BODY_LIMIT + 10) } })), status: 413 },
  { name: 'an XML deployment over the limit', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: raw(XML(`<!-- ${'x'.repeat(BODY_LIMIT)} -->`), 'application/xml'), status: 413 },
  { name: 'variables nested 100 deep', method: 'POST', path: '/api/processes/order-to-cash/instances', options: json({ variables: { deep: JSON.parse('['.repeat(100) + ']'.repeat(100)) as unknown } }), status: 400 },
  // 10,000 levels of objects and lists (within the body limit) in the variables of every route that takes them
  ...DEEP_VARIABLE_ROUTES.flatMap(([route, path, body, token]): Hostile[] => (['{"a":', '['] as const).map((open) => ({
    name: `variables nested 10,000 deep (${open === '[' ? 'lists' : 'objects'}) to ${route}`, method: 'POST', path, ...(token && { token }),
    options: raw(body(nestedText(open, 10_000)), 'application/json'), status: 400,
  }))),
  { name: 'a 10,000-character customer name', method: 'POST', path: '/api/orders', options: json(order({ customer: { name: 'N'.repeat(10_000) } })), status: 422 },
  { name: 'a 65-character orderNo', method: 'POST', path: '/api/orders', options: json(order({ orderNo: 'S'.repeat(65) })), status: 422 },
  { name: 'an oversized header', method: 'GET', path: '/api/instances', options: { headers: { 'x-filler': 'x'.repeat(20_000) } }, status: 431 },
  // prototype pollution
  { name: '__proto__ at the top of an order', method: 'POST', path: '/api/orders', options: raw(JSON.stringify(valid).replace('{', '{"__proto__":{"polluted":true},'), 'application/json'), status: 400 },
  { name: 'constructor in the customer', method: 'POST', path: '/api/orders', options: json(order({ customer: { name: 'A', constructor: 'x' } })), status: 400 },
  { name: '__proto__ in start variables', method: 'POST', path: '/api/processes/order-to-cash/instances', options: raw('{"variables":{"__proto__":{"polluted":true}}}', 'application/json'), status: 400 },
  { name: 'constructor.prototype in task variables', method: 'POST', path: () => `/api/tasks/${encodeURIComponent(taskId)}/complete`, token: TOKENS.vp, options: json({ variables: { constructor: { prototype: { polluted: true } } } }), status: 400 },
  { name: '__proto__ inside an array in message variables', method: 'POST', path: '/api/messages', options: raw('{"name":"PaymentReceived","businessKey":"SO-PAY","variables":{"list":[{"__proto__":{"polluted":true}}]}}', 'application/json'), status: 400 },
  { name: '__proto__ as a query parameter', method: 'GET', path: '/api/instances?__proto__[polluted]=1', status: 400 },
  { name: '__proto__ as a multipart field', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: { body: form([['__proto__[polluted]', 'yes'], ['files', new Blob([XML('')]), 'evil.bpmn']]) }, status: 422 },
  // keys written twice: JSON.parse keeps the last, a sender's parser may have read the first
  { name: 'an order naming its amount twice', method: 'POST', path: '/api/orders', options: raw(JSON.stringify(valid).replace('{', '{"amount":100,'), 'application/json'), status: 400 },
  { name: 'an order naming its amount twice, once escaped', method: 'POST', path: '/api/orders', options: raw(JSON.stringify(valid).replace('{', '{"\\u0061mount":100,'), 'application/json'), status: 400 },
  { name: 'a decision written twice in a task completion', method: 'POST', path: '/api/tasks/x/complete', options: raw('{"variables":{"directorApproved":false,"directorApproved":true}}', 'application/json'), status: 400 },
  // wrong types and values in an order
  { name: 'amount as a string', method: 'POST', path: '/api/orders', options: json(order({ amount: '750000' })), status: 422 },
  { name: 'a negative amount', method: 'POST', path: '/api/orders', options: json(order({ amount: -0.01 })), status: 422 },
  { name: 'an amount with three decimals', method: 'POST', path: '/api/orders', options: json(order({ amount: 500_000.001 })), status: 422 },
  { name: 'an amount of 1e400 (Infinity)', method: 'POST', path: '/api/orders', options: raw(JSON.stringify(valid).replace('750000', '1e400'), 'application/json'), status: 422 },
  { name: 'an amount of 1e20', method: 'POST', path: '/api/orders', options: json(order({ amount: 1e20 })), status: 422 },
  { name: 'a lower-case currency', method: 'POST', path: '/api/orders', options: json(order({ currency: 'eur' })), status: 422 },
  { name: 'a four-letter currency', method: 'POST', path: '/api/orders', options: json(order({ currency: 'EURO' })), status: 422 },
  { name: 'unknown payment terms', method: 'POST', path: '/api/orders', options: json(order({ paymentTerms: 'cash' })), status: 422 },
  { name: 'an empty orderNo', method: 'POST', path: '/api/orders', options: json(order({ orderNo: '' })), status: 422 },
  { name: 'an orderNo with a line break', method: 'POST', path: '/api/orders', options: json(order({ orderNo: 'SO-1\nSO-2' })), status: 422 },
  { name: 'an orderNo with a right-to-left override', method: 'POST', path: '/api/orders', options: json(order({ orderNo: 'SO-\u202E1' })), status: 422 },
  // dot segments: fetch and browsers resolve /api/orders/./changes to /api/orders/changes, so no route could name them
  { name: 'an orderNo of one dot', method: 'POST', path: '/api/orders', options: json(order({ orderNo: '.' })), status: 422 },
  { name: 'an orderNo of two dots', method: 'POST', path: '/api/orders', options: json(order({ orderNo: '..' })), status: 422 },
  { name: 'an orderNo with a zero-width space', method: 'POST', path: '/api/orders', options: json(order({ orderNo: 'SO\u200B-1' })), status: 422 },
  { name: 'a customer without a name', method: 'POST', path: '/api/orders', options: json(order({ customer: { id: 'C-1' } })), status: 422 },
  { name: 'a customer name of spaces', method: 'POST', path: '/api/orders', options: json(order({ customer: { name: '   ' } })), status: 422 },
  { name: 'a customer name with a NUL byte', method: 'POST', path: '/api/orders', options: json(order({ customer: { name: 'AC\u0000ME' } })), status: 422 },
  { name: 'a customer name with a lone surrogate', method: 'POST', path: '/api/orders', options: raw(JSON.stringify(valid).replace('"ACME"', '"AC\\ud800ME"'), 'application/json'), status: 422 },
  { name: 'a numeric customer field', method: 'POST', path: '/api/orders', options: json(order({ customer: { name: 'A', creditLimit: 5 } })), status: 422 },
  { name: 'an unknown order field', method: 'POST', path: '/api/orders', options: json(order({ priority: 'urgent' })), status: 422 },
  { name: 'an empty special change', method: 'POST', path: '/api/orders', options: json(order({ specialChange: {} })), status: 422 },
  { name: 'a special change with extra fields', method: 'POST', path: '/api/orders', options: json(order({ specialChange: { description: 'x', approvedBy: 'me' } })), status: 422 },
  { name: 'a missing body field list', method: 'POST', path: '/api/orders', options: json({}), status: 422 },
  // routes, methods, parameters
  { name: 'an unknown API route', method: 'GET', path: '/api/nope', status: 404 },
  { name: 'an unknown top-level route', method: 'GET', path: '/wp-admin/setup.php', status: 404 },
  { name: 'DELETE on orders', method: 'DELETE', path: '/api/orders', status: 405 },
  { name: 'PUT on an instance', method: 'PUT', path: '/api/instances/x', options: json({ status: 'completed' }), status: 405 },
  { name: 'GET on fetch-and-lock', method: 'GET', path: '/api/jobs/fetch-and-lock', status: 405 },
  { name: 'an unknown instance', method: 'GET', path: '/api/instances/does-not-exist', status: 404 },
  { name: 'a path traversal key', method: 'GET', path: '/api/processes/..%2F..%2Fetc%2Fpasswd', status: 400 },
  { name: 'a version that is not a number', method: 'GET', path: '/api/processes/order-to-cash/versions/abc/xml', status: 400 },
  { name: 'version 0', method: 'GET', path: '/api/processes/order-to-cash/versions/0/xml', status: 400 },
  { name: 'a version that does not exist', method: 'GET', path: '/api/processes/order-to-cash/versions/99/xml', status: 404 },
  { name: 'limit over 200', method: 'GET', path: '/api/instances?limit=500', status: 400 },
  { name: 'a negative offset', method: 'GET', path: '/api/instances?offset=-1', status: 400 },
  { name: 'an unknown status', method: 'GET', path: '/api/instances?status=deleted', status: 400 },
  { name: 'a repeated limit', method: 'GET', path: '/api/instances?limit=1&limit=2', status: 400 },
  { name: 'an unknown query parameter', method: 'GET', path: '/api/tasks?assigneeGroup=me', status: 400 },
  { name: 'broken percent-encoding', method: 'GET', path: '/api/instances/%E0%A4%A', status: 400 },
  // XML
  { name: 'an XXE DOCTYPE', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: raw(XML('<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'), 'application/xml'), status: 422 },
  { name: 'a billion-laughs entity', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: raw(XML('<!DOCTYPE l [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'), 'text/xml'), status: 422 },
  { name: 'a lower-case doctype in a multipart file', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: { body: form([['files', new Blob([XML('<!doctype d SYSTEM "http://evil.example/d.dtd">')]), 'a.bpmn']]) }, status: 422 },
  { name: 'a timer start cycle of R/PT0S (piso would count it for ever)', method: 'POST', path: '/api/deployments?note=spin', token: TOKENS.designer, options: raw(XML('').replace('<process id="evil" isExecutable="true"/>', '<process id="evil" isExecutable="true"><startEvent id="s"><timerEventDefinition><timeCycle>R/PT0S</timeCycle></timerEventDefinition></startEvent></process>'), 'application/xml'), status: 422 },
  { name: 'XML that is not BPMN', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: raw('<html><body>hi</body></html>', 'application/xml'), status: 422 },
  { name: 'text that is not XML', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: raw('definitions process', 'application/xml'), status: 422 },
  { name: 'XML with invalid UTF-8', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: raw(Buffer.concat([Buffer.from('<definitions '), Buffer.from([0xc3, 0x28]), Buffer.from('/>')]), 'application/xml'), status: 400 },
  { name: 'a file name with a path', method: 'POST', path: '/api/deployments?name=../../etc/passwd', token: TOKENS.designer, options: raw(XML(''), 'application/xml'), status: 400 },
  { name: 'an executable in the upload', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: { body: form([['files', new Blob(['MZ']), 'tool.exe']]) }, status: 422 },
  { name: 'an upload without files', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: { body: form([['note', 'nothing']]) }, status: 422 },
  { name: 'files under another field name', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: { body: form([['file', new Blob([XML('')]), 'a.bpmn']]) }, status: 400 },
  { name: 'a malformed multipart body', method: 'POST', path: '/api/deployments', token: TOKENS.designer, options: raw('--x\r\nContent-Disposition: form-data; name="files"\r\n\r\nabc', 'multipart/form-data; boundary=x'), status: 400 },
  // tasks, jobs, messages
  { name: 'approved as a string', method: 'POST', path: () => `/api/tasks/${encodeURIComponent(taskId)}/complete`, token: TOKENS.vp, options: json({ variables: { approved: 'yes' } }), status: 422 },
  { name: 'a variable name with spaces', method: 'POST', path: () => `/api/tasks/${encodeURIComponent(taskId)}/complete`, token: TOKENS.vp, options: json({ variables: { 'drop table': 1 } }), status: 422 },
  { name: 'an approver lowering the amount', method: 'POST', path: () => `/api/tasks/${encodeURIComponent(taskId)}/complete`, token: TOKENS.vp, options: json({ variables: { approved: true, amount: 1 } }), status: 422 },
  { name: 'a message rewriting the payment terms', method: 'POST', path: '/api/messages', options: json({ name: 'PaymentReceived', businessKey: 'SO-PAY', variables: { paymentTerms: 'credit' } }), status: 422 },
  { name: 'a job completion rewriting the customer', method: 'POST', path: '/api/jobs/j/complete', options: json({ variables: { customer: { name: 'Someone else' } } }), status: 422 },
  { name: 'variables as an array', method: 'POST', path: () => `/api/tasks/${encodeURIComponent(taskId)}/complete`, token: TOKENS.vp, options: json({ variables: [true] }), status: 422 },
  { name: 'an unknown task', method: 'POST', path: '/api/tasks/nope/complete', token: TOKENS.vp, options: json({ variables: { approved: true } }), status: 404 },
  { name: 'a message nothing waits for', method: 'POST', path: '/api/messages', options: json({ name: 'PaymentReceived', businessKey: 'SO-UNKNOWN' }), status: 404 },
  { name: 'a message without business key', method: 'POST', path: '/api/messages', options: json({ name: 'PaymentReceived' }), status: 422 },
  { name: 'fetch-and-lock with max 0', method: 'POST', path: '/api/jobs/fetch-and-lock', options: json({ type: 'shipping', workerId: 'w', max: 0 }), status: 422 },
  { name: 'fetch-and-lock with a 1 ms lock', method: 'POST', path: '/api/jobs/fetch-and-lock', options: json({ type: 'shipping', workerId: 'w', lockMs: 1 }), status: 422 },
  { name: 'a job failure with negative retries', method: 'POST', path: '/api/jobs/j/failure', options: json({ message: 'x', retries: -1 }), status: 422 },
  { name: 'a Camunda 8 job update with an empty changeset', method: 'PATCH', path: '/v2/jobs/j', options: json({ changeset: {} }), status: 400 },
  { name: 'a Camunda 8 job update with a billion retries as text', method: 'PATCH', path: '/v2/jobs/j', options: json({ changeset: { retries: '1e9' } }), status: 400 },
  { name: 'an Idempotency-Key of 300 characters', method: 'POST', path: '/api/processes/order-to-cash/instances', options: { json: {}, headers: { 'idempotency-key': 'k'.repeat(300) } }, status: 400 },
  { name: 'an Idempotency-Key of spaces', method: 'POST', path: '/api/processes/order-to-cash/instances', options: { json: {}, headers: { 'idempotency-key': '   ' } }, status: 400 },
  { name: 'an Idempotency-Key with a character beyond ASCII', method: 'POST', path: '/api/processes/order-to-cash/instances', options: { json: {}, headers: { 'idempotency-key': 'k\u00E9y' } }, status: 400 },
  // tokens
  { name: 'a 10 KB bearer token', method: 'GET', path: '/api/instances', token: 'x'.repeat(10_000), status: 401 },
  { name: 'a bearer token with unicode', method: 'GET', path: '/api/instances', options: { headers: { authorization: 'Bearer dëmo-integration' } }, token: '', status: 401 },
];

beforeAll(async () => {
  server = await startTestServer({ bodyBytes: BODY_LIMIT });
  api = server.api;
  const waiting = await api.post<InstanceView>('/api/orders', TOKENS.erp, order({ orderNo: 'SO-REVIEW' }));
  expect(waiting.status).toBe(201);
  taskId = waiting.body.waiting.find((wait) => wait.type === 'task')!.taskId!;
  expect((await api.post('/api/orders', TOKENS.erp, order({ orderNo: 'SO-PAY', paymentTerms: 'prepaid-at-entry' }))).status).toBe(201);
});

afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

describe('hostile and malformed requests', () => {
  it(`lists at least 50 of them`, () => {
    expect(HOSTILE.length).toBeGreaterThanOrEqual(50);
    expect(new Set(HOSTILE.map((h) => h.name)).size).toBe(HOSTILE.length);
  });

  it('answers each with the expected 4xx problem+json, changes no stored data and pollutes no prototype', async () => {
    const before = await dump();
    const failures: string[] = [];
    for (const hostile of HOSTILE) {
      const path = typeof hostile.path === 'function' ? hostile.path() : hostile.path;
      const token = hostile.token ?? TOKENS.erp;
      try {
        const response = await api.request(hostile.method, path, { ...hostile.options, ...(token ? { token } : {}) });
        const problem = response.body as { type?: string; title?: string; status?: number; detail?: string };
        if (response.status !== hostile.status) failures.push(`${hostile.name}: ${response.status} instead of ${hostile.status}: ${response.text.slice(0, 300)}`);
        else if (!/^application\/problem\+json/.test(response.contentType)) failures.push(`${hostile.name}: content type ${response.contentType}`);
        else if (problem.status !== response.status || !problem.type || !problem.title || !problem.detail) failures.push(`${hostile.name}: incomplete problem ${response.text}`);
      } catch (error) {
        failures.push(`${hostile.name}: ${(error as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect((await api.get('/healthz')).status).toBe(200);
    const after = await dump();
    expect(withoutRefusals(after)).toEqual(before);
    // the hostile requests that rewrite an order (an approver's amount, a message's payment terms) are in its audit
    // trail, and nothing else is
    expect(refusalsIn(after)).toEqual([
      { event: 'message.refused', reason: 'variable-refused', businessKey: 'SO-PAY', variables: { paymentTerms: 'credit' } },
      { event: 'task.refused', reason: 'variable-refused', businessKey: undefined, variables: { amount: 1, approved: true } },
    ]);
    const probe: Record<string, unknown> = {};
    expect(probe.polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('polluted');
  });

  it('names each refused field of an order', async () => {
    const response = await api.post('/api/orders', TOKENS.erp, { orderNo: '', customer: {}, amount: 0, currency: 'eur', paymentTerms: 'cash', extra: 1 });
    expect(response.status).toBe(422);
    const fields = problemOf(response).errors?.map((error) => error.field);
    expect(fields).toEqual(arrayWith(['/orderNo', '/customer/name', '/amount', '/currency', '/paymentTerms', '/extra']));
  });
});

// helpers

type HistoryLike = { event: string; data?: Record<string, unknown> | null };
type Dump = Awaited<ReturnType<typeof dump>>;

/** `stored` without the refused attempts its instances' histories keep (`task.refused`, `message.refused` …). */
function withoutRefusals(stored: Dump): Dump {
  const copy = structuredClone(stored);
  for (const view of copy.instances as { history?: HistoryLike[] }[]) {
    if (view.history) view.history = view.history.filter((entry) => !entry.event.endsWith('.refused'));
  }
  return copy;
}

/** The refused attempts the instances' histories keep, in short, each once (an order's views share its history), by event. */
function refusalsIn(stored: Dump) {
  const entries = (stored.instances as { history?: HistoryLike[] }[]).flatMap((view) => (view.history ?? [])
    .filter((entry) => entry.event.endsWith('.refused'))
    .map(({ event, data }) => JSON.stringify({ event, reason: data?.reason, businessKey: data?.businessKey, variables: data?.variables })));
  return [...new Set(entries)].sort().map((entry) => JSON.parse(entry) as Record<string, unknown>);
}

/** Everything a reader can see of the stored data. */
async function dump() {
  const processes = (await api.get('/api/processes', TOKENS.erp)).body as { key: string }[];
  const library = [];
  for (const { key } of processes) {
    const detail = (await api.get(`/api/processes/${key}`, TOKENS.erp)).body as { versions: { version: number }[] };
    const xml = [];
    for (const { version } of detail.versions) xml.push((await api.get(`/api/processes/${key}/versions/${version}/xml`, TOKENS.erp)).text);
    library.push({ detail, xml });
  }
  const page = (await api.get('/api/instances?limit=200', TOKENS.erp)).body as { items: { id: string }[] };
  const instances: unknown[] = [];
  for (const { id } of page.items) instances.push((await api.get(`/api/instances/${encodeURIComponent(id)}`, TOKENS.erp)).body);
  const tasks = (await api.get('/api/tasks', TOKENS.erp)).body;
  return { processes, library, page, instances, tasks };
}
