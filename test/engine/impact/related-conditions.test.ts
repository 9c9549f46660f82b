// A threshold written twice: sales-order-management's "Approval tier raised?" repeats credit-order-approval's
// tiers (500,000 and 1,000,000). The impact of moving a tier in one names the conditions that still compare with the
// old constant, before the designer deploys: a warning, never blocking.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImpactReport, Stratum } from '../../../engine/index.js';
import { openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { candidate } from './candidates.js';

let fixture: Fixture;
let stratum: Stratum;

beforeEach(async () => {
  fixture = await openFixture();
  stratum = fixture.stratum;
});

afterEach(async () => {
  await fixture.dispose();
});

const VICE_PRESIDENT_FROM_400000 = (xml: string) => xml.replace('reportingAmount &gt; 500000', 'reportingAmount &gt; 400000');

describe('moving the vice-president tier from 500,000 to 400,000 in credit-order-approval', () => {
  it('names "Approval tier raised?" in sales-order-management, which compares the changed amount it passes as reportingAmount with 500,000', async () => {
    const report = await analyse(candidate('credit-order-approval', VICE_PRESIDENT_FROM_400000));
    expect(report.relatedConditions).toEqual([{
      flow: {
        processKey: 'sales-order-management', elementId: 'Flow_ApprovalTierRaised_Yes', name: 'yes',
        source: { elementId: 'Gateway_ApprovalTierRaised', name: 'Approval tier raised?' },
      },
      version: 1,
      condition: expect.stringContaining('(changeReportingAmount > 500000 and approvedReportingAmount <= 500000)') as string,
      comparison: 'changeReportingAmount > 500000',
      variable: 'changeReportingAmount',
      changed: {
        flow: {
          processKey: 'credit-order-approval', elementId: 'Flow_AmountTier_Above500000', name: 'more than 500,000 up to 1,000,000',
          source: { elementId: 'Gateway_AmountTier', name: 'Amount tier?' },
        },
        variable: 'reportingAmount', before: 'reportingAmount > 500000', after: 'reportingAmount > 400000', constant: '500000', newConstant: '400000',
      },
      message: 'sales-order-management "Approval tier raised?" still compares changeReportingAmount (passed as reportingAmount at "Approve changed amount") ' +
        'with 500000, which this change moved to 400000 in credit-order-approval "Amount tier?"',
    }]);
    // a warning: the replay and lint decide what blocks
    expect(report.blocking).toBe(false);
  });

  it('is silent once sales-order-management moves with it in the same deployment', async () => {
    const report = await analyse(
      candidate('credit-order-approval', VICE_PRESIDENT_FROM_400000),
      candidate('sales-order-management', (xml) => xml.replace('changeReportingAmount &gt; 500000 and approvedReportingAmount &lt;= 500000',
        'changeReportingAmount &gt; 400000 and approvedReportingAmount &lt;= 400000')),
    );
    expect(report.relatedConditions).toEqual([]);
  });

  it('names no condition of another variable, of an unchanged constant or of an equality, and names one of either direction', async () => {
    const report = await analyse(candidate('credit-order-approval', VICE_PRESIDENT_FROM_400000), riskReview([
      ['Flow_CreditLimit', '=creditLimit &gt; 500000'],
      ['Flow_Director', '=reportingAmount &gt; 1000000'],
      ['Flow_Exactly', '=reportingAmount = 500000'],
      ['Flow_Below', '=500000 &gt;= reportingAmount'],
      ['Flow_Juel', '${reportingAmount &lt; 500000}'],
    ]));
    const inRiskReview = report.relatedConditions.filter((related) => related.flow.processKey === 'risk-review');
    expect(inRiskReview.map((related) => [related.flow.elementId, related.comparison])).toEqual([
      ['Flow_Below', '500000 >= reportingAmount'],
      ['Flow_Juel', 'reportingAmount < 500000'],
    ]);
    expect(inRiskReview[0].message).toBe('risk-review "Risk tier?" still compares reportingAmount with 500000, which this change moved to 400000 in credit-order-approval "Amount tier?"');
  });
});

describe('moving the sales-director tier in one flow of credit-order-approval', () => {
  it('names the flow of the same gateway that still ends the vice-president tier at 1,000,000, and the tier raised in sales-order-management', async () => {
    const report = await analyse(candidate('credit-order-approval', (xml) => xml.replace('>=reportingAmount &gt; 1000000<', '>=reportingAmount &gt; 2000000<')));
    expect(report.relatedConditions.map((related) => [related.flow.processKey, related.flow.elementId, related.comparison])).toEqual([
      ['credit-order-approval', 'Flow_AmountTier_Above500000', 'reportingAmount <= 1000000'],
      ['sales-order-management', 'Flow_ApprovalTierRaised_Yes', 'changeReportingAmount > 1000000'],
    ]);
    expect(report.relatedConditions[0].message).toBe('credit-order-approval "Amount tier?" still compares reportingAmount with 1000000, ' +
      'which this change moved to 2000000 in its flow "more than 1,000,000"');
    expect(report.relatedConditions[1].message).toMatch(/ with 1000000, which this change moved to 2000000 in credit-order-approval "Amount tier\?"$/);
  });

  it('names, for > turned into >=, only the comparisons that keep 1,000,000 itself in the lower tier', async () => {
    const report = await analyse(
      candidate('credit-order-approval', (xml) => xml.replace('>=reportingAmount &gt; 1000000<', '>=reportingAmount &gt;= 1000000<')),
      riskReview([['Flow_AlreadyInclusive', '=reportingAmount &gt;= 1000000'], ['Flow_Below', '=reportingAmount &lt; 1000000']]),
    );
    expect(report.relatedConditions.map((related) => [related.flow.processKey, related.flow.elementId, related.comparison])).toEqual([
      ['credit-order-approval', 'Flow_AmountTier_Above500000', 'reportingAmount <= 1000000'],
      ['sales-order-management', 'Flow_ApprovalTierRaised_Yes', 'changeReportingAmount > 1000000'],
    ]);
    expect(report.relatedConditions[0].message).toBe('credit-order-approval "Amount tier?" still compares reportingAmount <= 1000000, ' +
      'while this change turned reportingAmount > 1000000 into reportingAmount >= 1000000 in its flow "more than 1,000,000"');
  });
});

describe('a change that moves no constant', () => {
  it('names nothing when a condition is only written otherwise (another order, <= as not >), or a flow renamed', async () => {
    const report = await analyse(candidate('credit-order-approval', (xml) => xml
      .replace('>=reportingAmount &gt; 500000 and reportingAmount &lt;= 1000000<', '>=500000 &lt; reportingAmount and not(reportingAmount &gt; 1000000)<')
      .replace('name="more than 1,000,000"', 'name="above 1,000,000"')));
    expect(report.processes[0].diff.unchanged).toBe(false);
    expect(report.relatedConditions).toEqual([]);
  });
});

// helpers

function analyse(...files: { name: string; xml: string }[]): Promise<ImpactReport> {
  return stratum.impact.analyse(files, { replay: false });
}

/** A new process beside the change, whose gateway "Risk tier?" has one flow per condition. */
function riskReview(conditions: [id: string, condition: string][]): { name: string; xml: string } {
  const flows = conditions.map(([id, condition], index) => `
    <bpmn:sequenceFlow id="${id}" sourceRef="Gateway_Risk" targetRef="End_${index}"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${condition}</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:endEvent id="End_${index}" />`).join('');
  return {
    name: 'risk-review.bpmn',
    xml: `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="Definitions_risk" targetNamespace="http://stratum.example/bpmn">
  <bpmn:process id="risk-review" name="Risk review" isExecutable="true">
    <bpmn:startEvent id="Start_Risk" />
    <bpmn:sequenceFlow id="Flow_Start_Risk" sourceRef="Start_Risk" targetRef="Gateway_Risk" />
    <bpmn:exclusiveGateway id="Gateway_Risk" name="Risk tier?" default="Flow_Default" />
    <bpmn:sequenceFlow id="Flow_Default" sourceRef="Gateway_Risk" targetRef="End_Default" />
    <bpmn:endEvent id="End_Default" />${flows}
  </bpmn:process>
</bpmn:definitions>`,
  };
}
