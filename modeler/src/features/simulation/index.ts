import TokenSimulationModule from 'bpmn-js-token-simulation';
import ShellModule from '../shell';
import DrilldownModule from '../drilldown';
import OrderScenario from './OrderScenario';
import ConditionalGatewaySettings from './ConditionalGatewaySettings';
import OrderSimulationPanel from './OrderSimulationPanel';
import SimulationBadgePlacement from './SimulationBadgePlacement';

/** Token simulation where exclusive gateways follow their FEEL conditions for a simulated order, its badges beside labels. */
export default {
  __depends__: [TokenSimulationModule, ShellModule, DrilldownModule],
  __init__: ['orderSimulationPanel', 'simulationBadgePlacement'],
  orderScenario: ['type', OrderScenario],
  exclusiveGatewaySettings: ['type', ConditionalGatewaySettings],
  orderSimulationPanel: ['type', OrderSimulationPanel],
  simulationBadgePlacement: ['type', SimulationBadgePlacement],
};
