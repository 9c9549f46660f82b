import type EventBus from 'diagram-js/lib/core/EventBus';
import type Workspace from '../workspace/Workspace';
import type LibraryService from './LibraryService';
import { LIBRARY_CHANGED } from './LibraryService';
import { raisedLatestVersion } from './latest-version';

/**
 * The open document's title names the latest version of its process (`v1 (latest)`, `v1 of 2`); when the library
 * finds a newer one (deployed by another designer or a CI pipeline), the title follows without a reload.
 */
export default class LatestVersionFollower {
  static $inject = ['eventBus', 'libraryService', 'workspace'];

  constructor(eventBus: EventBus, library: LibraryService, workspace: Workspace) {
    eventBus.on(LIBRARY_CHANGED, () => {
      const { key } = workspace.meta;
      const latest = raisedLatestVersion(workspace.meta, key ? library.get(key)?.latestVersion : undefined);
      if (latest !== null) workspace.noteLatestVersion(latest);
    });
  }
}
