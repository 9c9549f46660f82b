import type EventBus from 'diagram-js/lib/core/EventBus';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type { Element } from 'diagram-js/lib/model/Types';
import { el, replaceChildren } from '../../dom/element';
import type Toolbar from '../shell/Toolbar';
import type StatusLine from '../shell/StatusLine';
import type { StratumConfig } from '../../config';
import type ConditionalGatewaySettings from './ConditionalGatewaySettings';
import { GATEWAY_DECISIONS_CHANGED, label, type GatewayDecision } from './ConditionalGatewaySettings';
import { decisionsByReach, type ReachedDecision } from './gateway-decisions-reached';
import type OrderScenario from './OrderScenario';
import type NavigationStack from '../drilldown/NavigationStack';
import { isStaticKey } from '../../bpmn/called-process';
import type DiagramIds from '../workspace/DiagramIds';
import { businessObjectOf } from '../../bpmn/moddle-element';
import { flowEnds } from '../../bpmn/flow-description';
import type { OrderInput, PaymentTerms } from './OrderScenario';

const REACHED_MARKER = 'stratum-simulation-reached';

interface ToggleMode {
  toggleMode(active?: boolean): void;
}

interface Simulator {
  findSubscriptions(options: { element: Element }): { event: { type: string }; scope: unknown }[];
  trigger(options: { event: unknown; scope: unknown }): void;
}

/**
 * While simulating: the order to simulate (amount, payment terms, special change, approvers' decision),
 * which way each exclusive gateway goes for it, and the elements the token has reached.
 */
export default class OrderSimulationPanel {
  static $inject = ['config.stratum', 'eventBus', 'canvas', 'elementRegistry', 'toolbar', 'statusLine', 'toggleMode', 'simulator', 'resetSimulation', 'orderScenario', 'exclusiveGatewaySettings', 'navigationStack', 'readOnly', 'diagramIds'];

  private readonly panel = el('section', { className: 'simulation-panel', hidden: true, 'aria-label': 'Order simulation' });
  private readonly decisionsList = el('ul', { className: 'gateway-decisions' });
  private readonly reachedList = el('ol', { className: 'reached-elements' });
  private reached: Element[] = [];
  /**
   * The exclusive gateways the token has entered, by canvas id, in the order it first entered them, each with the
   * decision it followed there: what the panel shows for them after the order is changed, until it runs again.
   */
  private takenDecisions = new Map<string, GatewayDecision>();
  private readonly toggleMode: ToggleMode;
  /** Whether token simulation is on, as its toggle event said. */
  private simulating = false;

  constructor(
    config: StratumConfig,
    eventBus: EventBus,
    private readonly canvas: Canvas,
    private readonly elementRegistry: ElementRegistry,
    toolbar: Toolbar,
    private readonly statusLine: StatusLine,
    toggleMode: ToggleMode,
    private readonly simulator: Simulator,
    private readonly resetSimulation: { resetSimulation(): void },
    private readonly scenario: OrderScenario,
    private readonly gatewaySettings: ConditionalGatewaySettings,
    private readonly navigationStack: NavigationStack,
    readOnly: { isReadOnly(): boolean },
    private readonly diagramIds: DiagramIds,
  ) {
    this.toggleMode = toggleMode;
    toolbar.addButton({
      id: 'simulate', group: 'simulation', label: 'Simulate', title: 'Simulate an order through this process (T)',
      action: () => toggleMode.toggleMode(),
      isActive: () => this.simulating,
      // a read-only version, diff or instance is looked at, not simulated
      isEnabled: () => !readOnly.isReadOnly(),
    });
    config.properties.prepend(this.panel);
    this.renderForm();

    eventBus.on('tokenSimulation.toggleMode', (event: { active: boolean }) => {
      if (event.active && readOnly.isReadOnly()) {
        statusLine.show('A read-only document is not simulated: open the latest version to simulate it', 'info');
        queueMicrotask(() => toggleMode.toggleMode(false));
      }
      this.simulating = event.active;
      this.panel.hidden = !event.active;
      config.properties.classList.toggle('simulating', event.active);
      // the simulated order needs the right-hand column even when the properties panel is folded away
      config.properties.closest('.app')?.classList.toggle('simulating', event.active);
      canvas.resized();
      this.clearReached();
    });
    eventBus.on('tokenSimulation.resetSimulation', () => this.clearReached());
    eventBus.on(GATEWAY_DECISIONS_CHANGED, () => this.renderDecisions());
    eventBus.on('tokenSimulation.simulator.trace', (event: { action: string; element: Element }) => {
      if (event.action !== 'enter' || !event.element) return;
      if (isReachable(event.element)) this.markReached(event.element);
      if (event.element.type === 'bpmn:ExclusiveGateway') this.markGatewayReached(event.element);
      if (event.element.type === 'bpmn:SequenceFlow') this.markFlowTaken(event.element);
    });
  }

