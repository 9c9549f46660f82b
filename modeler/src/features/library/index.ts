import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import LibraryService from './LibraryService';
import LibraryPanel from './LibraryPanel';
import LatestVersionFollower from './LatestVersionFollower';

/** The process library: a tree by level with versions and where-used, and a search box; kept current while others deploy. */
export default {
  __depends__: [ShellModule, WorkspaceModule],
  __init__: ['libraryPanel', 'latestVersionFollower'],
  libraryService: ['type', LibraryService],
  libraryPanel: ['type', LibraryPanel],
  latestVersionFollower: ['type', LatestVersionFollower],
};
