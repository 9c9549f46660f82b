// Webhook targets over HTTP (issue 13, item 2): without
// STRATUM_WEBHOOKS_ALLOW_PRIVATE, POST /api/webhooks refuses a URL that
// reaches inside the network with a 400 problem+json naming the URL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { problemOf, TOKENS, type ApiClient } from '../support/client.js';
import { removeDataDir, startTestServer, type TestServer } from '../support/real-server.js';

let server: TestServer;
let api: ApiClient;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api;
});
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

describe('POST /api/webhooks without STRATUM_WEBHOOKS_ALLOW_PRIVATE', () => {
  it.each([
    'http://127.0.0.1:9/hooks', 'http://localhost:9/hooks', 'http://169.254.169.254/latest/meta-data/', 'http://192.168.0.10/hooks', 'http://[fd00::1]/hooks',
  ])('refuses %s with a 400 problem+json naming it', async (url) => {
    const refused = await api.request('POST', '/api/webhooks', { token: TOKENS.operations, json: { url } });
    expect(refused.status).toBe(400);
    const problem = problemOf(refused);
    expect(problem.detail).toContain(url);
    expect(problem.reason).toBe('webhook-target');
    expect(problem.errors?.map((error) => error.field)).toEqual(['/url']);
    const { body: subscriptions } = await api.request<unknown[]>('GET', '/api/webhooks', { token: TOKENS.operations });
    expect(subscriptions).toEqual([]);
  });
});
