// The replays judge a separated task (`separationOfDuties`) by the runtime's own rule (separatedTaskVerdictOn in
// runtime/four-eyes.ts), the one the runtime's completion and the task list judge by: orders recorded on a
// credit-order-approval without four eyes are replayed on the shipped one, which separates the sales director's
// approval from the vice-president's review. For an approver who approved before, a change's requester and the
// order's starter, the engine replay, the fast replay, the runtime's completion and the task list refuse the same
// person with the same reason and words. The tasks are three levels down a call tree: the order's starter is its
// root's.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { openStore, openStratum, type Actor, type Runtime, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import { separatedTaskVerdictOn } from '../../../engine/runtime/four-eyes.js';
import type { Store } from '../../../engine/store/types.js';
import { DIAGRAMS_DIR, director, enter, erp, order, SAMPLE_RATES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';
import { refusalOf } from '../../support/refusal.js';
import { candidate } from './candidates.js';

// the rule itself, watched: the replays must call it, not a copy of it
vi.mock('../../../engine/runtime/four-eyes.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../../engine/runtime/four-eyes.js')>();
  return { ...original, separatedTaskVerdictOn: vi.fn(original.separatedTaskVerdictOn) };
});

const APPROVAL = 'credit-order-approval';
const DIRECTOR_TASK = { processKey: APPROVAL, elementId: 'UserTask_ApproveBySalesDirector', name: 'Approve order (sales director)' };
const VP_TASK = `${APPROVAL}/UserTask_ReviewByVicePresident`;

/** In both approving groups, and allowed to enter and change orders here (the runtime leaves roles to the server). */
const ada: Actor = { name: 'ada', groups: ['sales-director', 'vice-president'] };

let dataDir: string;
let store: Store;
let stratum: Stratum;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-separated-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES } });
});

afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** How each case's order goes: entered, and decided up to the vice-president's review, which `ada` is to decide. */
const CASES: Record<string, { reason: string; run: (orderNo: string) => Promise<void> }> = {
  'an approver who approved the order before': {
    reason: 'four-eyes-other-task',
    run: async (orderNo) => {
      await enter(runtime(), order(orderNo, 1_200_000));
      await complete(orderNo, 'sales-director', ada);
    },
  },
  'the requester of a change of the order': {
    reason: 'four-eyes-change-requester',
    run: async (orderNo) => {
      await enter(runtime(), order(orderNo, 720_000));
      await complete(orderNo, 'vice-president', vicePresident);
      await runtime().changeOrder(orderNo, { description: 'more units', amount: 1_500_000, changeId: `${orderNo}-C1` }, { user: 'ada' });
      for (const group of ['procurement', 'production', 'inspection']) await complete(orderNo, group, { name: `${group}-lead`, groups: [group] }, { acknowledged: true });
      await complete(orderNo, 'sales-director', director);
    },
  },
  'the order\'s starter': {
    reason: 'four-eyes-starter',
    run: async (orderNo) => {
      await enter(runtime(), order(orderNo, 700_000), 'ada');
    },
  },
};

