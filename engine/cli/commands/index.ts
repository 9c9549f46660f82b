// The subcommands of `stratum`, one line each, in the order `stratum --help` lists them.
import type { Command } from '../command.js';
import { validate } from './validate.js';
import { convert } from './convert.js';
import { deploy } from './deploy.js';
import { impact } from './impact.js';
import { backup } from './backup.js';

export const commands: Command[] = [
  validate,
  convert,
  deploy,
  impact,
  backup,
];
