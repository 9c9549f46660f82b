// A server stopping (SIGTERM): one server alone, each worker, and npm start's order router (routing.ts).
// server.close() alone stopped accepting at once, and the connections still waiting in the kernel's accept queue
// were reset (ECONNRESET), unanswered, though nothing told their clients the server was going. Now a stopping
// server goes on accepting for a while: each new request is answered 503 + Retry-After + Connection: close, the
// requests under way finish and are answered, and only then, once the accept queue is drained (accept-drain.ts),
// does the listener close.
import type { RequestListener, ServerResponse } from 'node:http';
import { HttpProblem } from '../problem.js';
import { sendProblem } from './plain-answers.js';

/**
 * The longest a stopping server keeps accepting (and refusing) connections before it closes its listener: node
 * accepts one connection per turn of the event loop, and a loaded server's turns are long (a queue of 200 took
 * over a second on a busy machine). Only connections that keep coming hold it that long; main.ts's 10 s bound stays.
 */
export const STOP_DRAIN_MS = 5_000;

export class StoppingGate {
  private stopping = false;
  private underWay = 0;
  private readonly whenAnswered: (() => void)[] = [];

  /**
   * `listener` behind the gate: it sees every request whose headers came before the stop (its body may come after),
   * none after it; `onRefused` is told of each request the gate refuses, before its answer is written (to log it, as
   * one server and the order router do).
   */
  guard(listener: RequestListener, onRefused?: RequestListener): RequestListener {
    return (req, res) => {
      if (this.stopping) {
        req.resume();
        onRefused?.(req, res);
        refuseWhileStopping(res, req.url ?? '/');
        return;
      }
      this.underWay++;
      res.once('close', () => {
        if (--this.underWay === 0) this.whenAnswered.splice(0).forEach((resolve) => resolve());
      });
      listener(req, res);
    };
  }

  /** Refuses every request from now on; resolves once each request under way has been answered (or its client left). */
  stop(): Promise<void> {
    this.stopping = true;
    if (this.underWay === 0) return Promise.resolve();
    return new Promise((resolve) => this.whenAnswered.push(resolve));
  }
}

/** A request that arrives while the server stops: 503 + Retry-After, and the connection closed after the answer. */
function refuseWhileStopping(res: ServerResponse, url: string): void {
  res.shouldKeepAlive = false;
  sendProblem(res, new HttpProblem(503, 'The server is stopping; try again.', {}, { 'Retry-After': '1' }), url);
}
