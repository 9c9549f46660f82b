import type Dialogs from '../shell/Dialogs';
import type Workspace from './Workspace';

/**
 * Asks before another document replaces a file with unsaved edits, as Camunda
 * Modeler does on closing one: save, don't save, or stay. Library processes and
 * new processes need no question: their edits are kept as drafts.
 */
export default class LeaveGuard {
  static $inject = ['workspace', 'dialogs'];

  private save: (() => Promise<boolean>) | null = null;

  constructor(
    private readonly workspace: Workspace,
    private readonly dialogs: Dialogs,
  ) {}

  /** How the open document is saved; the file actions provide it. */
  setSave(save: () => Promise<boolean>): void {
    this.save = save;
  }

  /** True when the open document may be replaced: nothing unsaved, saved now, or dropped on purpose. */
  async mayLeave(next: string): Promise<boolean> {
    if (!this.workspace.hasUnsavedFile) return true;
    const { fileName, key } = this.workspace.meta;
    const name = fileName ?? `${key ?? 'diagram'}.bpmn`;
    const answer = await this.dialogs.form({
      id: 'unsaved-changes',
      title: `Save the changes to ${name}?`,
      intro: `${name} has edits that are not saved. Opening ${next} replaces it on the canvas.`,
      fields: [],
      submitLabel: 'Save',
      shortcuts: [{ label: 'Don\'t save', values: { choice: 'discard' } }],
    });
    if (!answer) return false;
    if (answer.choice === 'discard') return true;
    return this.save ? this.save() : false;
  }
}
