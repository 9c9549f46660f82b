import ShellModule from '../shell';
import Workspace from './Workspace';
import ReadOnly from './ReadOnly';
import DocumentTitle from './DocumentTitle';

/** The open document: what it is, its drafts, and whether it may be edited. */
export default {
  __depends__: [ShellModule],
  __init__: ['workspace', 'readOnly', 'documentTitle'],
  workspace: ['type', Workspace],
  readOnly: ['type', ReadOnly],
  documentTitle: ['type', DocumentTitle],
};
