// What the modeler knows about the open document besides its XML; kept apart
// so the draft store and the workspace can both name it.

type DocumentOrigin = 'library' | 'file' | 'new' | 'instance';

export interface DocumentMeta {
  /** The BPMN process id, Stratum's process key. */
  key: string | null;
  name: string | null;
  /** The deployed version this document shows or is based on; null when never deployed. */
  version: number | null;
  latestVersion: number | null;
  readOnly: boolean;
  origin: DocumentOrigin;
  fileName?: string;
  /** Why the document is shown, e.g. "instance 42 of ORD-7". */
  context?: string;
  /** The older version whose diagram this draft restores (History's *Restore as draft*); the deploy note suggests it. */
  restoredFrom?: number;
}

/** What a document is once deployed as `version`: that version, the latest, of a library process, editable. */
export function deployedAs(meta: DocumentMeta, version: number): DocumentMeta {
  const { restoredFrom: _restored, ...deployed } = meta;
  return { ...deployed, version, latestVersion: version, readOnly: false, origin: 'library' };
}
