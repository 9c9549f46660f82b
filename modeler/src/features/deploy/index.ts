import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import LibraryModule from '../library';
import LintModule from '../lint';
import InstancesModule from '../instances';
import DeployAction from './DeployAction';
import ImpactPreview from './ImpactPreview';

/** Deploying the open process to the library. */
export default {
  __depends__: [ShellModule, WorkspaceModule, LibraryModule, LintModule, InstancesModule],
  __init__: ['deployAction'],
  deployAction: ['type', DeployAction],
  impactPreview: ['type', ImpactPreview],
};
