import TokenSimulationModule from 'bpmn-js-token-simulation';
import ShellModule from '../shell';
import DrilldownModule from '../drilldown';
import OrderScenario from './OrderScenario';
import ConditionalGatewaySettings from './ConditionalGatewaySettings';
import OrderSimulationPanel from './OrderSimulationPanel';

/** Token simulation where exclusive gateways follow their FEEL conditions for a simulated order. */
export default {
  __depends__: [TokenSimulationModule, ShellModule, DrilldownModule],
  __init__: ['orderSimulationPanel'],
  orderScenario: ['type', OrderScenario],
  exclusiveGatewaySettings: ['type', ConditionalGatewaySettings],
  orderSimulationPanel: ['type', OrderSimulationPanel],
};
