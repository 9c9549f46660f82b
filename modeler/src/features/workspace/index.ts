import ShellModule from '../shell';
import Workspace from './Workspace';
import ReadOnly from './ReadOnly';
import DocumentTitle from './DocumentTitle';
import DraftStore from './DraftStore';
import RevertAction from './RevertAction';
import LeaveGuard from './LeaveGuard';
import OpenDocumentMemory from './OpenDocumentMemory';

/** The open document: what it is, its drafts, and whether it may be edited. */
export default {
  __depends__: [ShellModule],
  __init__: ['workspace', 'readOnly', 'documentTitle', 'revertAction', 'openDocumentMemory'],
  workspace: ['type', Workspace],
  readOnly: ['type', ReadOnly],
  documentTitle: ['type', DocumentTitle],
  draftStore: ['type', DraftStore],
  revertAction: ['type', RevertAction],
  leaveGuard: ['type', LeaveGuard],
  openDocumentMemory: ['type', OpenDocumentMemory],
};
