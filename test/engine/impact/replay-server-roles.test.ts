// The replays raise the incident the runtime raises (task-assignment.ts) when a candidate's assignment expression
// gives, for a replayed order, a group that grants a server role or an account that holds only server roles: no
// task is created, and the order blocks there. They take the server's roles as the runtime does
// (StratumOptions.serverRoles, passed through the impact analysis to its replay workers), never their own list.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, openStratum, type BpmnFile, type ReplayEvent, type Stratum } from '../../../engine/index.js';
import { CandidateLibrary } from '../../../engine/impact/candidate-library.js';
import { ImpactAnalyser } from '../../../engine/impact/impact-analyser.js';
import { FastReplay } from '../../../engine/impact/fast-replay.js';
import { recordedOrders, type RecordedOrder } from '../../../engine/impact/recorded-orders.js';
import { replayOrder } from '../../../engine/impact/replay-sandbox.js';
import type { Store } from '../../../engine/store/types.js';
import { director, enter, erp, order, SAMPLE_RATES, SERVER_ROLES, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';
import { candidate } from './candidates.js';

const DIRECTOR_TASK = 'credit-order-approval/UserTask_ApproveBySalesDirector';
const SHIPPED_ASSIGNMENT = '<zeebe:assignmentDefinition candidateGroups="sales-director" />';

/** The director's task assigned to the ERP's account, which holds only the integration role, for orders above 2,000,000. */
const erpAboveTwoMillion = () => approvalAssigned(
  '<zeebe:assignmentDefinition assignee="=if reportingAmount &gt; 2000000 then &quot;erp&quot; else null" candidateGroups="sales-director" />');
/**
 * The director's task offered to the integration group, a server role's group, for orders above 2,000,000. The
 * shipped library's house rules refuse computed groups at deploy (the analysis's findings say so); a library of
 * diagrams from other tools runs them, and the replay plays it all the same.
 */
const integrationAboveTwoMillion = () => approvalAssigned(
  '<zeebe:assignmentDefinition candidateGroups="=if reportingAmount &gt; 2000000 then &quot;integration&quot; else &quot;sales-director&quot;" />');

let dataDir: string;
let store: Store;
let stratum: Stratum;
const recorded = new Map<string, RecordedOrder>();

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-replay-server-roles-'));
  store = await openStore({ dataDir });
  stratum = await openStratum({ store, orderEntry: { rates: SAMPLE_RATES }, serverRoles: SERVER_ROLES });
  await stratum.library.deploy(shippedDiagrams(), { user: 'test' });
  // both waited for the sales director's approval; SO-LARGE then went to its end, so its replay is the candidate's as if
  // entered now (a running order keeps the version its approval runs), SO-MID still waits there
  await enter(stratum.runtime, order('SO-LARGE', 3_000_000));
  await enter(stratum.runtime, order('SO-MID', 1_500_000));
  for (const approver of [director, vicePresident]) {
    for (const task of await stratum.runtime.findTasks({ businessKey: 'SO-LARGE' })) await stratum.runtime.completeTask(task.id, { approved: true, comment: 'fine' }, approver);
  }
  for (const type of ['procurement-planning', 'production-planning', 'shipping']) {
    for (const job of await stratum.runtime.fetchAndLockJobs({ type, workerId: 'worker', max: 10 })) await stratum.runtime.completeJob(job.id, {}, erp, 'worker');
  }
  for await (const { order: one } of recordedOrders(store, { processKey: 'order-to-cash' })) recorded.set(one.orderNo, one);
}, 120_000);

