// The Stratum ruleset in one place: which rules run at deploy and in the
// modeler, and how severe each finding is. `resolver` serves the rules from
// imported modules (no file system, no dynamic require), so the same object
// works for bpmnlint's Linter in Node and for bpmn-js-bpmnlint in the browser:
//   new Linter({ config: stratumLintConfig, resolver: stratumResolver })
//   new BpmnModeler({ linting: { bpmnlint: { config: stratumLintConfig, resolver: stratumResolver } } })
// Browser-safe.
import endEventRequired from 'bpmnlint/rules/end-event-required.js';
import eventBasedGateway from 'bpmnlint/rules/event-based-gateway.js';
import eventSubProcessTypedStartEvent from 'bpmnlint/rules/event-sub-process-typed-start-event.js';
import fakeJoin from 'bpmnlint/rules/fake-join.js';
import global from 'bpmnlint/rules/global.js';
import labelRequired from 'bpmnlint/rules/label-required.js';
import linkEvent from 'bpmnlint/rules/link-event.js';
import noBpmndi from 'bpmnlint/rules/no-bpmndi.js';
import noDisconnected from 'bpmnlint/rules/no-disconnected.js';
import noDuplicateSequenceFlows from 'bpmnlint/rules/no-duplicate-sequence-flows.js';
import noGatewayJoinFork from 'bpmnlint/rules/no-gateway-join-fork.js';
import noImplicitEnd from 'bpmnlint/rules/no-implicit-end.js';
import noImplicitSplit from 'bpmnlint/rules/no-implicit-split.js';
import noImplicitStart from 'bpmnlint/rules/no-implicit-start.js';
import noOverlappingElements from 'bpmnlint/rules/no-overlapping-elements.js';
import singleBlankStartEvent from 'bpmnlint/rules/single-blank-start-event.js';
import singleEventDefinition from 'bpmnlint/rules/single-event-definition.js';
import startEventRequired from 'bpmnlint/rules/start-event-required.js';
import subProcessBlankStartEvent from 'bpmnlint/rules/sub-process-blank-start-event.js';
import superfluousGateway from 'bpmnlint/rules/superfluous-gateway.js';
import superfluousTermination from 'bpmnlint/rules/superfluous-termination.js';

import callOutcomeKept from './rules/call-outcome-kept.js';
import calledProcessExists from './rules/called-process-exists.js';
import choreographyNotRun from './rules/choreography-not-run.js';
import candidateGroupMembers from './rules/candidate-group-members.js';
import conditionVariablesSupplied from './rules/condition-variables-supplied.js';
import decisionReadsOwnOutput from './rules/decision-reads-own-output.js';
import decisionResultMapping from './rules/decision-result-mapping.js';
import errorEndCaught from './rules/error-end-caught.js';
import separationOfDuties from './rules/separation-of-duties.js';
import exclusiveGatewayDefault from './rules/exclusive-gateway-default.js';
import feelConditionSyntax from './rules/feel-condition-syntax.js';
import flowNameMatchesCondition from './rules/flow-name-matches-condition.js';
import messageNamed from './rules/message-named.js';
import noJavascript from './rules/no-javascript.js';
import orderFieldOptional from './rules/order-field-optional.js';
import orderFieldsReadOnly from './rules/order-fields-read-only.js';
import serviceTaskJobType from './rules/service-task-job-type.js';
import supportedElements from './rules/supported-elements.js';
import timerDefinition from './rules/timer-definition.js';
import userTaskCandidateGroups from './rules/user-task-candidate-groups.js';
import { asDocumentationWarning, reportingDocumentationAsWarnings } from './documentation.js';
import type { RuleFactory } from './rule-api.js';
import type { ProcessSupply } from './variable-supply.js';