describe('four eyes on separated tasks, in the replays and in the runtime alike', () => {
  it.each(Object.entries(CASES))('refuses %s the vice-president\'s review with the same reason and words', async (_name, { reason, run }) => {
    await stratum.library.deploy(shippedDiagrams().map((file) => (file.name === `${APPROVAL}.bpmn` ? withoutFourEyes() : file)), { user: 'test' });
    await run('REC-1');
    await complete('REC-1', 'vice-president', ada); // no four eyes on the recorded version
    await workToTheEnd();
    const library = await CandidateLibrary.open(store, [shippedApproval()]);
    const recordedOrder = await recorded('REC-1');

    const engine = await replayOrder(library, recordedOrder);
    expect(engine).toMatchObject({ status: 'blocked', block: { reason: 'four-eyes', element: VP_TASK, fourEyes: { reason, decider: 'ada' } } });
    expect(await new FastReplay(library).replay(recordedOrder)).toStrictEqual(engine);

    // the runtime, given the candidate, refuses the same decision with the same words, and its task list says so beforehand
    await stratum.library.deploy([shippedApproval()], { user: 'test' });
    await run('LIVE-1');
    const task = await openTask('LIVE-1', 'vice-president');
    const refusal = await refusalOf(runtime().completeTask(task.id, { approved: true }, ada));
    expect(refusal.message).toBe(engine.block!.message.replaceAll('REC-1', 'LIVE-1'));
    const { fourEyes } = engine.block!;
    expect(refusal.details).toMatchObject({
      reason,
      ...(fourEyes && 'decidedTask' in fourEyes && { decidedTask: fourEyes.decidedTask }),
      ...(fourEyes && 'changeId' in fourEyes && { changeId: fourEyes.changeId.replaceAll('REC-1', 'LIVE-1') }),
    });
    expect((await runtime().fourEyesOnTasks([task], 'ada')).get(task.id)).toMatchObject({ refused: true, reason, detail: refusal.message });
    if (reason === 'four-eyes-other-task') expect(fourEyes).toMatchObject({ decidedTask: DIRECTOR_TASK });
  });

  it('is judged by the runtime\'s own rule on both replays, given the decisions replayed so far', async () => {
    await stratum.library.deploy(shippedDiagrams().map((file) => (file.name === `${APPROVAL}.bpmn` ? withoutFourEyes() : file)), { user: 'test' });
    await CASES['an approver who approved the order before'].run('REC-2');
    await complete('REC-2', 'vice-president', ada);
    await workToTheEnd();
    const library = await CandidateLibrary.open(store, [shippedApproval()]);
    const recordedOrder = await recorded('REC-2');
    const rule = vi.mocked(separatedTaskVerdictOn);
    for (const replay of [() => replayOrder(library, recordedOrder), () => new FastReplay(library).replay(recordedOrder)]) {
      rule.mockClear();
      const route = await replay();
      // the director's approval, then the review it refuses, with the approval among the facts
      expect(rule.mock.calls.map(([instance, task, actor]) => [instance.processKey, task.elementId, actor])).toEqual([
        [APPROVAL, DIRECTOR_TASK.elementId, 'ada'], [APPROVAL, 'UserTask_ReviewByVicePresident', 'ada'],
      ]);
      expect(rule.mock.calls[1][3].completions).toContainEqual(expect.objectContaining({ event: 'task.completed', actor: 'ada', elementId: DIRECTOR_TASK.elementId }));
      expect(rule.mock.results[1].value).toMatchObject({ message: route!.block!.message, details: { reason: 'four-eyes-other-task' } });
    }
  });

  it('lets another vice-president review each order, in the replays as in the runtime', async () => {
    await stratum.library.deploy(shippedDiagrams().map((file) => (file.name === `${APPROVAL}.bpmn` ? withoutFourEyes() : file)), { user: 'test' });
    for (const [index, { run }] of Object.values(CASES).entries()) {
      await run(`OK-${index}`);
      await complete(`OK-${index}`, 'vice-president', vicePresident);
    }
    await workToTheEnd();
    const library = await CandidateLibrary.open(store, [shippedApproval()]);
    for (let index = 0; index < Object.keys(CASES).length; index++) {
      const recordedOrder = await recorded(`OK-${index}`);
      const engine = await replayOrder(library, recordedOrder);
      expect(engine.status, recordedOrder.orderNo).toBe('completed');
      expect(await new FastReplay(library).replay(recordedOrder)).toStrictEqual(engine);
    }
  });
});

// helpers

const runtime = (): Runtime => stratum.runtime;

function shippedApproval() {
  return { name: `${APPROVAL}.bpmn`, xml: readFileSync(`${DIAGRAMS_DIR}${APPROVAL}.bpmn`, 'utf8') };
}

/** The shipped credit-order-approval without its separationOfDuties: anyone in the group decides. */
function withoutFourEyes() {
  const file = candidate(APPROVAL, (xml) => xml.replace(/<zeebe:property name="separationOfDuties" value="[^"]*" \/>/, ''));
  if (file.xml.includes('separationOfDuties')) throw new Error('separationOfDuties was not removed');
  return file;
}

async function openTask(businessKey: string, group: string) {
  const task = (await runtime().findTasks({ businessKey })).find((one) => one.candidateGroups.includes(group));
  if (!task) throw new Error(`no open task of ${group} in ${businessKey}`);
  return task;
}

async function complete(businessKey: string, group: string, actor: Actor, variables: Record<string, unknown> = { approved: true, comment: 'fine' }) {
  await runtime().completeTask((await openTask(businessKey, group)).id, variables, actor);
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