afterAll(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('an assignment expression that gives a server role, in the replay', () => {
  it('blocks, on both replays, the order it assigns to an account holding only server roles, with the runtime\'s incident; the other order waits for its task', async () => {
    const library = await CandidateLibrary.open(store, [erpAboveTwoMillion()]);
    const fast = new FastReplay(library, SERVER_ROLES);
    const large = await replayOrder(library, recorded.get('SO-LARGE')!, SERVER_ROLES);
    expect(large).toMatchObject({
      status: 'blocked',
      block: { element: DIRECTOR_TASK, reason: 'assignment-refused', incident: { kind: 'assignment-server-role', attribute: 'assignee', given: 'erp', serverRole: 'account' } },
    });
    expect(large.block!.message).toMatch(/^task UserTask_ApproveBySalesDirector: assignee =if .* gave "erp", an account that only holds server roles/);
    expect(large.waiting.map((wait) => wait.element)).not.toContain(DIRECTOR_TASK);
    expect(await fast.replay(recorded.get('SO-LARGE')!)).toStrictEqual(large);

    const mid = await replayOrder(library, recorded.get('SO-MID')!, SERVER_ROLES);
    expect(mid.status).toBe('running');
    expect(mid.waiting).toContainEqual(expect.objectContaining({ element: DIRECTOR_TASK, candidateGroups: ['sales-director'] }));
    expect(await fast.replay(recorded.get('SO-MID')!)).toStrictEqual(mid);
  });

  it('blocks, on both replays, the order whose task an expression offers to a group that grants a server role', async () => {
    const library = await CandidateLibrary.open(store, [integrationAboveTwoMillion()]);
    const fast = new FastReplay(library, SERVER_ROLES);
    const large = await replayOrder(library, recorded.get('SO-LARGE')!, SERVER_ROLES);
    expect(large).toMatchObject({
      status: 'blocked',
      block: {
        element: DIRECTOR_TASK, reason: 'assignment-refused',
        incident: { kind: 'assignment-server-role', attribute: 'candidateGroups', given: 'integration', serverRole: 'group' },
      },
    });
    expect(large.block!.message).toMatch(/^task UserTask_ApproveBySalesDirector: candidate groups =if .* gave "integration", a group that grants a server role/);
    expect(await fast.replay(recorded.get('SO-LARGE')!)).toStrictEqual(large);
    const mid = await replayOrder(library, recorded.get('SO-MID')!, SERVER_ROLES);
    expect(mid.waiting).toContainEqual(expect.objectContaining({ element: DIRECTOR_TASK, candidateGroups: ['sales-director'] }));
    expect(await fast.replay(recorded.get('SO-MID')!)).toStrictEqual(mid);
  });

  it('reports the blocked order in the impact analysis, whose replay (in worker processes or in its thread) gets the server roles the runtime has', async () => {
    const replays: ReplayEvent[] = [];
    stratum.events.on('replay', (event: ReplayEvent) => replays.push(event));
    const inWorkers = await stratum.impact.analyse([erpAboveTwoMillion()]);
    expect(replays[0].workers).toBeGreaterThan(0);
    const inThread = await new ImpactAnalyser(store, 'order-to-cash', { replayWorkers: 0, serverRoles: SERVER_ROLES }).analyse([erpAboveTwoMillion()]);
    for (const report of [inWorkers, inThread]) {
      expect(report.replay).toMatchObject({ orders: 2, blocked: 1 });
      const [blocked] = report.replay.groups.filter((group) => group.kind === 'blocked');
      expect(blocked.orders).toEqual(['SO-LARGE']);
      // worded as the refused assignment it is, not as a decision that was never recorded
      expect(blocked.description).toMatch(new RegExp('^would block at "Approve order \\(sales director\\)": the new version\'s assignment gives task ' +
        '"Approve order \\(sales director\\)" to erp, an account that only holds server roles \\(task UserTask_ApproveBySalesDirector: assignee =if'));
      expect(blocked.description).not.toMatch(/never recorded/);
      expect(blocked.block).toMatchObject({ reason: 'assignment-refused', incident: { kind: 'assignment-server-role', given: 'erp' } });
    }
  }, 120_000);

  it('words a group that grants a server role in the impact report as the group the new version\'s assignment gives the task', async () => {
    const report = await new ImpactAnalyser(store, 'order-to-cash', { replayWorkers: 0, serverRoles: SERVER_ROLES }).analyse([integrationAboveTwoMillion()]);
    const [blocked] = report.replay.groups.filter((group) => group.kind === 'blocked');
    expect(blocked.orders).toEqual(['SO-LARGE']);
    expect(blocked.description).toMatch(
      /^would block at "Approve order \(sales director\)": the new version's assignment gives the server role group integration to task "Approve order \(sales director\)" \(task /);
  }, 120_000);

  it('keeps step-failed for an assignment expression that cannot be evaluated, on both replays, with the runtime\'s reason and its own words', async () => {
    const library = await CandidateLibrary.open(store, [approvalAssigned('<zeebe:assignmentDefinition candidateGroups="=directorGroup" />')]);
    const large = await replayOrder(library, recorded.get('SO-LARGE')!, SERVER_ROLES);
    expect(large).toMatchObject({
      status: 'blocked', block: { element: DIRECTOR_TASK, reason: 'step-failed', incident: { kind: 'assignment-failed', attribute: 'candidateGroups' } },
    });
    expect(await new FastReplay(library, SERVER_ROLES).replay(recorded.get('SO-LARGE')!)).toStrictEqual(large);
    const report = await new ImpactAnalyser(store, 'order-to-cash', { replayWorkers: 0, serverRoles: SERVER_ROLES })
      .analyse([approvalAssigned('<zeebe:assignmentDefinition candidateGroups="=directorGroup" />')]);
    const [blocked] = report.replay.groups.filter((group) => group.kind === 'blocked');
    expect(blocked.description).toMatch(/^would block at "Approve order \(sales director\)": the new version's assignment of task "Approve order \(sales director\)" cannot be evaluated \(/);
  }, 120_000);

  it('raises in the runtime, given the candidate, the incident the replay reported, and creates no task', async () => {
    const file = erpAboveTwoMillion();
    const { block } = await replayOrder(await CandidateLibrary.open(store, [file]), recorded.get('SO-LARGE')!, SERVER_ROLES);
    await stratum.library.deploy([file], { user: 'test' });
    await enter(stratum.runtime, order('SO-LIVE', 3_000_000));
    const { items } = await stratum.runtime.findIncidents({ businessKey: 'SO-LIVE', processKey: 'credit-order-approval' });
    expect(items).toEqual([expect.objectContaining({ elementId: 'UserTask_ApproveBySalesDirector', message: block!.message })]);
    // the failed instance's incident (and its instance.failed history entry) says why, for a program, as the replay's block does
    const failed = await stratum.runtime.getInstance(items[0].instanceId);
    expect(failed!.incident).toEqual({ elementId: 'UserTask_ApproveBySalesDirector', message: block!.message, reason: block!.incident });
    expect(failed!.history.find((entry) => entry.event === 'instance.failed')?.data).toMatchObject({ incident: { reason: block!.incident } });
    expect((await stratum.runtime.findTasks({ businessKey: 'SO-LIVE' })).map((task) => task.elementId)).not.toContain('UserTask_ApproveBySalesDirector');
  });
});

// helpers

/** The shipped approval with the director's task assigned by `assignment`. */
function approvalAssigned(assignment: string): BpmnFile {
  return candidate('credit-order-approval', (xml) => xml.replace(SHIPPED_ASSIGNMENT, assignment));
}