/** Stratum's own rules, by id (= file name). Referenced as `stratum/<id>` in a bpmnlint config. */
export const stratumRules: Record<string, RuleFactory> = {
  'feel-condition-syntax': feelConditionSyntax,
  'no-javascript': noJavascript,
  'called-process-exists': calledProcessExists,
  'call-outcome-kept': callOutcomeKept,
  'exclusive-gateway-default': exclusiveGatewayDefault,
  'user-task-candidate-groups': userTaskCandidateGroups,
  'message-named': messageNamed,
  'service-task-job-type': serviceTaskJobType,
  'supported-elements': supportedElements,
  'timer-definition': timerDefinition,
  'condition-variables-supplied': conditionVariablesSupplied,
  'order-field-optional': orderFieldOptional,
  'order-fields-read-only': orderFieldsReadOnly,
  'candidate-group-members': candidateGroupMembers,
  'decision-reads-own-output': decisionReadsOwnOutput,
  'decision-result-mapping': decisionResultMapping,
  'separation-of-duties': separationOfDuties,
  'flow-name-matches-condition': flowNameMatchesCondition,
  'choreography-not-run': choreographyNotRun,
  'error-end-caught': errorEndCaught,
};

/** bpmnlint's built-in rules that matter for execution (or for reading the diagram), by id. */
const builtInRules: Record<string, RuleFactory> = {
  'end-event-required': endEventRequired,
  'event-based-gateway': eventBasedGateway,
  'event-sub-process-typed-start-event': eventSubProcessTypedStartEvent,
  'fake-join': fakeJoin,
  global,
  'label-required': labelRequired,
  'link-event': linkEvent,
  'no-bpmndi': noBpmndi,
  'no-disconnected': noDisconnected,
  'no-duplicate-sequence-flows': noDuplicateSequenceFlows,
  'no-gateway-join-fork': noGatewayJoinFork,
  'no-implicit-end': noImplicitEnd,
  'no-implicit-split': noImplicitSplit,
  'no-implicit-start': noImplicitStart,
  'no-overlapping-elements': noOverlappingElements,
  'single-blank-start-event': singleBlankStartEvent,
  'single-event-definition': singleEventDefinition,
  'start-event-required': startEventRequired,
  'sub-process-blank-start-event': subProcessBlankStartEvent,
  'superfluous-gateway': superfluousGateway,
  'superfluous-termination': superfluousTermination,
};

export type Severity = 'error' | 'warn' | 'off';

/**
 * Severities. Errors refuse a deployment (HTTP 422, CLI exit 1); warnings are
 * reported and deployed. Built-in rules that bpmn-engine runs correctly anyway
 * (a gateway that joins and forks, an implicit end) are warnings; a rule that
 * duplicates one of ours (no-complex-gateway, conditional-flows) is left out,
 * so one problem gives one finding.
 */
export const stratumRuleSeverities: Record<string, Severity> = {
  // Stratum's deploy-time checks
  'stratum/feel-condition-syntax': 'error',
  'stratum/no-javascript': 'error',
  'stratum/called-process-exists': 'error',
  'stratum/exclusive-gateway-default': 'error',
  'stratum/user-task-candidate-groups': 'error',
  'stratum/message-named': 'error',
  'stratum/service-task-job-type': 'error',
  'stratum/supported-elements': 'error',
  'stratum/timer-definition': 'error',
  // a warning where the process accepts any start variables (the rule marks those reports)
  'stratum/condition-variables-supplied': 'error',
  // an order without the entry (customer.id …) would fail the strict evaluation: an incident for each
  'stratum/order-field-optional': 'error',
  // a diagram writing amount, reportingAmount … would change what the approval tiers compare without an order
  // change (a warning outside the order library, where amount may be the file's own variable)
  'stratum/order-fields-read-only': 'error',
  // inside orders, a caller writing what a process it calls decides would replace the decision, a rejection included
  'stratum/call-outcome-kept': 'error',
  // checks only with the known groups (stratumLintConfigWith), at the severity given there
  'stratum/candidate-group-members': 'error',
  // the runtime evaluates a user task's outputs over its completion only, so a gateway reading anything
  // else after it cannot see the decision (docs/modelling.md, "Decisions"); outside the house rules a task
  // declaring nothing takes what the gateway reads as its required decision (a warning the rule marks)
  'stratum/decision-reads-own-output': 'error',
  // Camunda 7 refuses an unknown camunda:mapDecisionResult at deploy; the runtime would fail the task
  'stratum/decision-result-mapping': 'error',
  // a typo in the four-eyes declaration would silently switch the control off
  'stratum/separation-of-duties': 'error',
  // a flow's name that states a threshold its condition no longer compares with: every report a warning
  'stratum/flow-name-matches-condition': 'error',
  // a choreography beside a process is kept and not run: said, never refused (every report a warning)
  'stratum/choreography-not-run': 'error',
  // an error nothing in its process nor up the calls catches fails each instance reaching it: said while drawing,
  // never refused (the caller that catches it may come in a later deployment); checks only with the library (processes)
  'stratum/error-end-caught': 'warn',
  // bpmnlint: what would not run, or run surprisingly
  'start-event-required': 'error',
  'end-event-required': 'error',
  'no-disconnected': 'error',
  'no-implicit-split': 'error',
  'no-duplicate-sequence-flows': 'error',
  'single-blank-start-event': 'error',
  'single-event-definition': 'error',
  'sub-process-blank-start-event': 'error',
  'event-sub-process-typed-start-event': 'error',
  'event-based-gateway': 'error',
  'link-event': 'error',
  // bpmnlint: readability and likely drawing mistakes
  'label-required': 'warn',
  'no-bpmndi': 'warn',
  'no-implicit-start': 'warn',
  'no-implicit-end': 'warn',
  'no-gateway-join-fork': 'warn',
  'fake-join': 'warn',
  'superfluous-gateway': 'warn',
  'superfluous-termination': 'warn',
  'no-overlapping-elements': 'warn',
  global: 'warn',
};

