import type Session from './features/session/Session';
import type LibraryService from './features/library/LibraryService';
import type Workspace from './features/workspace/Workspace';
import type OpenDocumentMemory from './features/workspace/OpenDocumentMemory';
import { newProcessXml } from './features/files/ProcessTemplate';

interface StartServices {
  session: Pick<Session, 'start'>;
  library: Pick<LibraryService, 'loadedAtSignIn' | 'processes'>;
  workspace: Pick<Workspace, 'open' | 'openLatest' | 'hasDraft'>;
  /** The process this tab had open before a reload (OpenDocumentMemory), if any. */
  reopen?: Pick<OpenDocumentMemory, 'recall'>;
}

/**
 * The page's start (main.ts): signs in, then opens the process (or draft) this tab had open before a reload, else the
 * first level-1 process of the library (not a retired one: nobody calls it any more, it is no value chain) or, with
 * none deployed, a new one. The library is the one signing in loads (its watch's first look): GET /api/processes
 * once, not again.
 */
export async function start({ session, library, workspace, reopen }: StartServices): Promise<void> {
  await session.start();
  await library.loadedAtSignIn();
  const remembered = reopen?.recall();
  if (remembered && (workspace.hasDraft(remembered) || library.processes.some((process) => process.key === remembered))) {
    try {
      await workspace.openLatest(remembered);
      return;
    } catch {
      // it could not be read again (removed since, the server refused): the page starts as it would without it
    }
  }
  const first = library.processes.find((process) => process.level === 1 && !process.retired);
  if (first) {
    await workspace.openLatest(first.key);
  } else {
    await workspace.open(newProcessXml('new-process', 'New process'), {
      key: 'new-process', name: 'New process', version: null, latestVersion: null, readOnly: false, origin: 'new',
    });
  }
}
