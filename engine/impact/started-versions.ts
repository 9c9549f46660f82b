// An open order's instances stay on the versions they started (the runtime never
// moves a running instance), and a call it already made started the version it
// started then. So its replay starts the k-th instance of a process on the
// version of the k-th recorded instance of that process, and only the starts
// beyond those resolve through the library (candidate or deployed). Both replays
// (replay-sandbox.ts, fast-replay.ts) count starts the same way.
import type { RecordedOrder } from './recorded-orders.js';

export class StartedVersions {
  private readonly versions = new Map<string, number[]>();
  private readonly taken = new Map<string, number>();

  constructor(order: Pick<RecordedOrder, 'startedVersions'>) {
    for (const { processKey, version } of order.startedVersions ?? []) {
      const list = this.versions.get(processKey);
      if (list) list.push(version);
      else this.versions.set(processKey, [version]);
    }
  }

  /** The version the next start of `processKey` keeps, or undefined where the order has not started that many (the library decides). */
  next(processKey: string): number | undefined {
    const started = this.taken.get(processKey) ?? 0;
    this.taken.set(processKey, started + 1);
    return this.versions.get(processKey)?.[started];
  }
}
