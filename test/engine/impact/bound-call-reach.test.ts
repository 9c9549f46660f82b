// The replays apply the runtime's rule for what a worker may set (completion-variables.ts) on the candidate: a
// call the candidate binds by `versionTag` to an older version reaches that version, so what it declares as its
// output is no worker's to set, though the latest version no longer declares it (tree-models.ts).
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
import { enter, erp, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { candidate } from './candidates.js';

let dataDir: string;
let store: Store;
let stratum: Stratum;
let planned: RecordedOrder;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-bound-reach-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  // approved automatically; procurement planning then sets the week (no process declares it yet)
  await enter(stratum.runtime, order('SO-PLAN', 1_000));
  const [job] = await stratum.runtime.fetchAndLockJobs({ type: 'procurement-planning', workerId: 'w1' });
  await stratum.runtime.completeJob(job.id, { plannedWeek: 48 }, erp, 'w1');
  // version 2 of the approval, tagged, decides plannedWeek; version 3, the latest, no longer does
  await stratum.library.deploy([approval('planning-era', (xml) => xml.replace(
    '<zeebe:output source="=comment" target="directorComment" />',
    '<zeebe:output source="=comment" target="directorComment" />\n          <zeebe:output source="=week" target="plannedWeek" />'))], { user: 'test' });
  await stratum.library.deploy([approval('current', (xml) => xml)], { user: 'test' });
  for await (const { order: one } of recordedOrders(store, { processKey: 'order-to-cash' })) if (one.orderNo === 'SO-PLAN') planned = one;
}, 120_000);

afterAll(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a call the candidate binds to an older version', () => {
  it('blocks, on both replays, the recorded worker that set what that version decides, though the call is never reached', async () => {
    // the order-change loop's re-approval, which this order never ran, bound to the tagged version 2
    const library = await CandidateLibrary.open(store, [candidate('sales-order-management', (xml) => xml.replace(
      '<zeebe:calledElement processId="credit-order-approval" propagateAllChildVariables="false" />',
      '<zeebe:calledElement processId="credit-order-approval" propagateAllChildVariables="false" bindingType="versionTag" versionTag="planning-era" />'))]);
    const expected = { element: 'sales-order-management/ServiceTask_PlanProcurement', reason: 'decision-refused' };
    const engine = await replayOrder(library, planned);
    expect(engine).toMatchObject({ status: 'blocked', block: expected });
    expect(engine.block!.message).toMatch(/may not set plannedWeek/);
    expect(await new FastReplay(library).replay(planned)).toStrictEqual(engine);
  });

  it('lets it through when the call starts the latest version, which no longer decides it', async () => {
    const library = await CandidateLibrary.open(store, [candidate('sales-order-management', (xml) => xml.replace(
      'name="Approve changed amount"', 'name="Approve the changed amount"'))]);
    const engine = await replayOrder(library, planned);
    expect(engine.status).toBe('running');
    expect(await new FastReplay(library).replay(planned)).toStrictEqual(engine);
  });
});

// helpers

/** The shipped approval tagged `tag`, changed by `change`. */
function approval(tag: string, change: (xml: string) => string) {
  return candidate('credit-order-approval', (xml) => change(xml.replace(
    '<bpmn:extensionElements>\n      <zeebe:properties>',
    `<bpmn:extensionElements>\n      <zeebe:versionTag value="${tag}" />\n      <zeebe:properties>`)));
}
