// The replays apply four eyes to a separated task's iterations and to a rework loop as the runtime does
// (runtime/four-eyes.ts): within one activation of a separated multi-instance task a person decides at most one
// iteration, the loop's next activation starts afresh, and whoever decided a separated task in an earlier round
// decides no other separated task of the order. Orders recorded on a version without four eyes are replayed on a
// candidate that separates the tasks, and the runtime, given the candidate, refuses what the replay refuses.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Actor, type BpmnFile, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrders } from '../../../engine/impact/replay.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import type { Store } from '../../../engine/store/types.js';
import { refusalOf } from '../../support/refusal.js';

const PROCESS = 'mi-separated-parallel';

let dataDir: string;
let store: Store;
let stratum: Stratum;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-iterations-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store });
});

afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('four eyes on the iterations of a separated multi-instance task, in the replay', () => {
  it('refuses a second iteration of one activation by the same person, as the runtime does; the fast path leaves it to bpmn-engine', async () => {
    await deploy(twoApprovals(unseparated));
    await decide(await start('MI-1'), [['ann', 'ann']], 'cy');
    const library = await CandidateLibrary.open(store, [twoApprovals()]);
    const order = await recorded('MI-1');

    const engine = await replayOrder(library, order);
    expect(engine).toMatchObject({ status: 'blocked', block: { reason: 'four-eyes', element: `${PROCESS}/Approve` } });
    expect(engine.block!.message).toBe(
      `four eyes: ann already decided another iteration of "Approve" (${PROCESS}/Approve) of order MI-1, so another person must decide this one`);
    expect(engine.block!.fourEyes).toEqual({
      reason: 'four-eyes-other-iteration', decider: 'ann', decidedTask: { processKey: PROCESS, elementId: 'Approve', name: 'Approve' },
    });
    expect(await new FastReplay(library).replay(order)).toBeUndefined();
    const report = await replayOrders(store, library, { processKey: PROCESS });
    expect(report).toMatchObject({ orders: 1, blocked: 1, paths: { fast: 0, engine: 1 } });

    // the runtime, given the candidate, refuses the same decision with the same words
    await deploy(twoApprovals());
    const live = await start('MI-2');
    await completeApprove(live, 'ann');
    const refusal = await refusalOf(completeApprove(live, 'ann'));
    expect(refusal.message).toBe(engine.block!.message.replace('MI-1', 'MI-2'));
    expect(refusal.details).toMatchObject({ reason: engine.block!.fourEyes!.reason, decidedTask: { processKey: PROCESS, elementId: 'Approve', name: 'Approve' } });
  });

  it('starts afresh in a rework round: the same two decide its iterations again, one of them deciding both is refused', async () => {
    await deploy(twoApprovals(unseparated));
    await decide(await start('MI-3'), [['ann', 'bob'], ['bob', 'ann']], 'cy');
    await decide(await start('MI-4'), [['ann', 'bob'], ['bob', 'bob']], 'cy');
    const library = await CandidateLibrary.open(store, [twoApprovals()]);

    expect((await replayOrder(library, await recorded('MI-3'))).status).toBe('completed');
    expect((await replayOrder(library, await recorded('MI-4'))).block).toMatchObject({
      reason: 'four-eyes', message: `four eyes: bob already decided another iteration of "Approve" (${PROCESS}/Approve) of order MI-4, so another person must decide this one`,
    });
  });
});

