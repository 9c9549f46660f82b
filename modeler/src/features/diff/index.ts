import WorkspaceModule from '../workspace';
import DiffView from './DiffView';

/** What changed between two versions of a process. */
export default {
  __depends__: [WorkspaceModule],
  diffView: ['type', DiffView],
};
