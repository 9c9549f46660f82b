import { CheckboxEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import type CommandStack from 'diagram-js/lib/command/CommandStack';

interface FlowElement {
  businessObject: { conditionExpression?: unknown };
  source: { businessObject: { default?: unknown } };
}

/**
 * Properties panel entry under a flow's condition: make it the default flow of its gateway or activity.
 * A default flow has no condition, so setting it drops the condition (in the same command, one undo).
 */
export default function DefaultFlowToggle(props: { element: FlowElement; id: string }) {
  const { element, id } = props;
  const commandStack = useService<CommandStack>('commandStack');
  const isDefault = () => element.source.businessObject.default === element.businessObject;
  const setValue = (checked: boolean) => {
    const commands: unknown[] = [{
      cmd: 'element.updateProperties',
      context: { element: element.source, properties: { default: checked ? element.businessObject : undefined } },
    }];
    if (checked && element.businessObject.conditionExpression) {
      commands.push({ cmd: 'element.updateProperties', context: { element, properties: { conditionExpression: undefined } } });
    }
    commandStack.execute('properties-panel.multi-command-executor', commands);
  };
  return CheckboxEntry({
    element, id, label: 'Default flow', getValue: isDefault, setValue,
    description: 'Taken when no condition of the other flows is true.',
  });
}
