import ShellModule from '../shell';
import DecisionView from './DecisionView';
import DecisionsPanel from './DecisionsPanel';
import DmnFiles from './DmnFiles';

/**
 * DMN decisions, read-only: the deployed ones and .dmn files from disk, shown with dmn-js's
 * viewer over the canvas; the files from disk can go with the next deployment (DmnFiles).
 */
export default {
  __depends__: [ShellModule],
  __init__: ['decisionsPanel'],
  decisionView: ['type', DecisionView],
  decisionsPanel: ['type', DecisionsPanel],
  dmnFiles: ['type', DmnFiles],
};
