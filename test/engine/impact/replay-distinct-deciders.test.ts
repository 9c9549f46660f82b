// The replays apply a special change's acknowledgement rules as the runtime does (runtime/distinct-deciders.ts, by
// its own distinctDeciderVerdict): each task a process lists in `distinctDeciders` is decided by another person in
// one instance, and none by whoever requested the change the instance acknowledges (or, for a special change entered
// with the order, whoever entered it). Orders recorded on a special-change-notification without the rule are replayed
// on the shipped one, which has it: the report blocks them with the runtime's words, on both replays.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type ImpactReport, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import type { Store } from '../../../engine/store/types.js';
import { DIAGRAMS_DIR, enter, erp, order, SAMPLE_RATES, shippedDiagrams } from '../../support/stratum-fixture.js';
import { refusalOf } from '../../support/refusal.js';
import { candidate } from './candidates.js';

const NOTIFICATION = 'special-change-notification';
const PROCUREMENT = { processKey: NOTIFICATION, elementId: 'UserTask_AcknowledgeProcurement', name: 'Acknowledge special change (procurement)' };

/** In all three departments: may give one acknowledgement of a special change, not two. */
const ada = { name: 'ada', groups: ['procurement', 'production', 'inspection'] };
const department = (group: string) => ({ name: `${group}-lead`, groups: [group] });

let dataDir: string;
let store: Store;
let stratum: Stratum;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-distinct-deciders-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
});

afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('distinct deciders of a special change\'s acknowledgements, in the replay', () => {
  it('blocks, on both replays and in the report, the second acknowledgement by one person, as the runtime refuses it; distinct people replay unchanged', async () => {
    await deployWithoutRule();
    await enter(runtime(), order('SC-1', 100_000, 'credit', { description: 'blue paint' }));
    await acknowledge('SC-1', { procurement: ada, production: ada });
    await enter(runtime(), order('SC-OK', 100_000, 'credit', { description: 'blue paint' }));
    await acknowledge('SC-OK', {});
    await workToTheEnd();
    const library = await CandidateLibrary.open(store, [shippedNotification()]);
    const order1 = await recorded('SC-1');

    const engine = await replayOrder(library, order1);
    expect(engine).toMatchObject({ status: 'blocked', block: { reason: 'four-eyes', element: `${NOTIFICATION}/UserTask_AcknowledgeProduction` } });
    expect(engine.block!.message).toBe('four eyes: ada already decided "Acknowledge special change (procurement)" in this special-change-notification of order SC-1, ' +
      'so another person must decide "Acknowledge special change (production)"');
    expect(engine.block!.fourEyes).toEqual({ reason: 'four-eyes-distinct-deciders', decider: 'ada', decidedTask: PROCUREMENT });
    // the fast path judges it too, alike
    expect(await new FastReplay(library).replay(order1)).toStrictEqual(engine);
    expect((await replayOrder(library, await recorded('SC-OK'))).status).toBe('completed');

    const report = await stratum.impact.analyse([shippedNotification()]);
    expect(report.replay).toMatchObject({ orders: 2, changed: 1, blocked: 1, paths: { fast: 2, engine: 0 } });
    expect(groups(report)).toEqual([
      { kind: 'blocked', orders: ['SC-1'], description: `would block at "Acknowledge special change (production)": four eyes refuses the recorded decider (${engine.block!.message})` },
      { kind: 'unchanged', orders: ['SC-OK'], description: 'unchanged' },
    ]);
    expect(report.blocking).toBe(true);

    // the runtime, given the candidate, refuses the same decision with the same words
    await stratum.library.deploy([shippedNotification()], { user: 'test' });
    await enter(runtime(), order('SC-2', 100_000, 'credit', { description: 'blue paint' }));
    await runtime().completeTask((await openTask('SC-2', 'procurement')).id, { acknowledged: true }, ada);
    const refusal = await refusalOf(runtime().completeTask((await openTask('SC-2', 'production')).id, { acknowledged: true }, ada));
    expect(refusal.message).toBe(engine.block!.message.replace('SC-1', 'SC-2'));
    expect(refusal.details).toMatchObject({ reason: engine.block!.fourEyes!.reason, decidedTask: PROCUREMENT });
  });

  it('blocks the acknowledgement by whoever requested the change it acknowledges, or entered the order with its special change', async () => {
    await deployWithoutRule();
    await enter(runtime(), order('SC-C', 100_000));
    await runtime().changeOrder('SC-C', { description: 'blue paint', changeId: 'C-7' }, { user: 'ada' });
    await acknowledge('SC-C', { inspection: ada });
    await enter(runtime(), order('SC-S', 100_000, 'credit', { description: 'blue paint' }), 'ada');
    await acknowledge('SC-S', { procurement: ada });
    // someone else's change ada may acknowledge, for one department
    await enter(runtime(), order('SC-E', 100_000));
    await runtime().changeOrder('SC-E', { description: 'blue paint' }, { user: 'sam' });
    await acknowledge('SC-E', { production: ada });
    await workToTheEnd();
    const library = await CandidateLibrary.open(store, [shippedNotification()]);

    const requester = await replayOrder(library, await recorded('SC-C'));
    expect(requester.block).toEqual({
      element: `${NOTIFICATION}/UserTask_AcknowledgeInspection`, name: 'Acknowledge special change (inspection)', reason: 'four-eyes',
      message: 'four eyes: ada requested change C-7 of order SC-C, so another person must decide "Acknowledge special change (inspection)"',
      fourEyes: { reason: 'four-eyes-change-requester', decider: 'ada', changeId: 'C-7' },
    });
    expect(await new FastReplay(library).replay(await recorded('SC-C'))).toStrictEqual(requester);
    const starter = await replayOrder(library, await recorded('SC-S'));
    expect(starter.block).toEqual({
      element: `${NOTIFICATION}/UserTask_AcknowledgeProcurement`, name: PROCUREMENT.name, reason: 'four-eyes',
      message: `four eyes: ada started order SC-S, so another person must decide "${PROCUREMENT.name}"`,
      fourEyes: { reason: 'four-eyes-starter', decider: 'ada' },
    });
    expect(await new FastReplay(library).replay(await recorded('SC-S'))).toStrictEqual(starter);
    expect((await replayOrder(library, await recorded('SC-E'))).status).toBe('completed');
  });

  it('replays orders recorded on the shipped library as they ran: the rule held when they were decided', async () => {
    await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
    await enter(runtime(), order('SC-1', 100_000, 'credit', { description: 'blue paint' }));
    await acknowledge('SC-1', { production: ada });
    await enter(runtime(), order('SC-2', 100_000));
    await runtime().changeOrder('SC-2', { description: 'blue paint' }, { user: 'sam' });
    await acknowledge('SC-2', { inspection: ada });
    await workToTheEnd();
    const report = await stratum.impact.analyse([candidate(NOTIFICATION, (xml) => xml
      .replace('name="Acknowledge special change (procurement)"', 'name="Acknowledge the special change (procurement)"'))]);
    expect(report.replay).toMatchObject({ orders: 2, changed: 0, blocked: 0 });
    expect(report.blocking).toBe(false);
  });
});

