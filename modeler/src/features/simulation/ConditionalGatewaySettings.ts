import ExclusiveGatewaySettings from 'bpmn-js-token-simulation/lib/features/exclusive-gateway-settings/ExclusiveGatewaySettings';
import type EventBus from 'diagram-js/lib/core/EventBus';
import type { Element } from 'diagram-js/lib/model/Types';
import { chooseOutgoing } from './ExclusiveGatewayChoice';
import type { FlowLike } from './ExclusiveGatewayChoice';
import type OrderScenario from './OrderScenario';
import { businessObjectOf } from '../../bpmn/moddle-element';
import { SCENARIO_CHANGED } from './OrderScenario';

const ID = 'exclusive-gateway-settings';
const SELECTED_COLOR = '--token-simulation-grey-darken-30';
const NOT_SELECTED_COLOR = '--token-simulation-grey-lighten-56';
const HIGH_PRIORITY = 2000;

export const GATEWAY_DECISIONS_CHANGED = 'stratum.simulation.decisionsChanged';

export interface GatewayDecision {
  gateway: Element;
  flow: Element | null;
  /** How the flow was chosen. */
  reason: 'condition' | 'default' | 'only-way' | 'manual' | 'stuck';
  errors: string[];
}

interface Simulator {
  setConfig(element: Element, config: Record<string, unknown>): void;
  getConfig(element: Element): Record<string, unknown>;
}

/**
 * Replaces token simulation's exclusive gateway settings: instead of the first outgoing flow,
 * each exclusive gateway takes the flow the runtime would take for the simulated order —
 * conditions in document order, the first true one wins, else the default flow
 * (docs/modelling.md). Clicking a gateway still cycles through its flows by hand.
 */
export default class ConditionalGatewaySettings extends ExclusiveGatewaySettings {
  static $inject = ['eventBus', 'elementRegistry', 'elementColors', 'simulator', 'simulationStyles', 'orderScenario'];

  declare _elementRegistry: { filter(fn: (element: Element) => boolean): Element[] };
  declare _elementColors: { add(element: Element, id: string, colors: Record<string, string>, priority: number): void };
  declare _simulator: Simulator;
  declare _simulationStyles: { get(name: string): string };

  decisions = new Map<string, GatewayDecision>();
  private active = false;

  constructor(
    private readonly eventBus: EventBus,
    elementRegistry: unknown,
    elementColors: unknown,
    simulator: unknown,
    simulationStyles: unknown,
    private readonly scenario: OrderScenario,
  ) {
    super(eventBus, elementRegistry, elementColors, simulator, simulationStyles);
    eventBus.on('tokenSimulation.toggleMode', (event: { active: boolean }) => {
      this.active = event.active;
      if (!event.active) this.decisions.clear();
    });
    eventBus.on(SCENARIO_CHANGED, () => {
      if (this.active) this.setSequenceFlowsDefault();
    });
  }

  override setSequenceFlowsDefault(): void {
    this.decisions.clear();
    for (const gateway of this._elementRegistry.filter((element) => element.type === 'bpmn:ExclusiveGateway')) {
      this.decide(gateway);
    }
    this.eventBus.fire(GATEWAY_DECISIONS_CHANGED, { decisions: this.decisions });
  }

  override setSequenceFlow(gateway: Element): void {
    super.setSequenceFlow(gateway);
    const flow = (this._simulator.getConfig(gateway).activeOutgoing as Element | undefined) ?? null;
    this.decisions.set(gateway.id, { gateway, flow, reason: 'manual', errors: [] });
    this.eventBus.fire(GATEWAY_DECISIONS_CHANGED, { decisions: this.decisions });
  }

  private decide(gateway: Element): void {
    const outgoing = sequenceFlows(gateway);
    if (outgoing.length < 2) {
      this.decisions.set(gateway.id, { gateway, flow: outgoing[0] ?? null, reason: 'only-way', errors: [] });
      return;
    }
    const choice = chooseOutgoing(outgoing.map((flow) => flow.businessObject as FlowLike), businessObjectOf(gateway)?.default as FlowLike | undefined, this.scenario.variables());
    const chosen = outgoing.find((flow) => flow.businessObject === choice.flow) ?? null;
    this.decisions.set(gateway.id, { gateway, flow: chosen, reason: choice.reason, errors: choice.errors });
    this._simulator.setConfig(gateway, { activeOutgoing: chosen ?? undefined });
    for (const flow of gateway.outgoing ?? []) {
      const stroke = this._simulationStyles.get(flow === chosen ? SELECTED_COLOR : NOT_SELECTED_COLOR);
      this._elementColors.add(flow, ID, { stroke }, HIGH_PRIORITY);
    }
  }
}

// helpers

function sequenceFlows(gateway: Element): Element[] {
  return (gateway.outgoing ?? []).filter((connection: Element) => connection.type === 'bpmn:SequenceFlow');
}

export function label(element: Element): string {
  return businessObjectOf(element)?.name || element.id;
}
