// The `stratum` command line: a small dispatcher over the subcommands in
// commands/index.ts.
import { EXIT_OK, EXIT_USAGE, type CliIO } from './command.js';
import { commands } from './commands/index.js';
import { stratumVersion } from '../version.js';

async function generalHelp(): Promise<string> {
  const loaded = await Promise.all(commands.map((entry) => entry.load()));
  const width = Math.max(...loaded.map((command) => command.name.length));
  return [
    'Usage: stratum <command> [options]',
    '',
    'Stratum: a versioned, levelled BPMN process library and runtime.',
    '',
    'Commands:',
    ...loaded.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run "stratum <command> --help" for the options of a command,',
    'and "stratum --version" for the version.',
  ].join('\n');
}

/** Runs `stratum <argv…>` and returns the exit code. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    io.err(await generalHelp());
    return EXIT_USAGE;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? commands.find((command) => command.name === rest[0]) : undefined;
    io.out(topic ? (await topic.load()).help : await generalHelp());
    return EXIT_OK;
  }
  if (name === '--version' || name === '-v') {
    io.out(stratumVersion());
    return EXIT_OK;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    io.err(`stratum: unknown command "${name}"`);
    io.err(`Commands: ${commands.map((candidate) => candidate.name).join(', ')}. Run "stratum --help" for more.`);
    return EXIT_USAGE;
  }
  return (await entry.load()).run(rest, io);
}
