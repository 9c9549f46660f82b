// How many frames a SQLite WAL holds, from the size of `<db>-wal`: a stat, with
// no query and no file opened. (Opening and closing the WAL or its index here
// would drop the POSIX locks SQLite's connections of this process hold on it:
// closing any descriptor of a file releases all of the process's locks on it.)
// The size counts the frames since the WAL last started over because the store
// sets journal_size_limit = 0: the first commit after a restart cuts the file
// to what it writes (wal-checkpointer.ts). Layout: https://www.sqlite.org/fileformat.html
import { statSync } from 'node:fs';

const WAL_HEADER_BYTES = 32;
const FRAME_HEADER_BYTES = 24;

/** Frames in the WAL of the database at `databasePath` (0 when there is none). */
export function walFrames(databasePath: string, pageSize: number): number {
  const size = statSync(`${databasePath}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  return Math.max(0, Math.floor((size - WAL_HEADER_BYTES) / (pageSize + FRAME_HEADER_BYTES)));
}
