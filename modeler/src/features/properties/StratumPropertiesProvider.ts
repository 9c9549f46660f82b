import FeelConditionCheck from './FeelConditionCheck';
import CalledProcessPicker from './CalledProcessPicker';

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
 * condition, and the library's processes under a call activity's called element.
 */
export default class StratumPropertiesProvider {
  static $inject = ['propertiesPanel'];

  constructor(propertiesPanel: { registerProvider(priority: number, provider: StratumPropertiesProvider): void }) {
    propertiesPanel.registerProvider(LOWER_THAN_ZEEBE, this);
  }

  getGroups(element: { type: string }) {
    return (groups: Group[]) => {
      const condition = groups.find((group) => group.id === 'condition');
      if (condition?.entries && element.type === 'bpmn:SequenceFlow') {
        insertAfter(condition.entries, 'conditionExpression', { id: 'stratum-feel-check', component: FeelConditionCheck, element });
      }
      const called = groups.find((group) => group.id === 'calledElement');
      if (called?.entries && element.type === 'bpmn:CallActivity') {
        insertAfter(called.entries, 'targetProcessId', { id: 'stratum-called-process', component: CalledProcessPicker, element });
      }
      return groups;
    };
  }
}

// helpers

function insertAfter(entries: Entry[], id: string, entry: Entry): void {
  const index = entries.findIndex((candidate) => candidate.id === id);
  entries.splice(index < 0 ? entries.length : index + 1, 0, entry);
}
