// The subcommands of `stratum`, one line each, in the order `stratum --help` lists them. Each is loaded when asked
// for: a command imports only its own modules (convert needs no linter, backup no BPMN parser), where importing
// them all took most of a short command's start (0.45 s CPU for `stratum convert`, 0.16 s of it convert's own).
import type { Command } from '../command.js';

export interface CommandEntry {
  name: string;
  load(): Promise<Command>;
}

export const commands: CommandEntry[] = [
  { name: 'validate', load: async () => (await import('./validate.js')).validate },
  { name: 'convert', load: async () => (await import('./convert.js')).convert },
  { name: 'deploy', load: async () => (await import('./deploy.js')).deploy },
  { name: 'impact', load: async () => (await import('./impact.js')).impact },
  { name: 'backup', load: async () => (await import('./backup.js')).backup },
];