  /** Starts a token at the process's none start event. */
  run(): void {
    this.resetSimulation.resetSimulation();
    this.clearReached();
    const start = this.elementRegistry.filter((element) => element.type === 'bpmn:StartEvent' && !(businessObjectOf(element)?.eventDefinitions as unknown[] | undefined)?.length
      && (element.parent as Element | undefined)?.type !== 'bpmn:SubProcess')[0] as Element | undefined;
    if (!start) {
      this.statusLine.show('This process has no none start event to start the simulation from', 'error');
      return;
    }
    const subscriptions = this.simulator.findSubscriptions({ element: start })
      .sort((a) => (a.event.type === 'none' ? -1 : 1));
    if (!subscriptions.length) {
      this.statusLine.show('The start event cannot be triggered right now', 'error');
      return;
    }
    this.simulator.trigger({ event: subscriptions[0].event, scope: subscriptions[0].scope });
  }

  /** Follows the token into a called process: opens it (breadcrumb back), still simulating, and runs the same order there. */
  private async simulateInside(key: string): Promise<void> {
    const depth = this.navigationStack.entries.length;
    await this.navigationStack.drillInto(key);
    if (this.navigationStack.entries.length <= depth) return; // it did not open
    if (!this.simulating) this.toggleMode.toggleMode(true);
    this.run();
  }

  private renderForm(): void {
    const input = this.scenario.input;
    const amount = el('input', { type: 'number', min: 0, step: 'any', name: 'amount', id: 'sim-amount', value: input.amount });
    const terms = el('select', { name: 'paymentTerms', id: 'sim-terms' },
      el('option', { value: 'credit' }, 'credit'),
      el('option', { value: 'prepaid-at-entry' }, 'prepaid, controlled at entry'),
      el('option', { value: 'prepaid-at-shipment' }, 'prepaid, controlled at shipment'));
    terms.value = input.paymentTerms;
    const special = el('input', { type: 'checkbox', name: 'specialChange', id: 'sim-special' });
    special.checked = input.specialChange;
    const approvals = el('select', { name: 'approvals', id: 'sim-approvals' },
      el('option', { value: 'approve' }, 'approve'), el('option', { value: 'reject' }, 'reject'));
    approvals.value = input.approvals;
    const changed = el('input', {
      type: 'number', min: 0, step: 'any', name: 'changedAmount', id: 'sim-changed', placeholder: 'unchanged',
      value: input.changedAmount === null ? '' : String(input.changedAmount),
    });

    const update = () => {
      const next: Partial<OrderInput> = {
        amount: Number(amount.value) || 0,
        paymentTerms: terms.value as PaymentTerms,
        specialChange: special.checked,
        approvals: approvals.value as OrderInput['approvals'],
        changedAmount: changed.value.trim() === '' ? null : Number(changed.value),
      };
      this.scenario.set(next);
    };
    for (const field of [amount, terms, special, approvals, changed]) field.addEventListener('change', update);
    amount.addEventListener('input', update);
    changed.addEventListener('input', update);

    replaceChildren(this.panel,
      el('h3', {}, 'Simulated order'),
      el('div', { className: 'sim-grid' },
        el('label', { for: 'sim-amount' }, 'Amount (CNY, the reporting currency)'), amount,
        el('label', { for: 'sim-terms' }, 'Payment terms'), terms,
        el('label', { for: 'sim-special' }, 'Special change'), special,
        el('label', { for: 'sim-approvals' }, 'Approvers'), approvals,
        el('label', { for: 'sim-changed', title: 'The amount the order changes to when you trigger "Order changed" while simulating' }, 'Changed amount'), changed),
      el('div', { className: 'sim-actions' },
        el('button', { type: 'button', className: 'primary', 'data-action': 'run-simulation', onclick: () => this.run() }, '▶ Run order')),
      el('h4', {}, 'Gateways decide'),
      this.decisionsList,
      el('h4', {}, 'Token reached'),
      this.reachedList);
  }