// helpers

const runtime = () => stratum.runtime;

/** The shipped library with a special-change-notification whose acknowledgements anyone in the department gives. */
async function deployWithoutRule() {
  const files = shippedDiagrams().map((file) => (file.name === `${NOTIFICATION}.bpmn` ? withoutRule() : file));
  await stratum.library.deploy(files, { user: 'test' });
}

function withoutRule() {
  return candidate(NOTIFICATION, (xml) => xml.replace(/<zeebe:property name="distinctDeciders" value="[^"]*" \/>/, ''));
}

function shippedNotification() {
  return { name: `${NOTIFICATION}.bpmn`, xml: readFileSync(`${DIAGRAMS_DIR}${NOTIFICATION}.bpmn`, 'utf8') };
}

async function openTask(businessKey: string, group: string) {
  const task = (await runtime().findTasks({ businessKey })).find((candidate) => candidate.candidateGroups.includes(group));
  if (!task) throw new Error(`no open task of ${group} in ${businessKey}`);
  return task;
}

/** Each department's acknowledgement of the order's special change, by `by[group]` or the department's lead. */
async function acknowledge(businessKey: string, by: Record<string, { name: string; groups: string[] }>) {
  for (const group of ['procurement', 'production', 'inspection']) {
    await runtime().completeTask((await openTask(businessKey, group)).id, { acknowledged: true }, by[group] ?? department(group));
  }
}

/** Every order's jobs done: an ended order replays as if entered now (a running one keeps the versions it started). */
async function workToTheEnd() {
  for (let round = 0; round < 5; round++) {
    let done = 0;
    for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
      for (const job of await runtime().fetchAndLockJobs({ type, workerId: 'worker', max: 10 })) {
        await runtime().completeJob(job.id, {}, erp, 'worker');
        done++;
      }
    }
    if (done === 0) return;
  }
}

async function recorded(orderNo: string): Promise<RecordedOrder> {
  for await (const { order: one } of recordedOrders(store, { processKey: 'order-to-cash' })) if (one.orderNo === orderNo) return one;
  throw new Error(`order ${orderNo} was not recorded`);
}

function groups(report: ImpactReport) {
  return report.replay.groups.map(({ kind, description, orders }) => ({ kind, orders, description }));
}
