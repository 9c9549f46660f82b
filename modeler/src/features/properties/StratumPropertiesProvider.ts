import FeelConditionCheck from './FeelConditionCheck';
import CalledProcessPicker from './CalledProcessPicker';
import DefaultFlowToggle from './DefaultFlowToggle';
import { ElementIdField, PoolProcessIdField, withFileIdValue } from './FileIdField';

interface Entry {
  id: string;
  component: unknown;
  isEdited?: unknown;
  [key: string]: unknown;
}

interface Group {
  id: string;
  entries?: Entry[];
  [key: string]: unknown;
}

const LOWER_THAN_ZEEBE = 400;

/**
 * Adds Stratum's entries to the Zeebe properties panel: FEEL syntax feedback under a flow's
 * condition, and the library's processes under a call activity's called element; its id fields and a
 * call activity's Process ID show the file's ids, not the canvas's aliases (FileIdField).
 */
export default class StratumPropertiesProvider {
  static $inject = ['propertiesPanel'];

  constructor(propertiesPanel: { registerProvider(priority: number, provider: StratumPropertiesProvider): void }) {
    propertiesPanel.registerProvider(LOWER_THAN_ZEEBE, this);
  }

  getGroups(element: { type: string; source?: { type: string } }) {
    return (groups: Group[]) => {
      const general = groups.find((group) => group.id === 'general');
      replaceComponent(general?.entries, 'id', ElementIdField);
      replaceComponent(general?.entries, 'processId', PoolProcessIdField);
      const condition = groups.find((group) => group.id === 'condition');
      if (condition?.entries && element.type === 'bpmn:SequenceFlow') {
        insertAfter(condition.entries, 'conditionExpression', { id: 'stratum-feel-check', component: FeelConditionCheck, element });
        if (hasDefault(element)) condition.entries.unshift({ id: 'stratum-default-flow', component: DefaultFlowToggle, element });
      }
      const called = groups.find((group) => group.id === 'calledElement');
      if (called?.entries && element.type === 'bpmn:CallActivity') {
        const processId = called.entries.find((entry) => entry.id === 'targetProcessId');
        if (processId) processId.component = withFileIdValue(processId.component as Parameters<typeof withFileIdValue>[0]);
        insertAfter(called.entries, 'targetProcessId', { id: 'stratum-called-process', component: CalledProcessPicker, element });
      }
      return groups;
    };
  }
}

// helpers

const SOURCES_WITH_DEFAULT = ['bpmn:ExclusiveGateway', 'bpmn:InclusiveGateway', 'bpmn:ComplexGateway', 'bpmn:Task', 'bpmn:UserTask', 'bpmn:ServiceTask',
  'bpmn:ScriptTask', 'bpmn:SendTask', 'bpmn:ReceiveTask', 'bpmn:ManualTask', 'bpmn:BusinessRuleTask', 'bpmn:CallActivity', 'bpmn:SubProcess'];

/** Gateways and activities may name a default flow (BPMN `default`); other sources may not. */
function hasDefault(element: { source?: { type: string } }): boolean {
  return !!element.source && SOURCES_WITH_DEFAULT.includes(element.source.type);
}

function replaceComponent(entries: Entry[] | undefined, id: string, component: unknown): void {
  const entry = entries?.find((candidate) => candidate.id === id);
  if (entry) entry.component = component;
}

function insertAfter(entries: Entry[], id: string, entry: Entry): void {
  const index = entries.findIndex((candidate) => candidate.id === id);
  entries.splice(index < 0 ? entries.length : index + 1, 0, entry);
}
