import type { DeployResponse } from '../../api/client.js';
import { deployedAs, type DocumentMeta } from '../workspace/document-meta.js';

/** What the stack keeps of a parent (Workspace's DocumentSnapshot) that a deployment may change. */
interface KeptDocument {
  meta: DocumentMeta;
  dirty: boolean;
}

/**
 * The navigation stack after a deployment from a called process. A parent deployed with it (ticked under *Deploy
 * together*) is its draft, and the draft is what went: going back opens it as that version, clean. Any other parent
 * stays as it was kept, its unsaved edits included. A parent that was no draft (clean, read-only, a file from disk)
 * is not what a deployment of its key carried, so it stays too.
 */
export function afterDeployment<Entry extends KeptDocument>(entries: Entry[], deployed: DeployResponse['deployed']): Entry[] {
  return entries.map((entry) => {
    const version = wasDraft(entry) ? deployed.find((process) => process.key === entry.meta.key)?.version : undefined;
    return version === undefined ? entry : { ...entry, meta: deployedAs(entry.meta, version), dirty: false };
  });
}

// helpers

/** The entry's XML is the draft of its process (Workspace keeps drafts of library and new processes). */
function wasDraft({ meta, dirty }: KeptDocument): boolean {
  return dirty && !meta.readOnly && (meta.origin === 'library' || meta.origin === 'new');
}
