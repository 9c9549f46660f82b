// Young-generation collection while the server is idle, so that the next
// request does not pay for it (docs/engine.md, "Scavenges in idle time").
//
// An order's post allocates about one young generation's worth (bpmn-engine's
// broker messages), so V8 stopped for a scavenge inside nearly every post
// (1.1 a post, about 10 ms each). When nothing has been in hand for a moment
// (a client's next request comes right after its last answer), a worker
// scavenges itself if its young generation is more than a little full: the
// next request starts with an empty one, and a post then fits in it (with
// `npm start`'s 24 MB semi-space). Under saturation there is no idle moment and
// V8 collects as before. Long polls do not count as work in hand: they wait,
// and an idle worker always has some.
import { getHeapSpaceStatistics } from 'node:v8';

/** The heap's young generation: bytes in use and bytes still free before V8 must scavenge. */
export interface YoungGeneration {
  used: number;
  available: number;
}

export interface IdleCollectorOptions {
  /** A scavenge (V8's `gc({ type: 'minor' })`, exposed by `--expose-gc`). */
  scavenge: () => void;
  young: () => YoungGeneration;
  /** Scavenge when at least this share of the young generation is in use (default 1/8). */
  minFill?: number;
  /** How long nothing must be in hand before a scavenge (default 25 ms). */
  quietMs?: number;
  /** Runs `check` after `ms` unless cancelled (setTimeout). */
  wait?: (check: () => void, ms: number) => () => void;
  /** Told of each scavenge and how long it took. */
  observe?: (seconds: number) => void;
}

/** An eighth of a 24 MB semi-space is 3 MB: a task list leaves far less, a post or an approval more. */
const DEFAULT_MIN_FILL = 1 / 8;
/**
 * A client's next request follows its last answer within a few milliseconds (a task list after a post, the
 * completion after the list, a job's completion after its fetch from another worker): scavenging at once would
 * make that request wait for it instead. 10 ms and 25 ms gave the same post latency in the latency bench, 25 ms
 * the lower p99 for task lists, completions and job fetches.
 */
const DEFAULT_QUIET_MS = 25;

export class IdleCollector {
  private inHand = 0;
  private cancelCheck: (() => void) | undefined;
  private readonly minFill: number;
  private readonly quietMs: number;
  private readonly wait: (check: () => void, ms: number) => () => void;

  constructor(private readonly options: IdleCollectorOptions) {
    this.minFill = options.minFill ?? DEFAULT_MIN_FILL;
    this.quietMs = options.quietMs ?? DEFAULT_QUIET_MS;
    this.wait = options.wait ?? ((check, ms) => {
      const timer = setTimeout(check, ms);
      // a server with nothing else to do may still exit
      timer.unref();
      return () => clearTimeout(timer);
    });
  }

  /** A request is being worked on; `done` once it has answered (or its client has gone). */
  begin(): () => void {
    this.inHand++;
    this.cancelCheck?.();
    this.cancelCheck = undefined;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inHand--;
      if (this.inHand === 0) this.cancelCheck = this.wait(() => this.whenQuiet(), this.quietMs);
    };
  }

  private whenQuiet(): void {
    this.cancelCheck = undefined;
    if (this.inHand > 0) return;
    const { used, available } = this.options.young();
    if (used + available === 0 || used / (used + available) < this.minFill) return;
    const began = performance.now();
    this.options.scavenge();
    this.options.observe?.((performance.now() - began) / 1000);
  }
}

/** This process's collector, or undefined when node runs without `--expose-gc` (`npm start` passes it). */
export function processIdleCollector(observe?: (seconds: number) => void): IdleCollector | undefined {
  const gc = (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc;
  if (typeof gc !== 'function') return undefined;
  return new IdleCollector({ scavenge: () => gc({ type: 'minor' }), young: youngGeneration, ...(observe && { observe }) });
}

function youngGeneration(): YoungGeneration {
  const space = getHeapSpaceStatistics().find((each) => each.space_name === 'new_space');
  return { used: space?.space_used_size ?? 0, available: space?.space_available_size ?? 0 };
}
