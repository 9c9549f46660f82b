import ShellModule from '../shell';
import DecisionView from './DecisionView';
import DecisionsPanel from './DecisionsPanel';

/** DMN decisions, read-only: the deployed ones and .dmn files from disk, shown with dmn-js's viewer over the canvas. */
export default {
  __depends__: [ShellModule],
  __init__: ['decisionsPanel'],
  decisionView: ['type', DecisionView],
  decisionsPanel: ['type', DecisionsPanel],
};
