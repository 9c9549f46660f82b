import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import DiffModule from '../diff';
import LibraryModule from '../library';
import HistoryPanel from './HistoryPanel';
import RestoreVersion from './RestoreVersion';

/** The version history of the open process, and restoring an older version as a draft. */
export default {
  __depends__: [ShellModule, WorkspaceModule, DiffModule, LibraryModule],
  __init__: ['historyPanel'],
  historyPanel: ['type', HistoryPanel],
  restoreVersion: ['type', RestoreVersion],
};
