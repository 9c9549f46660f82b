import type { DocumentMeta } from './document-meta';

const STORAGE_KEY = 'stratum.drafts';

export interface Draft {
  xml: string;
  meta: DocumentMeta;
  savedAt: string;
}

/** Unsaved edits per process key, kept in localStorage so a reload or a crash loses nothing. */
export default class DraftStore {
  static $inject: string[] = [];

  private readonly drafts: Map<string, Draft>;

  constructor() {
    this.drafts = new Map(Object.entries(read()));
  }

  get(key: string): Draft | undefined {
    return this.drafts.get(key);
  }

  has(key: string): boolean {
    return this.drafts.has(key);
  }

  set(key: string, xml: string, meta: DocumentMeta): void {
    this.drafts.set(key, { xml, meta, savedAt: new Date().toISOString() });
    this.persist();
  }

  delete(key: string): void {
    if (this.drafts.delete(key)) this.persist();
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
