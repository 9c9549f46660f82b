#!/usr/bin/env node
// Entry point of the `stratum` command (package.json "bin").
import { main } from './main.js';

const io = {
  out: (line: string) => process.stdout.write(`${line}\n`),
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
