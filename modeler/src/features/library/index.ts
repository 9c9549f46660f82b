import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import LibraryService from './LibraryService';
import LibraryPanel from './LibraryPanel';

/** The process library: a tree by level with versions and where-used, and a search box. */
export default {
  __depends__: [ShellModule, WorkspaceModule],
  __init__: ['libraryPanel'],
  libraryService: ['type', LibraryService],
  libraryPanel: ['type', LibraryPanel],
};
