// Holds `npm start`'s server (one alone, STRATUM_WORKERS=1) between its API port opening and its start returning,
// so a test acts there without timing luck: a module preloaded into the server (--import) writes the API port to a
// file once it listens, and holds every worker thread (the management port's among them) before it starts until
// the server's SIGTERM handlers have run.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { until } from './main-process.js';

const PRELOAD = `
import { existsSync, writeFileSync } from 'node:fs';
import { Server } from 'node:net';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';

const dir = process.env.START_WINDOW_DIR;
if (dir && isMainThread) {
  const emit = Server.prototype.emit;
  Server.prototype.emit = function (event, ...args) {
    if (event === 'listening' && !existsSync(join(dir, 'port'))) {
      // added after the server's own handlers, so it runs after them
      process.on('SIGTERM', () => writeFileSync(join(dir, 'released'), ''));
      writeFileSync(join(dir, 'port'), String(this.address().port));
    }
    return emit.call(this, event, ...args);
  };
} else if (dir) {
  while (!existsSync(join(dir, 'released'))) await new Promise((resolve) => setTimeout(resolve, 10));
}
`;

export interface StartWindow {
  /** What launchMain needs: the preload and the folder it works in. */
  env: Record<string, string>;
  nodeOptions: string[];
  /** The API port, once it is open (the start has not returned). */
  port: () => Promise<number>;
}

/** The window in `dir` (a test's own folder). */
export function startWindow(dir: string): StartWindow {
  const preload = join(dir, 'start-window.mjs');
  writeFileSync(preload, PRELOAD);
  const portFile = join(dir, 'port');
  return {
    env: { START_WINDOW_DIR: dir },
    nodeOptions: ['--import', preload],
    port: async () => {
      await until(() => existsSync(portFile) && readFileSync(portFile, 'utf8') !== '');
      return Number(readFileSync(portFile, 'utf8'));
    },
  };
}
