// SIGTERM while a request is under way: from the moment the stop begins, /healthz answers 503 saying the server is
// stopping, on the management port (STRATUM_HEALTH_PORT) and on the API port, so a load balancer takes the server
// out of rotation while it drains instead of sending it requests it refuses. One server alone, and npm start's
// order router of two workers (whose /healthz the primary answers itself).
import { writeFileSync } from 'node:fs';
import { request, type ClientRequest } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_USERS, TOKENS } from './support/client.js';
import { startMain, until } from './support/main-process.js';
import { DIAGRAMS_DIR, makeDataDir, removeDataDir } from './support/real-server.js';

const dirs: string[] = [];
afterEach(() => {
  dirs.splice(0).forEach(removeDataDir);
});

const setups: { name: string; env: Record<string, string>; ready: string; stopLine: string }[] = [
  { name: 'one server alone', env: { STRATUM_WORKERS: '1' }, ready: 'stratum server listening', stopLine: 'shutting down' },
  { name: 'the order router of two workers', env: { STRATUM_WORKERS: '2', STRATUM_ROUTING: 'order' }, ready: 'stratum workers listening', stopLine: 'stopping the workers' },
];

describe('/healthz while the server stops', () => {
  it.each(setups)('$name answers 503 "stopping" on both ports as soon as SIGTERM arrives, while a request under way finishes', async ({ env: setup, ready, stopLine }) => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const usersFile = join(dataDir, 'users.json');
    writeFileSync(usersFile, JSON.stringify(TEST_USERS));
    const env = { HOST: '127.0.0.1', STRATUM_DATA: dataDir, STRATUM_USERS: usersFile, STRATUM_DIAGRAMS: DIAGRAMS_DIR, STRATUM_DEPLOY_NOTE: 'optional', STRATUM_HEALTH_PORT: '0', ...setup };
    const server = await startMain(env, ready);
    const healthPort = server.lines.find((line) => line.healthPort !== undefined)!.healthPort as number;
    // each probe on a connection of its own: a pooled kept-alive one the stop closes would reset the probe sent on it
    const probe = (port: number) => new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
      }).on('error', reject).end();
    });
    expect((await probe(healthPort)).status).toBe(200);
    expect((await probe(server.port)).status).toBe(200);

    // an order whose body is half sent keeps the stop draining until the rest comes
    const body = JSON.stringify({ orderNo: 'DRAIN-1', customer: { name: 'Drain GmbH' }, amount: 100, currency: 'CNY', paymentTerms: 'credit' });
    let post!: ClientRequest;
    const answered = new Promise<{ status: number; text: string }>((resolve, reject) => {
      post = request({
        host: '127.0.0.1', port: server.port, method: 'POST', path: '/api/orders', agent: false,
        headers: { authorization: `Bearer ${TOKENS.erp}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      post.on('error', reject);
    });
    post.write(body.slice(0, 10));
    post.flushHeaders();
    await new Promise((resolve) => setTimeout(resolve, 300));

    server.child.kill('SIGTERM');
    await until(() => server.lines.some((line) => line.msg === stopLine));
    for (const port of [healthPort, server.port]) {
      const answer = await probe(port);
      expect(answer.status, `port ${port === healthPort ? 'STRATUM_HEALTH_PORT' : 'API'}`).toBe(503);
      expect(answer.type).toContain('application/problem+json');
      expect(answer.body).toContain('stopping');
    }

    // the request under way is still served (the router too sends it to a worker once its body is read), and the server then exits 0
    post.end(body.slice(10));
    const { status, text } = await answered;
    expect(status, text).toBe(201);
    expect(await server.exit).toBe(0);
  }, 120_000);
});
