// HTTP hygiene: slow-header and slow-body clients are cut off at the
// configured limits while /healthz stays fast, and an idle kept-alive
// connection is closed silently instead of being answered "400".
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { answerClientError } from '../../server/http/client-errors.js';
import { TOKENS } from './support/client.js';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const TIMEOUTS = { headersTimeoutMs: 1500, requestTimeoutMs: 3000, keepAliveTimeoutMs: 1000 };
const SLOW_HEADERS = 500;
const SLOW_BODIES = 20;
/**
 * Node checks the timeouts every 300 ms here (a fifth of the headers timeout); the rest is scheduling on a shared 2-core
 * machine (2 s was passed by 59 ms in CI at a load average of 10). The bug this holds off left such connections open
 * for 83 s (Node's defaults: 60 s and 300 s), so a few seconds past the limit still tells the two apart.
 */
const SLACK_MS = 5000;
/** A liveness probe restarts a server only after several failed probes in a row (3 by default in Kubernetes); on a shared test machine a few seconds is the line. */
const LIVENESS_PROBE_TIMEOUT_MS = 5000;

let server: TestServer;
let port: number;

beforeAll(async () => {
  server = await startTestServer({ timeouts: TIMEOUTS });
  port = server.port;
});
afterAll(async () => {
  await server?.close();
  if (server) removeDataDir(server.dataDir);
});

interface Trickle {
  socket: Socket;
  connected: Promise<void>;
  received: string;
  closedAfterMs: Promise<number>;
}

/** A loopback connection that sends `opening` and then one byte of `drip` every 250 ms, never finishing. */
function trickle(opening: string, drip: string): Trickle {
  const started = performance.now();
  const socket = connect(port, '127.0.0.1');
  const connection: Trickle = { socket, received: '', closedAfterMs: Promise.resolve(0), connected: new Promise((resolve) => socket.once('connect', () => resolve())) };
  let timer: NodeJS.Timeout | undefined;
  connection.closedAfterMs = new Promise((resolve) => {
    socket.on('close', () => {
      clearInterval(timer);
      resolve(performance.now() - started);
    });
  });
  socket.on('error', () => undefined);
  socket.on('data', (chunk) => (connection.received += chunk.toString()));
  socket.on('connect', () => {
    socket.write(opening);
    timer = setInterval(() => socket.writable && socket.write(drip), 250);
  });
  return connection;
}

async function healthzLatencies(until: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    const started = performance.now();
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    await response.text();
    latencies.push(performance.now() - started);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return latencies;
}

describe('slow clients', () => {
  it(`cuts off ${SLOW_HEADERS} slow-header and ${SLOW_BODIES} slow-body connections at their limits while /healthz stays fast`, async () => {
    const slowHeaders = Array.from({ length: SLOW_HEADERS }, () => trickle('GET /api/instances HTTP/1.1\r\nHost: localhost\r\nX-Slow: ', 'a'));
    const slowBodies = Array.from({ length: SLOW_BODIES }, () =>
      trickle(
        `POST /api/orders HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${TOKENS.erp}\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n{"orderNo":"`,
        '1',
      ),
    );
    await Promise.all([...slowHeaders, ...slowBodies].map((connection) => connection.connected));
    const headerCutOffs = Promise.all(slowHeaders.map((connection) => connection.closedAfterMs));
    const bodyCutOffs = Promise.all(slowBodies.map((connection) => connection.closedAfterMs));
    const latencies = await healthzLatencies(Promise.all([headerCutOffs, bodyCutOffs]));

    const headerMs = await headerCutOffs;
    const bodyMs = await bodyCutOffs;
    expect(Math.min(...headerMs)).toBeGreaterThanOrEqual(TIMEOUTS.headersTimeoutMs - 100);
    expect(Math.max(...headerMs)).toBeLessThan(TIMEOUTS.headersTimeoutMs + SLACK_MS);
    expect(Math.min(...bodyMs)).toBeGreaterThanOrEqual(TIMEOUTS.requestTimeoutMs - 100);
    expect(Math.max(...bodyMs)).toBeLessThan(TIMEOUTS.requestTimeoutMs + SLACK_MS);
    // a slow-header client that sent part of a request is told why
    expect(slowHeaders.every((connection) => connection.received.startsWith('HTTP/1.1 408 '))).toBe(true);

    // the probe is answered throughout, never near a liveness probe's timeout; how fast it
    // answers is the burst benchmark's to measure (npm run bench -- burst), not a unit test's
    latencies.sort((a, b) => a - b);
    expect(latencies.length).toBeGreaterThan(10);
    expect(latencies.at(-1)).toBeLessThan(LIVENESS_PROBE_TIMEOUT_MS);
  }, 20_000);
});

describe('idle and broken connections', () => {
  it('closes an idle kept-alive connection after keepAliveTimeout without sending anything', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    await new Promise((resolve) => socket.on('connect', resolve));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(performance.now())));
    socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    await vi.waitFor(() => expect(received).toMatch(/\{"status":"ok"\}$/));
    const answered = performance.now();
    const length = received.length;
    const closedAt = await closed;
    expect(closedAt - answered).toBeLessThan(TIMEOUTS.keepAliveTimeoutMs + SLACK_MS);
    expect(received.length).toBe(length);
    expect(received).not.toMatch(/400/);
  });

  it('answers 400 problem+json to a fresh connection that sends something that is not HTTP', async () => {
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk) => (received += chunk.toString()));
    socket.on('error', () => undefined);
    await new Promise((resolve) => socket.on('connect', resolve));
    socket.write('HELLO THERE\r\n\r\n');
    await new Promise((resolve) => socket.on('close', resolve));
    expect(received).toMatch(/^HTTP\/1\.1 400 Bad Request/);
    expect(received).toMatch(/application\/problem\+json/);
  });
});

describe('answerClientError', () => {
  const fakeSocket = (bytesRead: number) => ({ writable: true, bytesRead, destroy: vi.fn(), end: vi.fn() });
  const error = (code: string) => Object.assign(new Error(code), { code });

  it('destroys silently a connection that sent nothing of a new request, whatever the error', () => {
    for (const code of ['ERR_HTTP_REQUEST_TIMEOUT', 'HPE_INVALID_METHOD', 'ECONNRESET']) {
      const socket = fakeSocket(0);
      answerClientError(error(code), socket as never);
      expect(socket.destroy).toHaveBeenCalled();
      expect(socket.end).not.toHaveBeenCalled();
    }
  });

  it('destroys a reset connection and answers a timeout 408, a parse error 400, oversized headers 431', () => {
    const reset = fakeSocket(10);
    answerClientError(error('ECONNRESET'), reset as never);
    expect(reset.end).not.toHaveBeenCalled();
    for (const [code, status] of [['ERR_HTTP_REQUEST_TIMEOUT', 408], ['HPE_INVALID_METHOD', 400], ['HPE_HEADER_OVERFLOW', 431]] as const) {
      const socket = fakeSocket(10);
      answerClientError(error(code), socket as never);
      expect(String(socket.end.mock.calls[0]?.[0])).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
    }
  });
});
