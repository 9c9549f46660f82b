// A what-if replay ends what a call had started when its caller leaves the call without it, as the runtime does
// (abandoned-calls.ts): a credit order over 1,000,000 with a special change open, rejected by the sales director,
// ends in reality with its change's acknowledgements cancelled (the order's end terminates the change loop, which
// leaves the call of special-change-notification). Replayed, on bpmn-engine (replay-sandbox.ts) and on the fast path
// (fast-replay.ts), the called instance went on running, so the rejected order was reported waiting at procurement's,
// production's and inspection's acknowledgements.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import type { Store } from '../../../engine/store/types.js';
import { director, enter, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { asEnteredNow, candidate } from './candidates.js';

let dataDir: string;
let store: Store;
let stratum: Stratum;
let rejected: RecordedOrder;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-abandoned-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  const { runtime } = stratum;
  await enter(runtime, order('SO-AB', 1_200_000));
  await runtime.changeOrder('SO-AB', { description: 'blue paint' }, { user: 'erp' });
  const [task] = await runtime.findTasks({ candidateGroup: 'sales-director', businessKey: 'SO-AB' });
  await runtime.completeTask(task.id, { approved: false, comment: 'too risky' }, director);
  for await (const { order: one } of recordedOrders(store, { processKey: 'order-to-cash' })) {
    if (one.orderNo === 'SO-AB') rejected = asEnteredNow(one);
  }
}, 120_000);

afterAll(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a call its caller left, in the replay', () => {
  it('ends with the call: an order rejected while a special change was open waits for none of the change\'s acknowledgements', async () => {
    // in reality: the change's called instance cancelled with the order's end, no task left open
    const { items } = await stratum.runtime.findInstances({ businessKey: 'SO-AB' });
    expect(items.find(({ processKey }) => processKey === 'special-change-notification')?.status).toBe('cancelled');
    expect(await stratum.runtime.findTasks({ businessKey: 'SO-AB' })).toEqual([]);

    const replayed = await replayOrder(await CandidateLibrary.open(store, []), rejected);
    expect(replayed.status).toBe('rejected');
    expect(replayed.waiting).toEqual([]);
  }, 120_000);

  it('ends with the call on the fast path too, which plays the order without bpmn-engine and gives the same route', async () => {
    const library = await CandidateLibrary.open(store, []);
    const fast = await new FastReplay(library).replay(rejected);
    expect(fast).toBeDefined();
    expect(fast!.waiting).toEqual([]);
    expect(fast).toEqual(await replayOrder(library, rejected));
  }, 120_000);

  it('ends with the call on a candidate too, whose acknowledgements the change touches', async () => {
    const renamed = candidate('special-change-notification', (xml) => xml.replace('name="Acknowledge special change (procurement)"', 'name="Confirm special change (procurement)"'));
    const replayed = await replayOrder(await CandidateLibrary.open(store, [renamed]), rejected);
    expect(replayed.status).toBe('rejected');
    expect(replayed.waiting).toEqual([]);
  }, 120_000);
});
