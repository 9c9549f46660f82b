import OverlaysModule from 'diagram-js/lib/features/overlays';
import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import DrilldownModule from '../drilldown';
import InstanceHighlighter from './InstanceHighlighter';
import InstancesPanel from './InstancesPanel';
import WaitingCounts from './WaitingCounts';

/** Running instances on the diagram: an instance's path and waits, and waiting counts per element. */
export default {
  __depends__: [OverlaysModule, ShellModule, WorkspaceModule, DrilldownModule],
  __init__: ['instancesPanel', 'waitingCounts'],
  instanceHighlighter: ['type', InstanceHighlighter],
  instancesPanel: ['type', InstancesPanel],
  waitingCounts: ['type', WaitingCounts],
};
