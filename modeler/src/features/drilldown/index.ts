import OverlaysModule from 'diagram-js/lib/features/overlays';
import LibraryModule from '../library';
import WorkspaceModule from '../workspace';
import NavigationStack from './NavigationStack';
import DrilldownOverlays from './DrilldownOverlays';
import DrilldownBreadcrumbs from './DrilldownBreadcrumbs';

/** Following call activities into the processes they call, and back. */
export default {
  __depends__: [OverlaysModule, LibraryModule, WorkspaceModule],
  __init__: ['drilldownOverlays', 'drilldownBreadcrumbs'],
  navigationStack: ['type', NavigationStack],
  drilldownOverlays: ['type', DrilldownOverlays],
  drilldownBreadcrumbs: ['type', DrilldownBreadcrumbs],
};
