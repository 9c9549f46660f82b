// The replays start a called process with the variables the runtime starts it with
// (runtime/call-variables.ts): an order recorded on a caller that passes every
// variable is replayed on a candidate whose call activity sets
// propagateAllParentVariables="false", and the called process routes on what the
// call activity's inputs give it, on the engine sandbox and on the fast path
// alike; a multi-instance call activity hands each child its iteration's element.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type BpmnFile, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import type { Store } from '../../../engine/store/types.js';
import { CALLER_VARIABLES, caller, OVER_REVIEWERS, REVIEW } from '../../support/call-variables-diagrams.js';
import { objectWith } from '../../support/matchers.js';
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

describe('a candidate call activity with propagateAllParentVariables="false", in the replay', () => {
  const NARROWED = 'propagateAllParentVariables="false"';

  it('without an input the called process gets no approved: both replays stop at its gateway, where the recorded order was shipped', async () => {
    const order = await recordedShipment();
    const { engine, fast } = await replayBoth([caller(NARROWED)], order);
    expect(engine).toMatchObject({ status: 'blocked', block: { reason: 'step-failed', element: 'c8-review/Approved' } });
    expect(engine.block!.message).toContain('approved');
    expect(engine.completed).not.toContain('c8-review/Ship');
    expect(fast).toStrictEqual(engine);
  });

  it('with an input passing approved it routes as recorded, on both replays', async () => {
    const order = await recordedShipment();
    const { engine, fast } = await replayBoth([caller(NARROWED, '<zeebe:input source="=approved" target="approved" />')], order);
    expect(engine.status).toBe('completed');
    expect(engine.completed).toContain('c8-review/Ship');
    expect(fast).toStrictEqual(engine);
  });

  it('with an input giving approved another value it takes the other route, on both replays', async () => {
    const order = await recordedShipment();
    const candidate = caller(NARROWED, '<zeebe:input source="=amount &gt; 100" target="approved" />');
    const { engine, fast } = await replayBoth([candidate], order);
    expect(engine.completed).not.toContain('c8-review/Ship');
    expect(engine.waiting).toEqual([objectWith({ element: 'c8-review/Recheck', kind: 'job' })]);
    expect(fast).toStrictEqual(engine);

    // the runtime, given the candidate, takes the same route
    await stratum.library.deploy([candidate], { user: 'test' });
    await stratum.runtime.start('c8-caller', { businessKey: 'SHIP-2', variables: CALLER_VARIABLES });
    const [review] = await stratum.runtime.fetchAndLockJobs({ type: 'review', workerId: 'worker' });
    await stratum.runtime.completeJob(review.id, {}, erp, 'worker');
    expect((await stratum.runtime.getInstance(review.instanceId))!.waiting).toEqual([objectWith({ elementId: 'Recheck', type: 'job' })]);
  });
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

/** An order recorded on the caller passing every variable: reviewed, routed on the caller's approved, shipped, looked after. */
async function recordedShipment(): Promise<RecordedOrder> {
  await stratum.library.deploy([caller(''), REVIEW], { user: 'test' });
  await stratum.runtime.start('c8-caller', { businessKey: 'SHIP-1', variables: CALLER_VARIABLES });
  for (const type of ['review', 'ship', 'after']) {
    const [job] = await stratum.runtime.fetchAndLockJobs({ type, workerId: 'worker' });
    expect(job, `a ${type} job`).toBeDefined();
    await stratum.runtime.completeJob(job.id, {}, erp, 'worker');
  }
  return recorded('SHIP-1');
}

/** The route of `order` on the library with `files` in place, by the engine sandbox and by the fast path. */
async function replayBoth(files: BpmnFile[], order: RecordedOrder) {
  const library = await CandidateLibrary.open(store, files);
  return { engine: await replayOrder(library, order), fast: await new FastReplay(library).replay(order) };
}

async function recorded(orderNo: string): Promise<RecordedOrder> {
  for await (const { order } of recordedOrders(store, { processKey: 'c8-caller' })) if (order.orderNo === orderNo) return order;
  throw new Error(`order ${orderNo} was not recorded`);
}
