// One pool scrape for every caller that asks at about the same time. The
// primary's /metrics asks every worker for its registry and merges the answers
// (primary-metrics.ts), a few milliseconds of CPU in each process; /metrics is
// public, so without this a flood of scrapes would make every worker and the
// primary do that work once per request. Callers that ask while a scrape runs
// get its answer, and so do callers within `reuseMs` after it ended (far
// shorter than any Prometheus scrape interval, so every scrape still sees
// fresh figures).

/** `scrape`, run at most once at a time, its answer reused for `reuseMs` after it ended. */
export function sharedScrape<T>(scrape: () => Promise<T>, reuseMs: number, now: () => number = performance.now.bind(performance)): () => Promise<T> {
  let running: Promise<T> | undefined;
  let last: { value: T; at: number } | undefined;
  return () => {
    if (last && now() - last.at < reuseMs) return Promise.resolve(last.value);
    running ??= scrape().then(
      (value) => {
        last = { value, at: now() };
        running = undefined;
        return value;
      },
      (error: unknown) => {
        // a failed scrape is not kept: the next caller tries again
        running = undefined;
        throw error;
      },
    );
    return running;
  };
}
