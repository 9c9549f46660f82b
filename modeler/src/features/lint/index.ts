import LintingModule from 'bpmn-js-bpmnlint';
import OverlaysModule from 'diagram-js/lib/features/overlays';
import LibraryModule from '../library';
import LintRules from './LintRules';
import DeployFindings from './DeployFindings';

/** Live linting with Stratum's deploy-time rules, and the server's findings on the elements. */
export default {
  __depends__: [LintingModule, OverlaysModule, LibraryModule],
  __init__: ['lintRules', 'deployFindings'],
  lintRules: ['type', LintRules],
  deployFindings: ['type', DeployFindings],
};
