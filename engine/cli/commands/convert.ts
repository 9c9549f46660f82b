// `stratum convert <in.bpmn> [-o out.bpmn] [--check]`: opens a .bpmn file
// and saves it again the way the modeler does (UTF-8, nothing lost).
import { readFile, writeFile } from 'node:fs/promises';
import { compareBpmn, formatDifferences } from '../../interop/compare.js';
import { exportBpmn, importBpmn } from '../../interop/pipeline.js';
import { EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, parseCommandLine, usageError, type CliIO, type Command } from '../command.js';

const HELP = `Usage: stratum convert <in.bpmn> [-o out.bpmn] [--check]

Reads a BPMN 2.0 file written by any tool (its declared encoding, e.g.
ISO-8859-1 or windows-1252, is honoured) and writes it the way the Stratum
modeler saves it: UTF-8, with every element, attribute, reference, vendor
extension, diagram, comment and namespace declaration kept as written.
Writes to standard output unless -o is given.

Options:
  --output, -o <file>  write the result to <file>
  --check              compare the result with the input and print what
                       changed (exit 1 when anything was lost)
  --help, -h           show this help

Exit status: 0 converted, 1 the input is not well-formed XML, not in the
encoding it declares, or not BPMN 2.0 (or --check found a loss), 2 a file
could not be read or written or the command line is wrong.`;

export const convert: Command = {
  name: 'convert',
  summary: 'open and save a .bpmn file from another tool as Stratum does (lossless, UTF-8)',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandLine(this, args, { output: { type: 'string', short: 'o' }, check: { type: 'boolean' } } as const, io);
    if ('exit' in parsed) return parsed.exit;
    const { values, positionals } = parsed;
    if (positionals.length !== 1) {
      const problem = positionals.length ? `one input file only (got ${positionals.join(', ')})` : 'name the .bpmn file to convert';
      return usageError(this, problem, io).exit;
    }
    const [input] = positionals;

    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await readFile(input));
    } catch (error) {
      io.err(`stratum convert: ${input}: cannot read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return EXIT_USAGE;
    }

    let converted: string;
    try {
      const document = await importBpmn(bytes);
      // a file that is not BPMN (a DMN model, an old draft namespace) would be copied unchanged: say so instead
      if (!document.definitions) {
        io.err(`${input}: ${document.unreadable ?? 'not a BPMN 2.0 file'}`);
        return EXIT_FINDINGS;
      }
      converted = await exportBpmn(document);
    } catch (error) {
      io.err(`${input}: ${(error as Error).message}`);
      return EXIT_FINDINGS;
    }

    let code = EXIT_OK;
    if (values.check) {
      const differences = compareBpmn(bytes, converted);
      for (const line of formatDifferences(differences).split('\n').filter(Boolean)) io.err(`${input}: ${line}`);
      if (differences.some((difference) => difference.severity === 'loss')) code = EXIT_FINDINGS;
    }

    if (values.output) {
      try {
        await writeFile(values.output, converted, 'utf8');
      } catch (error) {
        io.err(`stratum convert: ${values.output}: cannot write (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
        return EXIT_USAGE;
      }
    } else {
      // io.out ends every line with a newline
      io.out(converted.endsWith('\n') ? converted.slice(0, -1) : converted);
    }
    return code;
  },
};
