import { parseArgs, type ParseArgsConfig } from 'node:util';
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

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * Parses a subcommand's arguments with node:util parseArgs, answering `--help`
 * and refusing unknown options the same way for every command. Returns the
 * exit code instead when the command should stop there.
 */
export function parseCommandLine<O extends OptionsConfig>(
  command: Pick<Command, 'name' | 'help'>,
  args: string[],
  options: O,
  io: CliIO,
): { values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: true }>>['values']; positionals: string[] } | { exit: number } {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' }, ...options } });
  } catch (error) {
    return usageError(command, (error as Error).message, io);
  }
  if ((parsed.values as { help?: boolean }).help) {
    io.out(command.help);
    return { exit: EXIT_OK };
  }
  return { values: parsed.values, positionals: parsed.positionals };
}

/** Prints a usage problem and where to find help; the exit code for it. */
export function usageError(command: Pick<Command, 'name'>, message: string, io: CliIO): { exit: number } {
  io.err(`stratum ${command.name}: ${message}`);
  io.err(`Run "stratum ${command.name} --help" for usage.`);
  return { exit: EXIT_USAGE };
}
