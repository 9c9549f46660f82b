import { h } from '@bpmn-io/properties-panel/preact';
import { SelectEntry } from '@bpmn-io/properties-panel';
import { useService } from 'bpmn-js-properties-panel';
import { calledProcessKey } from '../../bpmn/called-process';
import type { CanvasIds } from '../../bpmn/canvas-ids';
import { isNotCalled } from '../library/library-tree';
import type LibraryService from '../library/LibraryService';
import type CommandStack from 'diagram-js/lib/command/CommandStack';

/** The moddle elements this entry edits, as far as it reads and writes them. */
interface ModdleElement {
  $type: string;
  $parent?: ModdleElement;
  get(name: 'extensionElements'): ModdleElement | undefined;
  get(name: 'values'): ModdleElement[];
  [property: string]: unknown;
}

interface BpmnFactory {
  create(type: string, properties: Record<string, unknown>): ModdleElement;
}

/** Properties panel entry under "Called element": pick the called process from the library's keys, drafts included. */
export default function CalledProcessPicker(props: { element: { businessObject: ModdleElement }; id: string }) {
  const { element, id } = props;
  const commandStack = useService<CommandStack>('commandStack');
  const bpmnFactory = useService<BpmnFactory>('bpmnFactory');
  const library = useService<LibraryService>('libraryService');
  const diagramIds = useService<CanvasIds>('diagramIds');

  // the file's key of a process the file itself holds (its processId is read under the process's alias)
  const called = calledProcessKey(element.businessObject);
  const current = called === null ? '' : diagramIds.fileIdOf(called);
  const getOptions = () => {
    const options = [{ value: '', label: '(choose a library process)' }];
    for (const process of library.entries) {
      const version = process.latestVersion === null ? 'draft, not deployed' : `v${process.latestVersion}${process.draft ? ', edited' : ''}`;
      options.push({ value: process.key, label: `${process.name ? `${process.name} — ` : ''}${process.key} (${isNotCalled(process) ? 'not called any more' : `L${process.level}`}, ${version})` });
    }
    if (current && !library.find(current)) options.push({ value: current, label: `${current} (not in the library)` });
    return options;
  };

  const setValue = (key: string) => {
    if (!key) return;
    const businessObject = element.businessObject;
    const commands: unknown[] = [];
    let extensionElements = businessObject.get('extensionElements');
    if (!extensionElements) {
      extensionElements = bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
      extensionElements.$parent = businessObject;
      commands.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement: businessObject, properties: { extensionElements } } });
    }
    let calledElement = extensionElements.get('values').find((value) => value.$type === 'zeebe:CalledElement');
    if (!calledElement) {
      calledElement = bpmnFactory.create('zeebe:CalledElement', { propagateAllChildVariables: true });
      calledElement.$parent = extensionElements;
      commands.push({
        cmd: 'element.updateModdleProperties',
        context: { element, moddleElement: extensionElements, properties: { values: [...extensionElements.get('values'), calledElement] } },
      });
    }
    commands.push({ cmd: 'element.updateModdleProperties', context: { element, moddleElement: calledElement, properties: { processId: key } } });
    commandStack.execute('properties-panel.multi-command-executor', commands);
  };

  return h('div', { class: 'stratum-called-process-picker' },
    SelectEntry({
      element, id, label: 'Pick from library', getValue: () => current, setValue, getOptions,
    }));
}
