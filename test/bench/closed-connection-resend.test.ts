// The burst bench's requests on a kept-alive connection the server closed (bench/closed-connection-resend.ts): a
// server here answers the first request of each connection and closes the connection when a second one comes on it,
// as a server whose keep-alive timeout ran out while the bench's event loop stalled.
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchResendingOnClosedConnection } from '../../bench/closed-connection-resend.js';

const ANSWER = 'HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 11\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n{"ok":true}';

/** Answers `answered` requests on each connection, then closes it when the next one arrives; counts connections. */
async function closingServer(answered: number): Promise<{ url: string; connections: () => number }> {
  let connections = 0;
  const server = createServer((socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let requests = 0;
    let buffered = '';
    socket.on('data', (chunk) => {
      buffered += chunk.toString('latin1');
      // a GET has no body: each blank line ends one request
      while (buffered.includes('\r\n\r\n')) {
        buffered = buffered.slice(buffered.indexOf('\r\n\r\n') + 4);
        if (++requests > answered) {
          socket.end();
          return;
        }
        socket.write(ANSWER);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/healthz`, connections: () => connections };
}

/** One answered request, and a turn of the event loop: undici has the connection back in its pool, idle. */
async function answeredOnce(url: string): Promise<void> {
  await (await fetch(url)).text();
  await new Promise((resolve) => setTimeout(resolve, 20));
}

const servers: Server[] = [];
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const socket of sockets) socket.destroy();
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

describe('a burst bench request on a kept-alive connection the server closed', () => {
  it('fails as a plain fetch ("other side closed"): what ended a run and stopped the server under its posts', async () => {
    const { url } = await closingServer(1);
    await answeredOnce(url);
    const failure = await fetch(url).then(() => undefined, (error: Error) => error.cause as { code?: string; message?: string });
    expect(failure).toMatchObject({ code: 'UND_ERR_SOCKET', message: 'other side closed' });
  });

  it('is sent again on a fresh connection, answered, and counted', async () => {
    const { url, connections } = await closingServer(1);
    await answeredOnce(url);
    const resent: unknown[] = [];
    const answer = await fetchResendingOnClosedConnection(url, {}, (cause) => resent.push(cause));
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true });
    expect(resent).toHaveLength(1);
    expect(resent[0]).toMatchObject({ code: 'UND_ERR_SOCKET' });
    expect(connections()).toBe(2);
  });

  it('is not sent again when a fresh connection closes before answering (that is the server failing, not a stale connection)', async () => {
    const { url, connections } = await closingServer(0);
    const resent: unknown[] = [];
    await expect(fetchResendingOnClosedConnection(url, {}, (cause) => resent.push(cause))).rejects.toThrow('fetch failed');
    expect(resent).toEqual([]);
    expect(connections()).toBe(1);
  });
});
