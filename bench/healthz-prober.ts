// A liveness prober as a kubelet runs one, in a small process of its own (forked by
// the burst bench, which is itself too busy writing 1,000 requests to time a probe):
// every 20 ms a GET of the URL on a fresh TCP connection (Connection: close), given
// up after 1 s; a tick that comes while a probe is still out is skipped, as Go's
// ticker drops ticks. The parent names the phase each probe falls in and asks for
// the samples at the end (IPC).
import { request } from 'node:http';

export interface ProbeSample {
  phase: string;
  /** When the probe started, epoch ms (performance.timeOrigin + now: comparable across processes). */
  at: number;
  /** From the request started (connect included) to the whole answer read, or to the timeout. */
  ms: number;
  /** 0 when it failed or timed out. */
  status: number;
  /** How late this probe's tick came after the one before (beyond 20 ms): the prober's own lag. */
  lagMs: number;
}

export type ProberMessage = { type: 'phase'; phase: string } | { type: 'stop' };
export type ProberReply = { type: 'ready' } | { type: 'samples'; samples: ProbeSample[] };

const PERIOD_MS = 20;
const TIMEOUT_MS = 1000;

function probe(url: URL): Promise<{ ms: number; status: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    let settled = false;
    const done = (status: number) => {
      if (settled) return;
      settled = true;
      resolve({ ms: performance.now() - started, status });
    };
    const req = request(url, { agent: false, headers: { connection: 'close' }, timeout: TIMEOUT_MS }, (res) => {
      res.resume();
      res.once('end', () => done(res.statusCode ?? 0));
      res.once('error', () => done(0));
    });
    // `timeout` only watches socket idleness; the deadline covers the whole probe, connect included
    const deadline = setTimeout(() => {
      req.destroy();
      done(0);
    }, TIMEOUT_MS);
    req.once('close', () => clearTimeout(deadline));
    req.once('timeout', () => req.destroy());
    req.once('error', () => done(0));
    req.end();
  });
}

function main(url: URL): void {
  const samples: ProbeSample[] = [];
  let phase = 'idle';
  let busy = false;
  let lastTick = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    const lagMs = Math.max(0, now - lastTick - PERIOD_MS);
    lastTick = now;
    if (busy) return;
    busy = true;
    const sample = { phase, at: performance.timeOrigin + now };
    void probe(url).then(({ ms, status }) => {
      samples.push({ ...sample, ms, status, lagMs });
      busy = false;
    });
  }, PERIOD_MS);
  process.on('message', (message: ProberMessage) => {
    if (message.type === 'phase') phase = message.phase;
    if (message.type === 'stop') {
      clearInterval(timer);
      process.send!({ type: 'samples', samples } satisfies ProberReply, () => process.exit(0));
    }
  });
  process.send!({ type: 'ready' } satisfies ProberReply);
}

main(new URL(process.argv[2]));
