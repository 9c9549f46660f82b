// The runtime refuses a rejection without a reason (engine/bpmn/decision-reason.ts), the replays do not: an order
// rejected before the rule, with no comment, is replayed as it was decided, not blocked as a decision the runtime would
// refuse now. A recorded order's rejection stripped of its comment stands for one recorded before the rule.
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
import { enter, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';

let dataDir: string;
let store: Store;
let stratum: Stratum;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-rejection-reason-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
});

afterAll(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a rejection recorded without a reason, in the replay', () => {
  it('replays on both paths as the order ran, rejected, where the runtime now asks for a comment', async () => {
    await enter(stratum.runtime, order('RR-1', 750_000));
    const [review] = await stratum.runtime.findTasks({ businessKey: 'RR-1' });
    await expect(stratum.runtime.completeTask(review.id, { approved: false }, vicePresident)).rejects.toMatchObject({ code: 'invalid' });
    await stratum.runtime.completeTask(review.id, { approved: false, comment: 'Credit limit exceeded.' }, vicePresident);

    let recorded: RecordedOrder | undefined;
    for await (const { order: one } of recordedOrders(store, { processKey: 'order-to-cash', last: 10 })) if (one.orderNo === 'RR-1') recorded = one;
    expect(recorded!.actual.status).toBe('rejected');
    const withoutComment: RecordedOrder = {
      ...recorded!,
      actions: recorded!.actions.map((action) => (action.kind === 'task' ? { ...action, variables: { approved: false } } : action)),
    };
    expect(withoutComment.actions.filter((action) => action.kind === 'task')).toEqual([expect.objectContaining({ variables: { approved: false } })]);

    const library = await CandidateLibrary.open(store, []);
    const engine = await replayOrder(library, withoutComment);
    expect(engine.block).toBeUndefined();
    expect(engine.status).toBe(recorded!.actual.status);
    expect(engine.completed).toEqual(recorded!.actual.completed);
    expect(await new FastReplay(library).replay(withoutComment)).toStrictEqual(engine);
  }, 120_000);
});
