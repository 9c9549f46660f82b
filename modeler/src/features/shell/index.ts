import Toolbar from './Toolbar';
import SidePanel from './SidePanel';
import StatusLine from './StatusLine';
import Dialogs from './Dialogs';
import LayoutToggles from './LayoutToggles';

/** The frame around the canvas: toolbar, side panel, status line and dialogs. */
export default {
  __init__: ['toolbar', 'sidePanel', 'layoutToggles'],
  toolbar: ['type', Toolbar],
  sidePanel: ['type', SidePanel],
  statusLine: ['type', StatusLine],
  dialogs: ['type', Dialogs],
  layoutToggles: ['type', LayoutToggles],
};
