// A `stratum` subcommand: a name, one line for `stratum --help`, its own help
// text, and `run`, which returns the exit code. Output goes through `io`, so
// tests and other hosts can capture it.

export interface CliIO {
  /** One line to standard output. */
  out(line: string): void;
  /** One line to standard error. */
  err(line: string): void;
}

export interface Command {
  name: string;
  /** One line, shown in `stratum --help`. */
  summary: string;
  /** The full text of `stratum <name> --help`. */
  help: string;
  run(args: string[], io: CliIO): Promise<number>;
}

/** Exit codes: 0 fine, 1 the input has errors, 2 the command could not do its job (usage, unreadable file). */
export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_USAGE = 2;
