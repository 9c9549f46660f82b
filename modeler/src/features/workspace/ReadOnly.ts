import type EventBus from 'diagram-js/lib/core/EventBus';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type { DocumentMeta } from './document-meta';
import { DOCUMENT_OPENED } from './Workspace';
import type StatusLine from '../shell/StatusLine';

const HIGHEST_PRIORITY = 100_000;

/**
 * Older versions and running instances are shown read-only: every rule answers "no",
 * direct editing does not start, palette and context pad are hidden by the container class.
 */
export default class ReadOnly {
  static $inject = ['eventBus', 'canvas', 'directEditing', 'commandStack', 'statusLine'];

  private readOnly = false;

  constructor(
    eventBus: EventBus,
    canvas: Canvas,
    directEditing: { activate(...args: unknown[]): unknown; cancel(): void },
    commandStack: { execute(command: string, context: unknown): unknown },
    statusLine: StatusLine,
  ) {
    eventBus.on(DOCUMENT_OPENED, (event: { meta: DocumentMeta }) => {
      this.readOnly = event.meta.readOnly;
      canvas.getContainer().classList.toggle('stratum-read-only', this.readOnly);
      document.body.classList.toggle('stratum-read-only', this.readOnly);
      if (this.readOnly) directEditing.cancel();
    });

    eventBus.on('commandStack.canExecute', HIGHEST_PRIORITY, () => (this.readOnly ? false : undefined));

    const activate = directEditing.activate.bind(directEditing);
    directEditing.activate = (...args: unknown[]) => (this.readOnly ? false : activate(...args));

    // The properties panel executes commands without asking the rules; refuse them here.
    const execute = commandStack.execute.bind(commandStack);
    commandStack.execute = (command: string, context: unknown) => {
      if (!this.readOnly) return execute(command, context);
      statusLine.show('This version is read-only: open the latest version to edit', 'info');
      return undefined;
    };
  }

  isReadOnly(): boolean {
    return this.readOnly;
  }
}
