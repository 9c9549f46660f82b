import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import DiffModule from '../diff';
import LibraryModule from '../library';
import HistoryPanel from './HistoryPanel';

/** The version history of the open process. */
export default {
  __depends__: [ShellModule, WorkspaceModule, DiffModule, LibraryModule],
  __init__: ['historyPanel'],
  historyPanel: ['type', HistoryPanel],
};
