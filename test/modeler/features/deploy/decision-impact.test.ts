// The deploy dialog's impact preview names the decisions a change's .dmn files would change
// (POST /api/impact, decisions[]) as it names the changed processes, counts them, and lists the running orders that
// will evaluate them.
import { describe, expect, it } from 'vitest';
import type { ImpactReport } from '../../../../modeler/src/api/client.js';
import * as text from '../../../../modeler/src/features/deploy/decision-impact.js';

type DecisionImpact = ImpactReport['decisions'][number];
type DecisionCaller = DecisionImpact['whereUsed'][number];
type OrderReachingDecision = DecisionImpact['runningOrders']['willEvaluate']['orders'][number];

/** Typed here: the modeler's own imports (without .js) do not resolve for the tests' type checks. */
const impactHeadline: (report: ImpactReport) => string = text.impactHeadline;
const olderVersionLine: (report: ImpactReport) => string | null = text.olderVersionLine;
const decisionHeading: (decision: DecisionImpact) => string = text.decisionHeading;
const callerDetail: (caller: DecisionCaller) => string = text.callerDetail;
const decisionReach: (decision: DecisionImpact) => string = text.decisionReach;
const unchangedDecisionFiles: (report: ImpactReport, fileNames: string[]) => string[] = text.unchangedDecisionFiles;
const unchangedDecisionFileLine: (fileName: string) => string = text.unchangedDecisionFileLine;
const decisionOrdersLine: (decision: DecisionImpact) => string | null = text.decisionOrdersLine;
const orderReachDetail: (order: OrderReachingDecision) => string = text.orderReachDetail;

const creditOrder: DecisionCaller = {
  processKey: 'credit-order-approval',
  versions: [2, 3],
  latestCalls: true,
  elements: [{ elementId: 'Task_ApprovalTier', name: 'Decide the approval tier', versions: [2, 3] }],
};

const decideTier = { processKey: 'credit-order-approval', elementId: 'Task_ApprovalTier', name: 'Decide the approval tier' };
const changeLoop: OrderReachingDecision = {
  orderNo: 'SO-VP',
  waitingAt: [{ processKey: 'sales-order-management', elementId: 'IntermediateCatchEvent_OrderChanged', name: 'Order changed' }],
  reaches: [decideTier],
};

const approvalTier: DecisionImpact = {
  id: 'approval-tier', name: 'Approval tier', version: 4, previousVersion: 3, fileName: 'approval-tier.dmn', whereUsed: [creditOrder],
  runningOrders: { willEvaluate: { count: 1, orders: [changeLoop] } },
};

function report(decisions: DecisionImpact[]): ImpactReport {
  return {
    processes: [],
    decisions,
    replay: { orders: 12, changed: 3, blocked: 0, groups: [], ranOnOlderVersion: { count: 0, groups: [] }, durationMs: 5, paths: { fast: 0, engine: 12 }, baselineReplays: 0 },
    findings: [],
    relatedConditions: [],
    messages: [],
    blocking: false,
  };
}

