import type { ImpactReport } from '../../api/client';

/** A decision of the change's .dmn files that would get a new version (POST /api/impact, `decisions[]`). */
export type DecisionImpact = ImpactReport['decisions'][number];
/** A process whose business rule tasks call a changed decision. */
export type DecisionCaller = DecisionImpact['whereUsed'][number];
/** A running order that can still reach a business rule task calling a changed decision. */
export type OrderReachingDecision = DecisionImpact['runningOrders']['willEvaluate']['orders'][number];

/** The impact section's first line: what the replay found, after the number of changed decisions when there are any. */
export function impactHeadline(report: ImpactReport): string {
  const { replay, decisions } = report;
  const changedDecisions = decisions.length ? `${decisions.length} decision(s) change, ` : '';
  return `Impact on orders: ${changedDecisions}${replay.orders} recorded order(s) replayed, ${replay.changed} would change route, ${replay.blocked} would block`;
}

/**
 * Said of the recorded orders that ran on an older version (`replay.ranOnOlderVersion`), or null when none did: the
 * replay compares them with the deployed library's replay, so what an earlier deployment did to them is not counted.
 */
export function olderVersionLine(report: ImpactReport): string | null {
  const { count } = report.replay.ranOnOlderVersion;
  if (count === 0) return null;
  return `${count} order(s) ran on an older version: the deployed library already routes them otherwise, ` +
    'which is an earlier deployment\'s doing, not this change\'s (not counted above)';
}

/** As DeployChanges heads a process: `Risk class (risk-class) in risk.dmn: version 3 → 4`, or new. */
export function decisionHeading(decision: DecisionImpact): string {
  const named = decision.name && decision.name !== decision.id ? `${decision.name} (${decision.id})` : decision.id;
  const version = decision.previousVersion === null
    ? `new decision, becomes version ${decision.version}`
    : `version ${decision.previousVersion} → ${decision.version}`;
  return `Decision ${named} in ${decision.fileName}: ${version}`;
}

/**
 * The .dmn files of the change that give no decision a new version: the server keeps a decision's latest version when
 * the file it came from is deployed again as it is, and the report lists only the decisions that change.
 */
export function unchangedDecisionFiles(report: ImpactReport, fileNames: string[]): string[] {
  return fileNames.filter((fileName) => !report.decisions.some((decision) => decision.fileName === fileName));
}

/** Said of such a file where its changed decisions would be headed. */
export function unchangedDecisionFileLine(fileName: string): string {
  return `${fileName}: unchanged, its decisions keep their latest versions`;
}

/** What follows a calling process's key: its tasks calling the decision, and which of its versions do. */
export function callerDetail(caller: DecisionCaller): string {
  const tasks = caller.elements.map((element) => `"${element.name || element.elementId}"`).join(', ');
  const versions = caller.versions.length ? `deployed version(s) ${caller.versions.join(', ')}` : 'not deployed yet';
  // a caller whose change drops the task: its running orders on the old versions still evaluate the decision
  const latest = caller.latestCalls ? '' : '; its version after this deployment no longer calls it';
  return ` (${tasks}; ${versions}${latest})`;
}

/** Why a changed decision matters even when no process changes: the tasks evaluate the latest version when reached. */
export function decisionReach(decision: DecisionImpact): string {
  return decision.whereUsed.length
    ? 'Every order reaching a business rule task calling it evaluates the new version, running orders too. Called by: '
    : 'No business rule task of the library calls it yet.';
}

/**
 * How many running orders will evaluate the new version: a task evaluates the latest version when it is reached.
 * Null when no task calls the decision (then no order can reach one).
 */
export function decisionOrdersLine(decision: DecisionImpact): string | null {
  if (decision.whereUsed.length === 0) return null;
  return `Running orders that will evaluate version ${decision.version} when they reach a task calling it: ${decision.runningOrders.willEvaluate.count}.`;
}

/** What follows a running order's number: where it waits now, and the tasks calling the decision it can reach. */
export function orderReachDetail(order: OrderReachingDecision): string {
  return ` (waits at ${elementsText(order.waitingAt)}; reaches ${elementsText(order.reaches)})`;
}

// helpers

/** `"Order changed" in sales-order-management, "Review" in credit-order-approval`. */
function elementsText(elements: OrderReachingDecision['reaches']): string {
  return elements.map((element) => `"${element.name || element.elementId}" in ${element.processKey}`).join(', ');
}
