// `stratum backup [--data <folder>] <out.db>`: a consistent copy of the SQLite store while servers write to it,
// through SQLite's online backup API (what the WAL holds included, which a copy of stratum.db alone would lose).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parseCommandLine, usageError, type CliIO, type Command } from '../command.js';

const HELP = `Usage: stratum backup [--data <folder>] <out.db>

Copies the SQLite store <folder>/stratum.db (default: STRATUM_DATA, else
./data) to <out.db> while servers keep running: SQLite's online backup API
copies one consistent state, the commits still in the write-ahead log
(stratum.db-wal) included, and the copy is checked (integrity_check) before
the command says it is done. <out.db> must not exist yet.

To restore: stop every server process, replace <folder>/stratum.db with the
copy, delete <folder>/stratum.db-wal and <folder>/stratum.db-shm, start.
With PostgreSQL (DATABASE_URL) use pg_dump and pg_restore instead. A
DATABASE_URL, or without --data a STRATUM_DATA, set but blank is refused.

Options:
  --data <folder>  the folder of stratum.db (STRATUM_DATA)
  --help, -h       show this help

Exit status: 0 copied and checked, 1 the copy failed its check, 2 the store
could not be read or the copy could not be written, or the command line is
wrong.`;

/** What to do about a setting set but blank; the server's configuration says the same. */
const BLANK_HINTS = {
  DATABASE_URL: 'name a postgres:// URL (then back up with pg_dump), or leave it unset to copy the SQLite file in STRATUM_DATA',
  STRATUM_DATA: 'name the folder of stratum.db, or leave it unset for ./data',
} as const;

export const backup: Command = {
  name: 'backup',
  summary: 'copy the SQLite store while servers run (online backup, checked)',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(this, args, { data: { type: 'string' } } as const, io);
    if ('exit' in parsed) return parsed.exit;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) {
      return usageError(this, positionals.length ? `one output file only (got ${positionals.join(', ')})` : 'name the file to write the copy to', io).exit;
    }
    const [output] = positionals;
    // a setting set but blank is a mistake, as the server says, not a request for the defaults (the SQLite file in ./data)
    const blank = blankSetting(process.env, values.data === undefined ? ['DATABASE_URL', 'STRATUM_DATA'] : ['DATABASE_URL']);
    if (blank) {
      io.err(`stratum backup: ${blank} is set but blank: ${BLANK_HINTS[blank]}`);
      return EXIT_USAGE;
    }
    if (process.env.DATABASE_URL !== undefined && values.data === undefined) {
      io.err('stratum backup: DATABASE_URL names a PostgreSQL store; back it up with pg_dump (this command copies the SQLite file)');
      return EXIT_USAGE;
    }
    const source = join(values.data ?? process.env.STRATUM_DATA ?? './data', 'stratum.db');
    if (existsSync(output)) {
      io.err(`stratum backup: ${output} exists; name a new file (a backup never overwrites one)`);
      return EXIT_USAGE;
    }
    if (!existsSync(dirname(output))) {
      io.err(`stratum backup: ${output}: the folder ${dirname(output)} does not exist`);
      return EXIT_USAGE;
    }

    let db: Database.Database;
    try {
      // fileMustExist: a mistyped folder is reported, never answered with an empty new database
      db = new Database(source, { fileMustExist: true });
    } catch (error) {
      io.err(`stratum backup: ${source}: cannot open (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return EXIT_USAGE;
    }
    try {
      // WAL readers do not wait for writers; the timeout covers a server's start that switches the file to WAL
      db.pragma('busy_timeout = 5000');
      await db.backup(output);
    } catch (error) {
      io.err(`stratum backup: ${source} → ${output}: ${(error as Error).message}`);
      return EXIT_USAGE;
    } finally {
      db.close();
    }

    // The copy comes in the source's WAL mode; read so, it kept an empty -wal and -shm beside it. A rollback journal
    // makes it one file (a server that opens it switches it back to WAL).
    const copy = new Database(output, { fileMustExist: true });
    try {
      copy.pragma('journal_mode = DELETE');
      const integrity = copy.pragma('integrity_check', { simple: true });
      if (integrity !== 'ok') {
        io.err(`stratum backup: ${output}: the copy fails SQLite's integrity check (${String(integrity)})`);
        return EXIT_FINDINGS;
      }
      const version = copy.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").get()
        ? (copy.prepare('SELECT max(version) AS version FROM schema_version').get() as { version: number | null }).version ?? 0
        : 0;
      io.out(`${source} → ${output}: schema version ${version}, integrity ok`);
      return EXIT_OK;
    } finally {
      copy.close();
    }
  },
};

// helpers

/** The first of `names` that is set but empty or only whitespace. */
function blankSetting(env: NodeJS.ProcessEnv, names: (keyof typeof BLANK_HINTS)[]): keyof typeof BLANK_HINTS | undefined {
  return names.find((name) => env[name] !== undefined && env[name].trim() === '');
}
