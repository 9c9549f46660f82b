import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import LibraryModule from '../library';
import FileActions from './FileActions';

/** Files on disk: new from template, open .bpmn, save .bpmn and .svg. */
export default {
  __depends__: [ShellModule, WorkspaceModule, LibraryModule],
  __init__: ['fileActions'],
  fileActions: ['type', FileActions],
};
