import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import LibraryModule from '../library';
import LintModule from '../lint';
import InstancesModule from '../instances';
import DecisionsModule from '../decisions';
import DeployAction from './DeployAction';
import ImpactPreview from './ImpactPreview';
import DeployPlan from './DeployPlan';

/** Deploying the open process, with the drafts and .dmn files that go with it, to the library. */
export default {
  __depends__: [ShellModule, WorkspaceModule, LibraryModule, LintModule, InstancesModule, DecisionsModule],
  __init__: ['deployAction'],
  deployAction: ['type', DeployAction],
  impactPreview: ['type', ImpactPreview],
  deployPlan: ['type', DeployPlan],
};
