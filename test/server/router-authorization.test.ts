// The order router hands a worker every Authorization header a request carries: Node keeps the first of two in
// req.headers, so forwarding req.headers alone had the worker serve the first credentials where it refuses two
// (server/auth/authenticate.ts), and it joins two Idempotency-Keys into one, which the worker refuses apart.
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createOrderRouter, type OrderRouter } from '../../server/routing.js';

let router: OrderRouter | undefined;
let worker: Server | undefined;
afterEach(async () => {
  await router?.close();
  if (worker) await new Promise((resolve) => worker!.close(resolve));
  router = worker = undefined;
});

/** A worker answering the `header`s it received (Authorization unless told), each apart. */
async function echoingWorker(header = 'authorization'): Promise<number> {
  worker = createServer((req, res) => {
    req.resume();
    res.end(JSON.stringify(req.headersDistinct[header] ?? []));
  });
  await new Promise<void>((resolve) => worker!.listen(0, '127.0.0.1', resolve));
  return (worker.address() as AddressInfo).port;
}

/** The body of the answer to `request`, written to `port` as is (fetch joins repeated headers into one). */
function rawBody(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.on('end', () => resolve(answer.slice(answer.indexOf('\r\n\r\n') + 4)));
    socket.on('error', reject);
  });
}

describe('the order router and repeated headers', () => {
  it('forwards both of two Authorization headers, in their order, and one as one', async () => {
    router = createOrderRouter({ timeouts: { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 3_000 }, bodyLimit: 1_000_000 });
    router.add(0, await echoingWorker());
    const port = await router.listen(0, '127.0.0.1');
    const twice = await rawBody(port, 'GET /api/incidents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer first\r\nAuthorization: Bearer second\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(twice)).toEqual(['Bearer first', 'Bearer second']);
    const once = await rawBody(port, 'GET /api/incidents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer only\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(once)).toEqual(['Bearer only']);
  });

  it('forwards both of two Idempotency-Key headers apart, which req.headers would join into the one key "a, b" the worker cannot refuse', async () => {
    router = createOrderRouter({ timeouts: { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 3_000 }, bodyLimit: 1_000_000 });
    router.add(0, await echoingWorker('idempotency-key'));
    const port = await router.listen(0, '127.0.0.1');
    const twice = await rawBody(port, 'POST /api/processes/p/instances HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\r\nIdempotency-Key: b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(twice)).toEqual(['a', 'b']);
    const once = await rawBody(port, 'POST /api/processes/p/instances HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a, b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    expect(JSON.parse(once)).toEqual(['a, b']);
  });
});
