import type Session from './features/session/Session';
import type LibraryService from './features/library/LibraryService';
import type Workspace from './features/workspace/Workspace';
import { newProcessXml } from './features/files/ProcessTemplate';

interface StartServices {
  session: Pick<Session, 'start'>;
  library: Pick<LibraryService, 'loadedAtSignIn' | 'processes'>;
  workspace: Pick<Workspace, 'open' | 'openLatest'>;
}

/**
 * The page's start (main.ts): signs in, then opens the first level-1 process of the library (not a retired one: nobody
 * calls it any more, it is no value chain) or, with none deployed,
 * a new one. The library is the one signing in loads (its watch's first look): GET /api/processes once, not again.
 */
export async function start({ session, library, workspace }: StartServices): Promise<void> {
  await session.start();
  await library.loadedAtSignIn();
  const first = library.processes.find((process) => process.level === 1 && !process.retired);
  if (first) {
    await workspace.openLatest(first.key);
  } else {
    await workspace.open(newProcessXml('new-process', 'New process'), {
      key: 'new-process', name: 'New process', version: null, latestVersion: null, readOnly: false, origin: 'new',
    });
  }
}
