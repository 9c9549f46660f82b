// The `stratum` command line: a small dispatcher over the subcommands in
// commands/index.ts.
import { EXIT_OK, EXIT_USAGE, type CliIO } from './command.js';
import { commands } from './commands/index.js';
import { stratumVersion } from '../version.js';

function generalHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    'Usage: stratum <command> [options]',
    '',
    'Stratum: a versioned, levelled BPMN process library and runtime.',
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run "stratum <command> --help" for the options of a command,',
    'and "stratum --version" for the version.',
  ].join('\n');
}

/** Runs `stratum <argv…>` and returns the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(generalHelp());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((command) => command.name === rest[0]) : undefined;
    io.out(topic ? topic.help : generalHelp());
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.out(stratumVersion());
    return EXIT_OK;
  }
  const command = commands.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`stratum: unknown command "${name}"`);
    io.err(`Commands: ${commands.map((candidate) => candidate.name).join(', ')}. Run "stratum --help" for more.`);
    return EXIT_USAGE;
  }
  return command.run(rest, io);
}