/** The bpmnlint configuration; rule options (e.g. known process keys) are added per run by `stratumLintConfigWith`. */
export const stratumLintConfig = { rules: { ...stratumRuleSeverities } };

export interface LintContext {
  /** Keys of the deployed processes, so `called-process-exists` checks that callees exist. */
  knownProcessKeys?: string[];
  /** Keys of the processes deployed together (lintSources fills it in), so a call bound by deployment names one of them. */
  deploymentProcessKeys?: string[];
  /** What the library's processes supply, so `condition-variables-supplied`, `call-outcome-kept` and `error-end-caught` follow the call graph. */
  processSupplies?: ProcessSupply[];
  /** Ids of the DMN decisions deployed or deployed with the files, so `supported-elements` checks business rule tasks' decisions. */
  knownDecisionIds?: string[];
  /** Ids of the decisions of the .dmn files deployed with them, so a task bound by deployment names one of them (the library's deploy). */
  deploymentDecisionIds?: string[];
  /**
   * Stratum's house rules (house-rules.ts) for every document: every user task names its candidate groups,
   * every deciding gateway has a default flow, every user task before a gateway declares the decision it reads. Without it they hold for the shipped library's documents
   * (its namespace, order entry, `libraryProcessKeys`) and are warnings elsewhere.
   */
  requireTaskGroups?: boolean;
  /** Deployed processes that followed the house rules: a file replacing one of them follows them too. */
  libraryProcessKeys?: string[];
  /**
   * Processes that run inside an order (order-call-tree.ts: the house-rule processes and what they call, at any
   * depth): `order-fields-read-only` is an error in them whatever their document. lintSources fills it in.
   */
  orderProcessKeys?: string[];
  /** Task groups that have members and how severe a candidate group outside them is; without it groups are not checked. */
  taskGroups?: { known: string[]; severity: Exclude<Severity, 'off'> };
}

