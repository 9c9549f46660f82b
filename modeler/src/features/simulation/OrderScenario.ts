import type EventBus from 'diagram-js/lib/core/EventBus';

export const SCENARIO_CHANGED = 'stratum.simulation.scenarioChanged';

export type PaymentTerms = 'credit' | 'prepaid-at-entry' | 'prepaid-at-shipment';

export interface OrderInput {
  amount: number;
  paymentTerms: PaymentTerms;
  specialChange: boolean;
  /** What approvers decide at every approval task along the way. */
  approvals: 'approve' | 'reject';
  /** The amount an `OrderChanged` message brings when the designer triggers it; null keeps the amount. */
  changedAmount: number | null;
}

/**
 * The order the designer simulates, as the process variables `POST /api/orders` would start it with
 * (diagrams/README.md "start variables"), plus the approvers' decision.
 */
export default class OrderScenario {
  static $inject = ['eventBus'];

  input: OrderInput = { amount: 1_200_000, paymentTerms: 'credit', specialChange: false, approvals: 'approve', changedAmount: null };

  constructor(private readonly eventBus: EventBus) {}

  set(input: Partial<OrderInput>): void {
    this.input = { ...this.input, ...input };
    this.eventBus.fire(SCENARIO_CHANGED, { input: this.input });
  }

  variables(): Record<string, unknown> {
    const { amount, paymentTerms, specialChange, approvals, changedAmount } = this.input;
    const approved = approvals === 'approve';
    return {
      orderNo: 'SIM-0001',
      customer: { name: 'Simulated customer' },
      // simulated in the reporting currency, so the amount is what the approval tiers compare
      amount,
      currency: 'CNY',
      reportingAmount: amount,
      reportingCurrency: 'CNY',
      exchangeRate: 1,
      rateDate: '2026-01-02',
      paymentTerms,
      specialChange: specialChange ? { description: 'Simulated special change' } : null,
      approved,
      comment: '',
      orderStatus: approved ? 'fulfilled' : 'rejected',
      // what the OrderChanged catch event's outputs set once the designer triggers it (docs/modelling.md):
      // the change's amount against the amount approved so far, and the re-approval's answer
      changeId: 'SIM-CHANGE-1',
      changeDescription: 'Simulated change',
      changeAmount: changedAmount ?? amount,
      changeReportingAmount: changedAmount ?? amount,
      approvedReportingAmount: amount,
      changeApproved: approved,
    };
  }
}
