import type Toolbar from '../shell/Toolbar';
import type StatusLine from '../shell/StatusLine';
import type Workspace from './Workspace';

/** Drops the unsaved edits of a library process and shows its latest deployed version again. */
export default class RevertAction {
  static $inject = ['toolbar', 'workspace', 'statusLine'];

  constructor(toolbar: Toolbar, workspace: Workspace, statusLine: StatusLine) {
    toolbar.addButton({
      id: 'revert', group: 'library', label: 'Revert', title: 'Drop the unsaved edits and reload the latest deployed version',
      isEnabled: () => workspace.dirty && !workspace.meta.readOnly && workspace.meta.latestVersion !== null,
      action: async () => {
        const key = workspace.meta.key;
        try {
          await workspace.discardDraft();
          statusLine.show(`Reverted ${key} to its latest deployed version`, 'success');
        } catch (error) {
          statusLine.error(error, `Reverting ${key}`);
        }
      },
    });
  }
}
