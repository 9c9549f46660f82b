import { TextFieldEntry } from '@bpmn-io/properties-panel';
import { useCallback } from '@bpmn-io/properties-panel/preact/hooks';
import { useService } from 'bpmn-js-properties-panel';
import type CommandStack from 'diagram-js/lib/command/CommandStack';
import type DiagramIds from '../workspace/DiagramIds';
import { idError, type Identified } from './id-error';

interface Shape {
  businessObject: Identified & { processRef?: Identified };
}

/**
 * The properties panel's id fields (an element's ID, a pool's Process ID) by the file's ids. The canvas holds
 * moddle's ASCII alias of an id it refuses (`Pr_x00FC_fen`, engine/interop/id-aliases.ts); the field shows and
 * takes the file's `Prüfen`, and an id in any script that is an XML name (xsd:ID), as the file may hold it.
 */
export function ElementIdField(props: { element: Shape; id: string }) {
  const { element, id } = props;
  const commandStack = useService<CommandStack>('commandStack');
  return FileIdField({
    element, id, owner: element.businessObject,
    label: element.businessObject.$type === 'bpmn:Participant' ? 'Participant ID' : 'ID',
    // as Zeebe's own field says it
    description: element.businessObject.$type === 'bpmn:Process' ? 'This maps to the process definition key.' : undefined,
    write: (canvasId) => commandStack.execute('element.updateProperties', { element, properties: { id: canvasId } }),
  });
}

/** A pool's Process ID: the id of the process it shows. */
export function PoolProcessIdField(props: { element: Shape; id: string }) {
  const { element, id } = props;
  const commandStack = useService<CommandStack>('commandStack');
  const process = element.businessObject.processRef!;
  return FileIdField({
    element, id, owner: process, label: 'Process ID',
    write: (canvasId) => commandStack.execute('element.updateModdleProperties', { element, moddleElement: process, properties: { id: canvasId } }),
  });
}

interface FileIdFieldProps {
  element: Shape;
  id: string;
  /** The moddle element whose id is shown. */
  owner: Identified;
  label: string;
  description?: string;
  write: (canvasId: string) => void;
}

function FileIdField({ element, id, owner, label, description, write }: FileIdFieldProps) {
  const diagramIds = useService<DiagramIds>('diagramIds');
  const debounce = useService<(fn: unknown) => unknown>('debounceInput');
  // the same function from render to render: the entry validates again whenever it changes, which would clear an error
  const validate = useCallback((value: string) => idError(owner, value, diagramIds.canvasIdOf(value)), [owner, diagramIds]);
  return TextFieldEntry({
    element, id, label, description, debounce, validate,
    getValue: () => diagramIds.fileIdOf(owner.id),
    // an id of the file keeps its alias; a new one is written as typed
    setValue: (value: string, error?: string) => {
      const canvasId = diagramIds.canvasIdOf(value);
      if (!error && canvasId !== owner.id) write(canvasId);
    },
  });
}
