import LintingModule from 'bpmn-js-bpmnlint';
import OverlaysModule from 'diagram-js/lib/features/overlays';
import LibraryModule from '../library';
import LintRules from './LintRules';
import DeployFindings from './DeployFindings';
import ProblemsPanel from './ProblemsPanel';
import WorkspaceModule from '../workspace';

/** Live linting with Stratum's deploy-time rules, the Problems panel, and the server's findings on the elements. */
export default {
  __depends__: [LintingModule, OverlaysModule, LibraryModule, WorkspaceModule],
  __init__: ['lintRules', 'deployFindings', 'problemsPanel'],
  lintRules: ['type', LintRules],
  deployFindings: ['type', DeployFindings],
  problemsPanel: ['type', ProblemsPanel],
};
