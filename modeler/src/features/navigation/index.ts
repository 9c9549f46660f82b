import MinimapModule from 'diagram-js-minimap';
import WorkspaceModule from '../workspace';
import NavigationControls from './NavigationControls';
import NewElementsInView from './NewElementsInView';
import ShortcutHelp from './ShortcutHelp';

/** Finding one's way on the canvas: zoom buttons, fit and reset, the minimap, the shortcut help, new shapes brought into view. */
export default {
  __depends__: [MinimapModule, WorkspaceModule],
  __init__: ['navigationControls', 'shortcutHelp', 'newElementsInView'],
  navigationControls: ['type', NavigationControls],
  shortcutHelp: ['type', ShortcutHelp],
  newElementsInView: ['type', NewElementsInView],
};
