// A request of the burst bench sent on a kept-alive connection the server had already closed. undici drops an idle
// connection 3 s after its last answer (the server's `Keep-Alive: timeout=5`, less 2 s), and Node's server closes
// it at 6 s (its keep-alive timeout and a second); but when the bench's own event loop stalls for seconds (it
// writes 1,000 requests on 2 loaded cores), undici's timer comes late too, and a request sent right after the stall
// can go out on a connection the server closed meanwhile: "other side closed", no answer. Such a failure of one
// /healthz probe or one retry ended a burst run, and the bench stopped the server under the posts still out,
// whose refused connections looked like a lost port (docs/engine.md, "Workers"). Each request the bench sends may be
// sent again (a read, or an order whose orderNo and body make it one order): it goes again, and is counted.

/** fetch, sending the request again while the kept-alive connection it went out on turns out closed by the server. */
export async function fetchResendingOnClosedConnection(url: string, init: RequestInit, onResend: (cause: unknown) => void): Promise<Response> {
  for (;;) {
    try {
      return await fetch(url, init);
    } catch (error) {
      // each closed connection fails once and leaves the pool; a fresh one has read nothing and is not sent again
      if (!closedBeforeAnswering(error)) throw error;
      onResend((error as Error).cause);
    }
  }
}

/** undici's "other side closed" with no answer, on a connection that had carried an answer before (bytes read). */
function closedBeforeAnswering(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown; socket?: { bytesRead?: unknown } } } | null)?.cause;
  return cause?.code === 'UND_ERR_SOCKET' && typeof cause.socket?.bytesRead === 'number' && cause.socket.bytesRead > 0;
}
