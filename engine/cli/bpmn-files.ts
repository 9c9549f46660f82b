// The .bpmn files a command line names: files as given, folders as the .bpmn
// files in them. Read as bytes; each command decides how to decode them.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

export interface BpmnFileBytes {
  /** The path as the user named it (or folder/name for a file found in a folder). */
  path: string;
  bytes: Uint8Array<ArrayBuffer>;
}

/** Every named file, or one problem line per path that could not be read. */
export async function readBpmnFiles(paths: string[]): Promise<{ files: BpmnFileBytes[]; problems: string[] }> {
  const files: BpmnFileBytes[] = [];
  const problems: string[] = [];
  for (const path of paths) {
    let found: string[];
    try {
      found = (await stat(path)).isDirectory() ? await bpmnFilesIn(path) : [path];
    } catch (error) {
      problems.push(`cannot read "${path}": ${reason(error)}`);
      continue;
    }
    if (found.length === 0) problems.push(`"${path}" contains no .bpmn or .dmn files`);
    for (const file of found) {
      try {
        files.push({ path: file, bytes: new Uint8Array(await readFile(file)) });
      } catch (error) {
        problems.push(`cannot read "${file}": ${reason(error)}`);
      }
    }
  }
  return { files, problems };
}

// helpers

async function bpmnFilesIn(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(bpmn|dmn)$/.test(entry.name))
    .map((entry) => join(folder, entry.name))
    .sort();
}

/** Why a path could not be read, in words (the message for an unexpected error). */
export function reason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return (error as Error).message;
}
