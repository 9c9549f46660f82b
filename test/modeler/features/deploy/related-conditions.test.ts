// The deploy dialog's impact preview warns of conditions that still compare with a constant the change moved
// (POST /api/impact, relatedConditions[]): a tier written in two processes. A warning, never blocking.
import { describe, expect, it } from 'vitest';
import type { ImpactReport } from '../../../../modeler/src/api/client.js';
import * as text from '../../../../modeler/src/features/deploy/related-conditions.js';

type RelatedCondition = ImpactReport['relatedConditions'][number];

/** Typed here: the modeler's own imports (without .js) do not resolve for the tests' type checks. */
const relatedConditionsLine: (report: ImpactReport) => string | null = text.relatedConditionsLine;
const relatedConditionTitle: (related: RelatedCondition) => string = text.relatedConditionTitle;

const tierRaised: RelatedCondition = {
  flow: {
    processKey: 'sales-order-management', elementId: 'Flow_ApprovalTierRaised_Yes', name: 'yes',
    source: { elementId: 'Gateway_ApprovalTierRaised', name: 'Approval tier raised?' },
  },
  version: 1,
  condition: '=changeReportingAmount > 500000 and approvedReportingAmount <= 500000',
  comparison: 'changeReportingAmount > 500000',
  variable: 'changeReportingAmount',
  changed: {
    flow: { processKey: 'credit-order-approval', elementId: 'Flow_AmountTier_Above500000', name: null, source: { elementId: 'Gateway_AmountTier', name: 'Amount tier?' } },
    variable: 'reportingAmount', before: 'reportingAmount > 500000', after: 'reportingAmount > 400000', constant: '500000', newConstant: '400000',
  },
  message: 'sales-order-management "Approval tier raised?" still compares changeReportingAmount (passed as reportingAmount at "Approve changed amount") with 500000, …',
};

function report(relatedConditions: RelatedCondition[]): ImpactReport {
  return {
    processes: [],
    decisions: [],
    replay: { orders: 12, changed: 3, blocked: 0, groups: [], ranOnOlderVersion: { count: 0, groups: [] }, durationMs: 5, paths: { fast: 12, engine: 0 }, baselineReplays: 0 },
    findings: [],
    relatedConditions,
    messages: [],
    blocking: false,
  };
}

describe('the impact preview of a change that moves a constant another condition still compares with', () => {
  it('heads the related conditions as a warning that does not block', () => {
    expect(relatedConditionsLine(report([tierRaised, { ...tierRaised, comparison: 'changeReportingAmount > 500000' }])))
      .toBe('Warning: 2 condition(s) still compare with a constant this change moved. Check whether they should change with it (this does not block the deployment).');
  });

  it('says nothing when no condition is related', () => {
    expect(relatedConditionsLine(report([]))).toBeNull();
  });

  it('shows the condition as written and the comparison the change moved on hover', () => {
    expect(relatedConditionTitle(tierRaised)).toBe('sales-order-management Flow_ApprovalTierRaised_Yes: =changeReportingAmount > 500000 and approvedReportingAmount <= 500000\n' +
      'changed: reportingAmount > 500000 → reportingAmount > 400000');
  });
});