  /**
   * The gateways' decisions for the simulated order: those the token reached first, as it reaches them, with the flow
   * it took (and, when the order changed since, where the changed order would go); the others marked as not reached
   * (yet), so a decision of a step the order never gets to does not read as taken.
   */
  private renderDecisions(): void {
    const { reached, notReached } = decisionsByReach(this.gatewaySettings.decisions.values(), this.takenDecisions);
    replaceChildren(this.decisionsList, reached.length || notReached.length
      ? [...reached.map((decision) => reachedItem(decision)), ...notReached.map((decision) => decisionItem(decision, 'not-reached'))]
      : el('li', { className: 'empty' }, 'No exclusive gateway to decide.'));
  }

  private markGatewayReached(gateway: Element): void {
    const decision = this.gatewaySettings.decisions.get(gateway.id);
    if (!decision) return;
    // a gateway passed again (a change loop) shows the latest pass, in the place of its first
    this.takenDecisions.set(gateway.id, { ...decision });
    this.renderDecisions();
  }

  /** The flow out of a reached gateway is the one the token took, whatever the gateway would choose by now. */
  private markFlowTaken(flow: Element): void {
    const gateway = flow.source as Element | undefined;
    const taken = gateway && this.takenDecisions.get(gateway.id);
    if (!taken || taken.flow === flow) return;
    this.takenDecisions.set(gateway.id, { ...taken, flow });
    this.renderDecisions();
  }

  private markReached(element: Element): void {
    if (this.reached.includes(element)) return;
    this.reached.push(element);
    this.canvas.addMarker(element.id, REACHED_MARKER);
    const calledKey = this.diagramIds.calledKeyOf(element);
    this.reachedList.append(el('li', { 'data-element': this.diagramIds.elementIdOf(element) }, label(element),
      calledKey && isStaticKey(calledKey)
        ? [' ', el('button', {
          type: 'button', className: 'link-button', 'data-action': 'simulate-inside', title: `Simulate the same order in ${calledKey}`,
          onclick: () => void this.simulateInside(calledKey),
        }, `simulate inside ${calledKey} ›`)]
        : null));
  }

  private clearReached(): void {
    for (const element of this.reached) {
      if (this.elementRegistry.get(element.id)) this.canvas.removeMarker(element.id, REACHED_MARKER);
    }
    this.reached = [];
    replaceChildren(this.reachedList);
    this.takenDecisions = new Map();
    this.renderDecisions();
  }
}

// helpers

/** A gateway the token reached: the flow it took, and where the order as changed since would go instead. */
function reachedItem({ taken, now }: ReachedDecision): HTMLElement {
  const item = decisionItem(taken, now ? 'reached earlier-order' : 'reached');
  if (now) {
    item.append(el('div', {
      className: 'decision-now', title: 'The token went the way above for the order as it was run; run the order again to follow the change or the choice by hand',
    }, 'Would now go → ', now.flow ? chosenFlow(now.flow) : 'no way out',
    now.reason === 'manual' ? el('span', { className: 'badge' }, 'set by hand') : null, ': run the order again'));
  }
  return item;
}

function decisionItem(decision: GatewayDecision, reach: 'reached' | 'reached earlier-order' | 'not-reached'): HTMLElement {
  return el('li', { className: `decision ${decision.reason} ${reach}`, 'data-gateway': decision.gateway.id },
    el('strong', {}, label(decision.gateway)), ' → ',
    decision.flow ? chosenFlow(decision.flow) : 'no way out',
    decision.reason === 'default' ? el('span', { className: 'badge' }, 'default') : null,
    decision.reason === 'manual' ? el('span', { className: 'badge' }, 'set by hand') : null,
    reach === 'not-reached' ? el('span', { className: 'badge not-reached', title: 'The simulated order has not come to this gateway: it would go this way if it did' }, 'not reached (yet)') : null,
    decision.errors.length ? el('div', { className: 'decision-errors' }, decision.errors.join('; ')) : null);
}

/**
 * The flow a gateway took: named (or by its condition) with where it leads, else where it leads; its id, which names
 * nothing a designer drew, only in the tooltip.
 */
function chosenFlow(flow: Element): HTMLElement {
  const text = label(flow);
  const target = flow.target ? label(flow.target as Element) : null;
  // a flow described by where it leads says so already
  const leadsTo = !target || text === flowEnds(businessObjectOf(flow) ?? {}) ? text : `${text} (to ${target})`;
  return el('span', { className: 'chosen-flow', 'data-flow': flow.id, title: `sequence flow ${flow.id}` }, leadsTo);
}

function isReachable(element: Element): boolean {
  return !['bpmn:SequenceFlow', 'bpmn:Process', 'bpmn:Collaboration', 'bpmn:Participant', 'bpmn:ExclusiveGateway', 'bpmn:ParallelGateway'].includes(element.type as string);
}
