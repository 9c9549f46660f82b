// HTTP semantics every route shares: OPTIONS and Allow, the Accept header, and a JSON body's byte order mark.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TOKENS } from './support/client.js';
import { startFakeServer } from './support/fake-server.js';

let server: Awaited<ReturnType<typeof startFakeServer>>;
beforeAll(async () => (server = await startFakeServer()));
afterAll(() => server.close());

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
