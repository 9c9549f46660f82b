// Check the whole library lists the conditions that still compare with a constant the edits move; their flows are
// mostly in processes that are not open, so the Problems panel names them from the impact report, as the diff and the
// deploy dialog describe a flow (its name, else its condition), never by the bare id.
import { describe, expect, it } from 'vitest';
import type { ImpactReport } from '../../../../modeler/src/api/client.js';
import { relatedConditionProblem } from '../../../../modeler/src/features/lint/ProblemsPanel.js';

type RelatedCondition = ImpactReport['relatedConditions'][number];

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
  message: 'sales-order-management "Approval tier raised?" still compares changeReportingAmount … with 500000, …',
};

describe('a related condition in the Problems panel', () => {
  it('is named by the gateway it leaves and the flow\'s name, and still selects the flow by its id', () => {
    const problem = relatedConditionProblem(tierRaised);
    expect(problem.label).toBe('Approval tier raised? → yes');
    expect(problem).toMatchObject({ elementId: 'Flow_ApprovalTierRaised_Yes', processKey: 'sales-order-management', rule: 'related-conditions', severity: 'warning' });
  });

  it('is named by its condition when the flow has no name', () => {
    const unnamed = { ...tierRaised, flow: { ...tierRaised.flow, name: null } };
    expect(relatedConditionProblem(unnamed).label).toBe('Approval tier raised? → =changeReportingAmount > 500000 and approvedReportingAmount <= 500000');
  });

  it('is named by the flow alone when it leaves an element the report does not name', () => {
    const fromNothing = { ...tierRaised, flow: { ...tierRaised.flow, source: null } };
    expect(relatedConditionProblem(fromNothing).label).toBe('yes');
  });
});