describe('the impact preview of a change with .dmn files', () => {
  it('counts the changed decisions in its first line, before what the replay found', () => {
    expect(impactHeadline(report([approvalTier, { ...approvalTier, id: 'priority-risk' }])))
      .toBe('Impact on orders: 2 decision(s) change, 12 recorded order(s) replayed, 3 would change route, 0 would block');
  });

  it('reads as before for a change of processes only', () => {
    expect(impactHeadline(report([]))).toBe('Impact on orders: 12 recorded order(s) replayed, 3 would change route, 0 would block');
  });

  it('says how many orders ran on an older version, apart from what the change alters, and nothing when none did', () => {
    const older = report([]);
    older.replay.ranOnOlderVersion = {
      count: 2, groups: [{ kind: 'new-wait', description: 'would now wait for "Review order (vice-president)" (vice-president)', count: 2, orders: ['SO-2006', 'SO-2002'] }],
    };
    expect(olderVersionLine(older)).toBe('2 order(s) ran on an older version: the deployed library already routes them otherwise, ' +
      'which is an earlier deployment\'s doing, not this change\'s (not counted above)');
    expect(olderVersionLine(report([]))).toBeNull();
  });

  it('heads a changed decision with its name, id, file and version n → n+1, as a changed process is headed', () => {
    expect(decisionHeading(approvalTier)).toBe('Decision Approval tier (approval-tier) in approval-tier.dmn: version 3 → 4');
  });

  it('heads a decision id not deployed yet as new, becoming version 1', () => {
    expect(decisionHeading({ ...approvalTier, name: null, version: 1, previousVersion: null }))
      .toBe('Decision approval-tier in approval-tier.dmn: new decision, becomes version 1');
  });

  it('names the calling tasks of a process and the deployed versions that call the decision', () => {
    expect(callerDetail(creditOrder)).toBe(' ("Decide the approval tier"; deployed version(s) 2, 3)');
  });

  it('says when the caller\'s version after the deployment no longer calls the decision (its running orders still do)', () => {
    expect(callerDetail({ ...creditOrder, latestCalls: false, elements: [{ elementId: 'Task_ApprovalTier', name: null, versions: [2] }] }))
      .toBe(' ("Task_ApprovalTier"; deployed version(s) 2, 3; its version after this deployment no longer calls it)');
  });

  it('says a caller that only this deployment brings is not deployed yet', () => {
    expect(callerDetail({ ...creditOrder, versions: [] })).toBe(' ("Decide the approval tier"; not deployed yet)');
  });

  it('says which .dmn files of the change give no decision a new version, since the server keeps a file deployed as it is', () => {
    // the report lists only the decisions that change: those of approval-tier.dmn; risk.dmn is deployed as it is
    expect(unchangedDecisionFiles(report([approvalTier]), ['approval-tier.dmn', 'risk.dmn'])).toEqual(['risk.dmn']);
    expect(unchangedDecisionFiles(report([]), ['approval-tier.dmn'])).toEqual(['approval-tier.dmn']);
    expect(unchangedDecisionFileLine('risk.dmn')).toBe('risk.dmn: unchanged, its decisions keep their latest versions');
  });

  it('says orders reaching the tasks evaluate the new version, or that no task calls the decision yet', () => {
    expect(decisionReach(approvalTier)).toContain('evaluates the new version, running orders too');
    expect(decisionReach({ ...approvalTier, whereUsed: [] })).toBe('No business rule task of the library calls it yet.');
  });

  it('counts the running orders that will evaluate the new version, and says nothing of them when no task calls it', () => {
    expect(decisionOrdersLine(approvalTier)).toBe('Running orders that will evaluate version 4 when they reach a task calling it: 1.');
    expect(decisionOrdersLine({ ...approvalTier, whereUsed: [], runningOrders: { willEvaluate: { count: 0, orders: [] } } })).toBeNull();
  });

  it('says of a running order where it waits and which tasks calling the decision it can reach, each with its process', () => {
    expect(orderReachDetail(changeLoop)).toBe(' (waits at "Order changed" in sales-order-management; reaches "Decide the approval tier" in credit-order-approval)');
    // unnamed elements by their ids; several of each, as found
    expect(orderReachDetail({
      orderNo: 'SO-SC',
      waitingAt: [{ processKey: 'sales-order-management', elementId: 'CallActivity_NotifySpecialChange', name: 'Notify special change' }, changeLoop.waitingAt[0]],
      reaches: [decideTier, { processKey: 'risk-review', elementId: 'Task_Risk', name: null }],
    })).toBe(' (waits at "Notify special change" in sales-order-management, "Order changed" in sales-order-management; '
      + 'reaches "Decide the approval tier" in credit-order-approval, "Task_Risk" in risk-review)');
  });
});
