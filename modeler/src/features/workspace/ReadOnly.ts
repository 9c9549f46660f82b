import type EventBus from 'diagram-js/lib/core/EventBus';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type CommandStack from 'diagram-js/lib/command/CommandStack';
import type { DocumentMeta } from './document-meta';
import { DOCUMENT_OPENED } from './Workspace';
import type StatusLine from '../shell/StatusLine';
import type { StratumConfig } from '../../config';

const HIGHEST_PRIORITY = 100_000;

/**
 * Older versions, diffs and running instances are shown read-only, and look it: every rule
 * answers "no", direct editing does not start, palette and context pad are hidden by the
 * container class, and the properties panel's fields sit in a disabled fieldset. Only public
 * services and events are used: the rules' `commandStack.canExecute`, `element.dblclick`,
 * `directEditing.activate` and, as a last guard for a command that skipped the rules, undo.
 */
export default class ReadOnly {
  static $inject = ['eventBus', 'canvas', 'directEditing', 'commandStack', 'statusLine', 'config.stratum'];

  private readOnly = false;

  constructor(
    eventBus: EventBus,
    canvas: Canvas,
    directEditing: { cancel(): void },
    commandStack: CommandStack,
    statusLine: StatusLine,
    config: StratumConfig,
  ) {
    const fieldset = config.properties.closest('fieldset');
    eventBus.on(DOCUMENT_OPENED, (event: { meta: DocumentMeta }) => {
      this.readOnly = event.meta.readOnly;
      canvas.getContainer().classList.toggle('stratum-read-only', this.readOnly);
      document.body.classList.toggle('stratum-read-only', this.readOnly);
      if (fieldset) fieldset.disabled = this.readOnly;
      if (this.readOnly) directEditing.cancel();
    });

    eventBus.on('commandStack.canExecute', HIGHEST_PRIORITY, () => (this.readOnly ? false : undefined));
    // double click starts label editing (which asks no rule)
    eventBus.on('element.dblclick', HIGHEST_PRIORITY, () => (this.readOnly ? false : undefined));
    eventBus.on('directEditing.activate', () => {
      if (this.readOnly) directEditing.cancel();
    });

    // The properties panel executes commands without asking the rules; its fields are disabled,
    // and a command that still gets through is taken back at once.
    eventBus.on('commandStack.changed', () => {
      if (!this.readOnly || !commandStack.canUndo()) return;
      commandStack.undo();
      commandStack.clear();
      statusLine.show('This version is read-only: open the latest version to edit', 'info');
    });
  }

  isReadOnly(): boolean {
    return this.readOnly;
  }
}
