import type { DocumentMeta } from '../workspace/document-meta';

/**
 * The latest version the open document should name (`v1 of 2`) now that the library lists `deployedLatest` for its
 * process, or null when it names the right one already. Only a document of a deployed version follows (a new process
 * names none), and only upwards: versions never go back, so a look answered before the document was opened (with the
 * server's own latest) cannot lower it. A file's title names the file, not a version.
 */
export function raisedLatestVersion(meta: Pick<DocumentMeta, 'version' | 'latestVersion' | 'origin'>, deployedLatest: number | undefined): number | null {
  if (meta.version === null || meta.origin === 'file' || deployedLatest === undefined) return null;
  return meta.latestVersion === null || deployedLatest > meta.latestVersion ? deployedLatest : null;
}