describe('four eyes on the iterations of a multi-instance scope around a separated task, in the replay', () => {
  for (const [processKey, elementId] of [['mi-board-subprocess', 'ApproveAsMember'], ['mi-board-call', 'Approve']] as const) {
    it(`refuses one person's decisions in two iterations of ${processKey}, as the runtime does`, async () => {
      const file = boardApprovals();
      await deploy({ ...file, xml: file.xml.replace(/<zeebe:property name="separationOfDuties" value="[^"]*" \/>/g, '') });
      const orderNo = `${processKey}-1`;
      await stratum.runtime.start(processKey, { businessKey: orderNo, user: 'sam' });
      for (const task of (await stratum.runtime.findTasks({ businessKey: orderNo })).filter((open) => open.elementId === elementId)) {
        await stratum.runtime.completeTask(task.id, {}, approver('ann'));
      }
      const library = await CandidateLibrary.open(store, [file]);
      let order: RecordedOrder | undefined;
      for await (const { order: found } of recordedOrders(store, { processKey })) if (found.orderNo === orderNo) order = found;

      const engine = await replayOrder(library, order!);
      expect(engine).toMatchObject({ status: 'blocked', block: { reason: 'four-eyes', fourEyes: { reason: 'four-eyes-other-iteration', decider: 'ann' } } });
      expect(engine.block!.message).toMatch(/^four eyes: ann already decided another iteration of /);
    });
  }
});

describe('four eyes over a rework loop, in the replay', () => {
  it('refuses, on both replays and in the runtime, the check by whoever approved in an earlier round', async () => {
    await deploy(twoApprovals((xml) => unseparated(singleApproval(xml))));
    await decide(await start('RW-1'), [['ann'], ['bob']], 'cy', 'ann');
    const library = await CandidateLibrary.open(store, [twoApprovals(singleApproval)]);
    const order = await recorded('RW-1');

    const engine = await replayOrder(library, order);
    expect(engine).toMatchObject({ status: 'blocked', block: { reason: 'four-eyes', element: `${PROCESS}/Check` } });
    expect(engine.block!.message).toBe(
      `four eyes: ann already decided "Approve" (${PROCESS}/Approve) of order RW-1, so another person must decide "Check the approvals"`);
    expect(engine.block!.fourEyes).toEqual({
      reason: 'four-eyes-other-task', decider: 'ann', decidedTask: { processKey: PROCESS, elementId: 'Approve', name: 'Approve' },
    });
    expect(await new FastReplay(library).replay(order)).toStrictEqual(engine);
    expect((await replayOrders(store, library, { processKey: PROCESS })).paths).toEqual({ fast: 1, engine: 0 });

    await deploy(twoApprovals(singleApproval));
    const live = await start('RW-2');
    await completeApprove(live, 'ann');
    await completeCheck(live, 'cy', true);
    await completeApprove(live, 'bob');
    const refusal = await refusalOf(completeCheck(live, 'ann', false));
    expect(refusal.message).toBe(engine.block!.message.replace('RW-1', 'RW-2'));
    expect(refusal.details).toMatchObject({ reason: engine.block!.fourEyes!.reason, decidedTask: { processKey: PROCESS, elementId: 'Approve', name: 'Approve' } });
  });
});

describe('four eyes for the order\'s starter, in the replay', () => {
  it('refuses, on both replays and in the runtime, a separated task decided by whoever started the order, for the live 403\'s reason', async () => {
    await deploy(twoApprovals((xml) => unseparated(singleApproval(xml))));
    const recordedOrder = await start('ST-1');
    await completeApprove(recordedOrder, 'sam');
    // ended: replayed as if entered now, on the candidate (a running order would keep the version it runs)
    await completeCheck(recordedOrder, 'cleo', false);
    const library = await CandidateLibrary.open(store, [twoApprovals(singleApproval)]);
    const order = await recorded('ST-1');

    const engine = await replayOrder(library, order);
    expect(engine).toMatchObject({ status: 'blocked', block: { reason: 'four-eyes', element: `${PROCESS}/Approve` } });
    expect(engine.block!.message).toBe('four eyes: sam started order ST-1, so another person must decide "Approve"');
    expect(engine.block!.fourEyes).toEqual({ reason: 'four-eyes-starter', decider: 'sam' });
    expect(await new FastReplay(library).replay(order)).toStrictEqual(engine);

    await deploy(twoApprovals(singleApproval));
    const refusal = await refusalOf(completeApprove(await start('ST-2'), 'sam'));
    expect(refusal.details).toMatchObject({ reason: engine.block!.fourEyes!.reason });
    expect(refusal.message).toBe(engine.block!.message.replace('ST-1', 'ST-2'));
  });
});

// helpers

/** The two-approvals fixture (Approve twice at once, then Check, which may send them back), changed by `change`. */
function twoApprovals(change: (xml: string) => string = (xml) => xml): BpmnFile {
  const xml = readFileSync(new URL('../../fixtures/engine/multi-instance-separated.bpmn', import.meta.url), 'utf8');
  const changed = change(xml);
  return { name: 'multi-instance-separated.bpmn', xml: changed };
}

/** Board approvals drawn once inside a multi-instance sub-process, or in a process a multi-instance call starts. */
function boardApprovals(): BpmnFile {
  return { name: 'multi-instance-scope-separated.bpmn', xml: readFileSync(new URL('../../fixtures/engine/multi-instance-scope-separated.bpmn', import.meta.url), 'utf8') };
}

/** Without four eyes on Approve and Check. */
function unseparated(xml: string): string {
  const changed = xml.replace('<zeebe:property name="separationOfDuties" value="Approve, Check" />', '');
  expect(changed).not.toBe(xml);
  return changed;
}

/** Approve once per round (no multi-instance). */
function singleApproval(xml: string): string {
  const changed = xml.replace(/<bpmn:multiInstanceLoopCharacteristics>.*?<\/bpmn:multiInstanceLoopCharacteristics>/, '');
  expect(changed).not.toBe(xml);
  return changed;
}

async function deploy(file: BpmnFile) {
  await stratum.library.deploy([file], { user: 'test' });
}

/** An order of the fixture's process, started by sam. */
async function start(orderNo: string): Promise<string> {
  return (await stratum.runtime.start(PROCESS, { businessKey: orderNo, user: 'sam' })).instance.id;
}

const approver = (name: string): Actor => ({ name, groups: ['approvers'] });
const checker = (name: string): Actor => ({ name, groups: ['checkers'] });

/** Completes the first open Approve task (iteration) by `name`. */
async function completeApprove(instanceId: string, name: string) {
  const [open] = (await stratum.runtime.findTasks({ instanceId })).filter((task) => task.elementId === 'Approve');
  return stratum.runtime.completeTask(open.id, {}, approver(name));
}

async function completeCheck(instanceId: string, name: string, rework: boolean) {
  const [check] = (await stratum.runtime.findTasks({ instanceId })).filter((task) => task.elementId === 'Check');
  return stratum.runtime.completeTask(check.id, { rework }, checker(name));
}

/** Rounds of approvals (who decides each open Approve task, in order), each checked by `checkedBy`, the last by `lastCheck`. */
async function decide(instanceId: string, rounds: string[][], checkedBy: string, lastCheck = checkedBy) {
  for (const [index, approvers] of rounds.entries()) {
    for (const name of approvers) await completeApprove(instanceId, name);
    const last = index === rounds.length - 1;
    await completeCheck(instanceId, last ? lastCheck : checkedBy, !last);
  }
}

/** The recorded order `orderNo` of the fixture's process. */
async function recorded(orderNo: string): Promise<RecordedOrder> {
  for await (const { order } of recordedOrders(store, { processKey: PROCESS })) if (order.orderNo === orderNo) return order;
  throw new Error(`order ${orderNo} was not recorded`);
}
