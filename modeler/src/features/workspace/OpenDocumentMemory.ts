import type EventBus from 'diagram-js/lib/core/EventBus';
import type { DocumentMeta } from './document-meta';
import { DOCUMENT_DEPLOYED, DOCUMENT_OPENED, type DocumentOpened } from './Workspace';

const STORAGE_KEY = 'stratum.openProcess';

/**
 * Which library process (or draft) this browser tab has open, so a reload opens it again rather than the library's
 * first process (start.ts). Kept in sessionStorage: per tab, as Camunda Modeler restores each window's tabs, so two
 * tabs on two processes each come back to their own; the draft's edits themselves are in the DraftStore.
 */
export default class OpenDocumentMemory {
  static $inject = ['eventBus'];

  constructor(eventBus: EventBus) {
    eventBus.on([DOCUMENT_OPENED, DOCUMENT_DEPLOYED], (event: DocumentOpened) => this.remember(event.meta));
  }

  /** The process key to open at the page's start, if this tab had one open. */
  recall(): string | null {
    try {
      return sessionStorage.getItem(STORAGE_KEY);
    } catch {
      return null; // storage refused (private mode, a sandboxed frame): start as before
    }
  }

  private remember(meta: DocumentMeta): void {
    const key = processToReopen(meta);
    try {
      if (key) sessionStorage.setItem(STORAGE_KEY, key);
      else sessionStorage.removeItem(STORAGE_KEY);
    } catch {
      // not kept: a reload opens the first process
    }
  }
}

/**
 * The process a reload opens for an open document: a library process, a new process's draft, and the process of an
 * older version or an instance shown (its latest version, or the draft of it, opens). A file from disk lives nowhere
 * the page could read it again: nothing.
 */
export function processToReopen(meta: DocumentMeta): string | null {
  if (!meta.key || meta.origin === 'file') return null;
  return meta.key;
}
