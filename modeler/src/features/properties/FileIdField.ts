import { TextFieldEntry } from '@bpmn-io/properties-panel';
import { cloneElement, type VNode } from '@bpmn-io/properties-panel/preact';
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

type EntryComponent = (props: { element: unknown; id: string }) => VNode | null;

/** What an entry of the properties panel hands the field it renders, as far as the wrapper below reads it. */
interface ValueProps {
  getValue?: (...args: unknown[]) => unknown;
  setValue?: (value: unknown, ...rest: unknown[]) => unknown;
}

const withFileIds = new WeakMap<EntryComponent, EntryComponent>();

/**
 * The panel's own entry for a field that names a process (a call activity's Process ID, zeebe:CalledElement
 * processId), showing and taking the file's id where the canvas holds moddle's alias: `確認_1` for a process of the
 * same file, read and written as `_x78BA__x8A8D__1`. The entry is the panel's, rendered as it builds it, so its FEEL
 * toggle and variable suggestions stay; only the value it reads and writes is translated. One wrapper per entry
 * component: a new component on every render of the panel would mount the field anew and take the cursor out of it.
 */
export function withFileIdValue(Entry: EntryComponent): EntryComponent {
  let wrapped = withFileIds.get(Entry);
  if (!wrapped) {
    wrapped = function FileIdValueEntry(props) {
      const diagramIds = useService<DiagramIds>('diagramIds');
      // called, not rendered: its hooks are this component's, and its answer is the field with getValue and setValue
      const field = Entry(props);
      const { getValue, setValue } = (field?.props ?? {}) as ValueProps;
      if (!field || typeof getValue !== 'function' || typeof setValue !== 'function') return field;
      return cloneElement(field, {
        getValue: (...args: unknown[]) => {
          const value = getValue(...args);
          return typeof value === 'string' ? diagramIds.fileIdOf(value) : value;
        },
        setValue: (value: unknown, ...rest: unknown[]) => setValue(typeof value === 'string' ? diagramIds.canvasIdOf(value) : value, ...rest),
      });
    };
    withFileIds.set(Entry, wrapped);
  }
  return wrapped;
}
