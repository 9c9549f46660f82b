// One library's replay of a recorded order: the fast path where the library
// supports it (fast-replay.ts), else the bpmn-engine sandbox (replay-sandbox.ts).
// replay.ts keeps two: the library after the change, and the library as
// deployed now (the baseline), which tells this change's doing from an earlier
// deployment's for an order that ran on an older version.
import type { ServerRoles } from '../api.js';
import type { CandidateLibrary } from './candidate-library.js';
import { FastReplay } from './fast-replay.js';
import type { ReplayPaths } from './impact-report.js';
import type { RecordedOrder } from './recorded-orders.js';
import { replayOrder, type ReplayedRoute } from './replay-sandbox.js';

export class LibraryReplay {
  private readonly fast: FastReplay | undefined;

  /** `fast` false: every order on bpmn-engine. `serverRoles`: StratumOptions.serverRoles, as the runtime refuses them. */
  constructor(readonly library: CandidateLibrary, private readonly options: { fast: boolean; serverRoles?: ServerRoles }) {
    this.fast = options.fast ? new FastReplay(library, options.serverRoles) : undefined;
  }

  /** The order's route on this library, and which replay gave it. */
  async replay(order: RecordedOrder): Promise<{ route: ReplayedRoute; path: keyof ReplayPaths }> {
    const quick = await this.fast?.replay(order);
    if (quick) return { route: quick, path: 'fast' };
    return { route: await replayOrder(this.library, order, this.options.serverRoles), path: 'engine' };
  }
}
