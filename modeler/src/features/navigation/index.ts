import MinimapModule from 'diagram-js-minimap';
import WorkspaceModule from '../workspace';
import NavigationControls from './NavigationControls';
import ShortcutHelp from './ShortcutHelp';

/** Finding one's way on the canvas: zoom buttons, fit and reset, the minimap and the shortcut help. */
export default {
  __depends__: [MinimapModule, WorkspaceModule],
  __init__: ['navigationControls', 'shortcutHelp'],
  navigationControls: ['type', NavigationControls],
  shortcutHelp: ['type', ShortcutHelp],
};
