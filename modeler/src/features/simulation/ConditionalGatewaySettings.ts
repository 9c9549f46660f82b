import { describeFlow } from '../../bpmn/flow-description';
import type EventBus from 'diagram-js/lib/core/EventBus';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type { Element } from 'diagram-js/lib/model/Types';
import { chooseOutgoing } from './ExclusiveGatewayChoice';
import type { FlowLike } from './ExclusiveGatewayChoice';
import type OrderScenario from './OrderScenario';
import { businessObjectOf } from '../../bpmn/moddle-element';
import { SCENARIO_CHANGED } from './OrderScenario';
import { approverOutputs, type TaskLike } from './approver-outputs';

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

interface ElementColors {
  add(element: Element, id: string, colors: Record<string, string>, priority: number): void;
}

/**
 * Token simulation's `exclusiveGatewaySettings` service, provided by Stratum (the same service
 * name, so token simulation's gateway click and mode toggle call this one): instead of the first
 * outgoing flow, each exclusive gateway takes the flow the runtime would take for the simulated
 * order — conditions in document order, the first true one wins, else the default flow
 * (docs/modelling.md). Clicking a gateway still cycles through its flows by hand. Only the
 * simulator's public services are used (getConfig/setConfig, elementColors, simulationStyles).
 */
export default class ConditionalGatewaySettings {
  static $inject = ['eventBus', 'elementRegistry', 'elementColors', 'simulator', 'simulationStyles', 'orderScenario'];

  decisions = new Map<string, GatewayDecision>();
  private active = false;

  constructor(
    private readonly eventBus: EventBus,
    private readonly elementRegistry: ElementRegistry,
    private readonly elementColors: ElementColors,
    private readonly simulator: Simulator,
    private readonly simulationStyles: { get(name: string): string },
    private readonly scenario: OrderScenario,
  ) {
    eventBus.on('tokenSimulation.toggleMode', (event: { active: boolean }) => {
      this.active = event.active;
      if (event.active) {
        this.setSequenceFlowsDefault();
      } else {
        this.resetSequenceFlows();
        this.decisions.clear();
      }
    });
    eventBus.on(SCENARIO_CHANGED, () => {
      if (this.active) this.setSequenceFlowsDefault();
    });
  }

  setSequenceFlowsDefault(): void {
    this.decisions.clear();
    const variables = this.orderVariables();
    for (const gateway of this.exclusiveGateways()) this.decide(gateway, variables);
    this.eventBus.fire(GATEWAY_DECISIONS_CHANGED, { decisions: this.decisions });
  }

  resetSequenceFlows(): void {
    for (const gateway of this.exclusiveGateways()) this.resetSequenceFlow(gateway);
  }

  resetSequenceFlow(gateway: Element): void {
    if (sequenceFlows(gateway).length) this.simulator.setConfig(gateway, { activeOutgoing: undefined });
  }

  /** The designer clicked the gateway: the next outgoing flow, by hand. */
  setSequenceFlow(gateway: Element): void {
    const outgoing = sequenceFlows(gateway);
    if (outgoing.length < 2) return;
    const current = this.simulator.getConfig(gateway).activeOutgoing as Element | undefined;
    const next = current ? outgoing[(outgoing.indexOf(current) + 1) % outgoing.length] : outgoing[0];
    this.choose(gateway, next);
    this.decisions.set(gateway.id, { gateway, flow: next, reason: 'manual', errors: [] });
    this.eventBus.fire(GATEWAY_DECISIONS_CHANGED, { decisions: this.decisions });
  }

  /** The simulated order, with what its approvers decide written as this diagram's user tasks write it. */
  private orderVariables(): Record<string, unknown> {
    const order = this.scenario.variables();
    const tasks = this.elementRegistry.filter((element) => element.type === 'bpmn:UserTask')
      .map((task) => task.businessObject as TaskLike);
    return { ...order, ...approverOutputs(tasks, order) };
  }

  private exclusiveGateways(): Element[] {
    return this.elementRegistry.filter((element) => element.type === 'bpmn:ExclusiveGateway') as Element[];
  }

  private choose(gateway: Element, chosen: Element | null): void {
    this.simulator.setConfig(gateway, { activeOutgoing: chosen ?? undefined });
    for (const flow of gateway.outgoing ?? []) {
      const stroke = this.simulationStyles.get(flow === chosen ? SELECTED_COLOR : NOT_SELECTED_COLOR);
      this.elementColors.add(flow, ID, { stroke }, HIGH_PRIORITY);
    }
  }

  private decide(gateway: Element, variables: Record<string, unknown>): void {
    const outgoing = sequenceFlows(gateway);
    if (outgoing.length < 2) {
      this.decisions.set(gateway.id, { gateway, flow: outgoing[0] ?? null, reason: 'only-way', errors: [] });
      return;
    }
    const choice = chooseOutgoing(outgoing.map((flow) => flow.businessObject as FlowLike), businessObjectOf(gateway)?.default as FlowLike | undefined, variables);
    const chosen = outgoing.find((flow) => flow.businessObject === choice.flow) ?? null;
    this.decisions.set(gateway.id, { gateway, flow: chosen, reason: choice.reason, errors: choice.errors });
    this.choose(gateway, chosen);
  }
}

// helpers

function sequenceFlows(gateway: Element): Element[] {
  return (gateway.outgoing ?? []).filter((connection: Element) => connection.type === 'bpmn:SequenceFlow');
}

/** An element's name, else its id; a sequence flow as a designer names it (flow-description.ts), never by its id. */
export function label(element: Element): string {
  if (element.type === 'bpmn:SequenceFlow') return describeFlow(businessObjectOf(element) ?? {});
  return businessObjectOf(element)?.name || element.id;
}
