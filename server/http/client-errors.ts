// Connection hygiene: how long a client may take to send a request, and what a
// connection that fails before it reaches express gets. Node reports timeouts,
// resets and parse errors alike as `clientError`; only a request the client
// actually sent deserves an answer. An idle kept-alive connection that times
// out or is reset is closed silently: a browser reusing it must never read a
// stale "400 Bad Request" there.
import type { Server, ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface HttpTimeouts {
  /** A client must have sent the request's headers within this time (slow-header clients are cut off). */
  headersTimeoutMs: number;
  /** A client must have sent the whole request, body included, within this time (slow-body clients are cut off). */
  requestTimeoutMs: number;
  /** An idle kept-alive connection is closed after this time. */
  keepAliveTimeoutMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersTimeoutMs: 10_000, requestTimeoutMs: 60_000, keepAliveTimeoutMs: 5_000 };

/** Options for `http.createServer`: node checks the two request timeouts every `connectionsCheckingInterval` (30 s unless set). */
export function serverOptions(timeouts: HttpTimeouts): ServerOptions {
  return {
    headersTimeout: timeouts.headersTimeoutMs,
    requestTimeout: timeouts.requestTimeoutMs,
    // a check every second at most (or a fifth of the headers timeout): cut-offs land close to the limit
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(timeouts.headersTimeoutMs / 5))),
  };
}

/** Sets the keep-alive timeout and answers client errors as described above. */
export function guardConnections(server: Server, timeouts: HttpTimeouts): void {
  server.keepAliveTimeout = timeouts.keepAliveTimeoutMs;
  server.on('connection', (socket: Socket) => requestStart.set(socket, 0));
  server.on('request', (req, res) => {
    const socket = req.socket;
    // whatever arrives after this answer belongs to the connection's next request
    res.once('finish', () => requestStart.set(socket, socket.bytesRead));
  });
  server.on('clientError', answerClientError);
}

/** Bytes read from a socket when its current request began. */
const requestStart = new WeakMap<Duplex, number>();

const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT', 'ERR_STREAM_DESTROYED']);

export function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  // a response already under way cannot be followed by another one
  const answering = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent;
  const bytesRead = (socket as Partial<Socket>).bytesRead ?? 0;
  const idle = bytesRead <= (requestStart.get(socket) ?? 0);
  if (!socket.writable || answering || RESET_CODES.has(error.code ?? '') || idle) {
    socket.destroy();
    return;
  }
  const [status, reason, slug, title, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', 'request-timeout', 'Request timeout', 'The request was not sent completely in time.']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', 'headers-too-large', 'Request header fields too large', 'The request headers are larger than the server accepts.']
        : [400, 'Bad Request', 'bad-request', 'Bad request', 'The request is not valid HTTP.'];
  const body = JSON.stringify({ type: `https://stratum.dev/problems/${slug}`, title, status, detail });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  // the server allows half-open sockets: a client that never closes its side is closed for it
  setTimeout(() => socket.destroy(), 1000).unref();
}