/** The configuration with what the run knows about the library and the users. */
export function stratumLintConfigWith(options: LintContext) {
  const rules: Record<string, Severity | [Severity, unknown]> = { ...stratumRuleSeverities };
  if (options.knownProcessKeys) {
    rules['stratum/called-process-exists'] = [stratumRuleSeverities['stratum/called-process-exists'], {
      knownProcessKeys: options.knownProcessKeys, ...(options.deploymentProcessKeys && { deploymentProcessKeys: options.deploymentProcessKeys }),
    }];
  }
  if (options.processSupplies) {
    rules['stratum/condition-variables-supplied'] = [stratumRuleSeverities['stratum/condition-variables-supplied'], { processes: options.processSupplies }];
    rules['stratum/call-outcome-kept'] = [stratumRuleSeverities['stratum/call-outcome-kept'], { processes: options.processSupplies }];
    rules['stratum/error-end-caught'] = [stratumRuleSeverities['stratum/error-end-caught'], { processes: options.processSupplies }];
  }
  if (options.requireTaskGroups || options.libraryProcessKeys) {
    const houseRules = { houseRules: options.requireTaskGroups === true, libraryProcessKeys: options.libraryProcessKeys ?? [] };
    rules['stratum/user-task-candidate-groups'] = [stratumRuleSeverities['stratum/user-task-candidate-groups'], houseRules];
    rules['stratum/exclusive-gateway-default'] = [stratumRuleSeverities['stratum/exclusive-gateway-default'], houseRules];
    rules['stratum/decision-reads-own-output'] = [stratumRuleSeverities['stratum/decision-reads-own-output'], houseRules];
    rules['stratum/order-field-optional'] = [stratumRuleSeverities['stratum/order-field-optional'], houseRules];
  }
  if (options.requireTaskGroups || options.libraryProcessKeys || options.orderProcessKeys) {
    const orderProcessKeys = options.orderProcessKeys ?? [];
    rules['stratum/order-fields-read-only'] = [stratumRuleSeverities['stratum/order-fields-read-only'], {
      houseRules: options.requireTaskGroups === true, libraryProcessKeys: options.libraryProcessKeys ?? [], orderProcessKeys,
    }];
  }
  if (options.knownDecisionIds) {
    rules['stratum/supported-elements'] = [stratumRuleSeverities['stratum/supported-elements'], {
      knownDecisionIds: options.knownDecisionIds, ...(options.deploymentDecisionIds && { deploymentDecisionIds: options.deploymentDecisionIds }),
    }];
  }
  if (options.taskGroups) {
    rules['stratum/candidate-group-members'] = [options.taskGroups.severity, { knownGroups: options.taskGroups.known }];
  }
  return { rules };
}

/**
 * The Stratum rules that mark some of their reports `severity: 'warn'` (withReportSeverities below).
 * The modeler runs each of them as two rules (errors, and warnings at "warn"), since bpmn-js-bpmnlint
 * shows a rule's reports at the rule's severity; a rule missing here shows its warnings as errors there.
 */
export const rulesWithWarningReports = [
  'choreography-not-run',
  'condition-variables-supplied',
  'decision-reads-own-output',
  'exclusive-gateway-default',
  'flow-name-matches-condition',
  'order-field-optional',
  'order-fields-read-only',
  'supported-elements',
  'user-task-candidate-groups',
] as const;

/**
 * bpmnlint gives every report of a rule the rule's severity; a Stratum rule may
 * mark a report `severity: 'warn'` to make it only a warning (never stronger),
 * and every rule marks so its reports on documentation (a process marked
 * isExecutable="false", a choreography; documentation.ts), whose message then says why. Applied to bpmnlint's
 * results by lintDefinitions; the modeler gets the same from its warning
 * companions (modeler/src/features/lint/LintRules.ts).
 */
export function withReportSeverities<T extends Record<string, { category?: string; severity?: unknown; message?: string; documentationNote?: string }[]>>(results: T): T {
  for (const reports of Object.values(results)) {
    for (const report of reports) {
      if (report.severity !== 'warn' || report.category !== 'error') continue;
      report.category = 'warn';
      if (report.documentationNote !== undefined && report.message !== undefined) report.message = asDocumentationWarning(report.message, report.documentationNote);
    }
  }
  return results;
}

/**
 * Serves rules and configs from the imports above, in the shape bpmnlint's Linter expects. Every rule reports on
 * the elements of a process marked isExecutable="false" or of a choreography as warnings (documentation.ts).
 */
export const stratumResolver = {
  resolveRule(pkg: string, ruleName: string): RuleFactory {
    const rule = pkg === 'bpmnlint-plugin-stratum' ? stratumRules[ruleName] : pkg === 'bpmnlint' ? builtInRules[ruleName] : undefined;
    if (!rule) throw new Error(`unknown rule <${pkg}/${ruleName}>`);
    return reportingDocumentationAsWarnings(rule);
  },
  resolveConfig(pkg: string, configName: string) {
    if (pkg === 'bpmnlint-plugin-stratum' && configName === 'recommended') return stratumLintConfig;
    throw new Error(`unknown config <${pkg}/${configName}>`);
  },
};
