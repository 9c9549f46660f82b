import type EventBus from 'diagram-js/lib/core/EventBus';
import type { DocumentMeta } from './document-meta';

const STORAGE_KEY = 'stratum.drafts';

/** Fired with `{ key }` whenever a draft is kept or dropped. */
export const DRAFTS_CHANGED = 'stratum.drafts.changed';

export interface Draft {
  xml: string;
  meta: DocumentMeta;
  savedAt: string;
  /** The processes its call activities name (absent in drafts kept before this was recorded). */
  calls?: string[];
}

/**
 * Drafts per process key, kept in localStorage so a reload or a crash loses nothing:
 * the unsaved edits of a library process, and new processes not deployed yet.
 */
export default class DraftStore {
  static $inject = ['eventBus'];

  private readonly drafts: Map<string, Draft>;

  constructor(private readonly eventBus: EventBus) {
    this.drafts = new Map(Object.entries(read()));
  }

  get(key: string): Draft | undefined {
    return this.drafts.get(key);
  }

  has(key: string): boolean {
    return this.drafts.has(key);
  }

  all(): [string, Draft][] {
    return [...this.drafts];
  }

  set(key: string, xml: string, meta: DocumentMeta, calls: string[]): void {
    this.drafts.set(key, { xml, meta, calls, savedAt: new Date().toISOString() });
    this.persist();
    this.eventBus.fire(DRAFTS_CHANGED, { key });
  }

  delete(key: string): void {
    if (!this.drafts.delete(key)) return;
    this.persist();
    this.eventBus.fire(DRAFTS_CHANGED, { key });
  }

  private persist(): void {
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(Object.fromEntries(this.drafts)));
    } catch {
      // storage full or disabled: the drafts stay in memory for this session
    }
  }
}

// helpers

function read(): Record<string, Draft> {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, Draft>) : {};
  } catch {
    return {};
  }
}
