import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import LibraryModule from '../library';
import LintModule from '../lint';
import DeployAction from './DeployAction';

/** Deploying the open process to the library. */
export default {
  __depends__: [ShellModule, WorkspaceModule, LibraryModule, LintModule],
  __init__: ['deployAction'],
  deployAction: ['type', DeployAction],
};
