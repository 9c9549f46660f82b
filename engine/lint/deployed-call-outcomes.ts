// call-outcome-kept for deployed callers a deployment does not replace: a new
// version of a called process that starts deciding a variable a deployed caller
// writes (or that another process the caller calls hands back) would turn that
// caller's write into a replaced decision, though the caller's file is not part
// of the deployment. Only what the deployment makes wrong is reported: a
// conflict the deployed library already had stays the caller's own to fix.
// Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import type { Finding } from '../errors.js';
import { orderCallTree } from './order-call-tree.js';
import callOutcomeKept, { type CallOutcomeConflict } from './rules/call-outcome-kept.js';
import type { RuleFactory } from './rule-api.js';
import type { ProcessSupply } from './variable-supply.js';

/** A deployed process: its key, the name its findings carry, and its parsed definitions. */
export interface DeployedCaller {
  key: string;
  name: string;
  definitions: ModdleElement;
}

/** Keys of the processes of `after` the deployment does not replace that call, at any depth, one it replaces. */
export function callersOfReplaced(after: readonly ProcessSupply[], replaced: ReadonlySet<string>): string[] {
  return after
    .filter((process) => !replaced.has(process.key) && orderCallTree(process.calls, after).some((key) => replaced.has(key)))
    .map((process) => process.key);
}

/**
 * call-outcome-kept's errors on `caller` in the library as it will be (`after`) that it did not have in the library
 * before. A conflict is the same by what it is about, not by its wording: the deployment may change how it reads (a
 * decider reached through another call activity of the caller, another process handing the same name back).
 */
export function newCallOutcomeFindings(caller: DeployedCaller, before: readonly ProcessSupply[], after: readonly ProcessSupply[]): Finding[] {
  const had = new Set(reportsOn(caller, before).map((report) => report.identity));
  return reportsOn(caller, after)
    .filter((report) => !had.has(report.identity))
    .map(({ elementId, message }) => ({ file: caller.name, elementId, rule: RULE, severity: 'error', message }));
}

// helpers

const RULE = 'call-outcome-kept';

interface Report {
  elementId: string | null;
  message: string;
  /** The rule, the caller's key, the element, and the conflict the rule reports (CallOutcomeConflict). */
  identity: string;
}

function reportsOn(caller: DeployedCaller, processes: readonly ProcessSupply[]): Report[] {
  const process = (caller.definitions.rootElements ?? []).find((element: ModdleElement) => element.$type === 'bpmn:Process' && element.id === caller.key);
  if (!process) return [];
  const reports: Report[] = [];
  const { check } = (callOutcomeKept as RuleFactory<{ processes: ProcessSupply[] }>)({ processes: [...processes] });
  const report = (elementId: string | undefined, message: string, data?: unknown) => {
    const { variable, decider, conflict } = data as CallOutcomeConflict;
    reports.push({ elementId: elementId ?? null, message, identity: JSON.stringify([RULE, caller.key, elementId ?? null, variable, decider, conflict]) });
  };
  if (typeof check === 'function') check(process, { report });
  return reports;
}
