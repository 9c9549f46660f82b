import ShellModule from '../shell';
import Workspace from './Workspace';
import ReadOnly from './ReadOnly';
import DocumentTitle from './DocumentTitle';
import DraftStore from './DraftStore';
import RevertAction from './RevertAction';
import LeaveGuard from './LeaveGuard';
import OpenDocumentMemory from './OpenDocumentMemory';
import DiagramIds from './DiagramIds';

/** The open document: what it is, its drafts, and whether it may be edited. */
export default {
  __depends__: [ShellModule],
  __init__: ['diagramIds', 'workspace', 'readOnly', 'documentTitle', 'revertAction', 'openDocumentMemory'],
  workspace: ['type', Workspace],
  readOnly: ['type', ReadOnly],
  documentTitle: ['type', DocumentTitle],
  draftStore: ['type', DraftStore],
  revertAction: ['type', RevertAction],
  leaveGuard: ['type', LeaveGuard],
  openDocumentMemory: ['type', OpenDocumentMemory],
  diagramIds: ['type', DiagramIds],
};
