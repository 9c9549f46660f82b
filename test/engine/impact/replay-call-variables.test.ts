// The replays start a called process with the variables the runtime starts it with
// (runtime/call-variables.ts): a multi-instance call activity hands each child its
// iteration's element.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import type { Store } from '../../../engine/store/types.js';
import { CALLER_VARIABLES, caller, OVER_REVIEWERS, REVIEW } from '../../support/call-variables-diagrams.js';
import { erp } from '../../support/stratum-fixture.js';

let dataDir: string;
let store: Store;
let stratum: Stratum;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-call-variables-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store });
});

afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a multi-instance call activity, in the engine replay', () => {
  it('starts each child with its iteration\'s element, as the runtime does', async () => {
    // ann's review is approved, bob's is not: each child routes on what its input read of its own element
    const perReviewer = caller('', '<zeebe:input source="=reviewer = &quot;ann&quot;" target="approved" />', OVER_REVIEWERS);
    await stratum.library.deploy([perReviewer, REVIEW], { user: 'test' });
    await stratum.runtime.start('c8-caller', { businessKey: 'MI-1', variables: CALLER_VARIABLES });
    for (const job of await stratum.runtime.fetchAndLockJobs({ type: 'review', workerId: 'worker', max: 10 })) {
      await stratum.runtime.completeJob(job.id, {}, erp, 'worker');
    }
    const ships = await stratum.runtime.fetchAndLockJobs({ type: 'ship', workerId: 'worker', max: 10 });
    const rechecks = await stratum.runtime.fetchAndLockJobs({ type: 'recheck', workerId: 'worker', max: 10 });
    expect([ships.length, rechecks.length]).toEqual([1, 1]);

    const library = await CandidateLibrary.open(store, []);
    const engine = await replayOrder(library, await recorded('MI-1'));
    expect(engine.status).toBe('running');
    expect(engine.waiting.map((wait) => wait.element).sort()).toEqual(['c8-review/Recheck', 'c8-review/Ship']);
  });
});

// helpers

async function recorded(orderNo: string): Promise<RecordedOrder> {
  for await (const { order } of recordedOrders(store, { processKey: 'c8-caller' })) if (order.orderNo === orderNo) return order;
  throw new Error(`order ${orderNo} was not recorded`);
}
