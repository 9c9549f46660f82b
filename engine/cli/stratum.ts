#!/usr/bin/env node
// Entry point of the `stratum` command (package.json "bin").
import { main } from './main.js';

// A reader that stops early (`stratum validate … | head`) closes the pipe: the rest of the output has nobody to
// read it, but the command still runs to its end and exits with its own code.
let stdoutOpen = true;
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_DESTROYED') throw error;
  stdoutOpen = false;
});

const io = {
  out: (line: string) => stdoutOpen && process.stdout.write(`${line}\n`),
  err: (line: string) => process.stderr.write(`${line}\n`),
};

main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`stratum: ${(error as Error)?.stack ?? String(error)}\n`);
    process.exitCode = 70;
  },
);
