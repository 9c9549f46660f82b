// `npm start`'s entry point (server/main.ts) as a child process, for the tests
// of workers, routing and shutdown: its log lines (pino JSON) as they come, the
// port it listens on, and its exit code.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanUpAfterEachFile, cleanUpAfterEachTest } from '../../support/cleanup.js';
import { compiledPath } from '../../support/compiled-sources.js';
import { TEST_USERS } from './client.js';
import { DIAGRAMS_DIR, makeDataDir, removeDataDir } from './real-server.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The processes started and data folders made for one test, and those for the tests of a file (`forFile`). */
const ofTest = { started: [] as { child: ChildProcess; detached: boolean }[], dataDirs: [] as string[] };
const ofFile = { started: [] as { child: ChildProcess; detached: boolean }[], dataDirs: [] as string[] };

function cleanUp({ started, dataDirs }: typeof ofTest): void {
  for (const { child, detached } of started.splice(0)) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    try {
      // detached: its whole process group, the workers too
      process.kill(detached ? -child.pid! : child.pid!, 'SIGKILL');
    } catch {
      // gone
    }
  }
  dataDirs.splice(0).forEach(removeDataDir);
}

cleanUpAfterEachTest(() => cleanUp(ofTest));
cleanUpAfterEachFile(() => cleanUp(ofFile));

/** A line of the server's log. */
export interface LogLine {
  msg: string;
  level?: number;
  port?: number;
  [field: string]: unknown;
}

export interface MainProcess {
  child: ChildProcess;
  lines: LogLine[];
  port: number;
  exit: Promise<number | null>;
  /** Resolves with the first log line that `matches` (one already logged too); rejects when the process exits first. */
  line: (matches: (line: LogLine) => boolean) => Promise<LogLine>;
}

/** server/main.ts as a child process, its log lines as they come: what startMain waits on, and a test of a start that never ends. */
export interface LaunchedMain {
  child: ChildProcess;
  lines: LogLine[];
  exit: Promise<number | null>;
  /** Resolves with the first log line that `matches` (one already logged too); rejects when the process exits first. */
  line: (matches: (line: LogLine) => boolean) => Promise<LogLine>;
}

/**
 * Spawns server/main.ts with `env` (and PATH, PORT=0); killed (its group when `detached`) after the test, or with
 * `forFile` after the test file (a server that several tests share, started in a beforeAll).
 */
export function launchMain(env: Record<string, string>, { detached = false, nodeOptions = [] as string[], forFile = false } = {}): LaunchedMain {
  // compiled: under tsx each process of the pool took seconds longer to start (test/support/compiled-sources.ts)
  const child = spawn(process.execPath, [...nodeOptions, compiledPath('server/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached,
  });
  (forFile ? ofFile : ofTest).started.push({ child, detached });
  const lines: LogLine[] = [];
  const watchers: { matches: (line: LogLine) => boolean; resolve: (line: LogLine) => void }[] = [];
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, newline)) as LogLine;
      buffer = buffer.slice(newline + 1);
      lines.push(line);
      for (const watcher of watchers.filter((candidate) => candidate.matches(line))) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(line);
      }
    }
  });
  const line = (matches: (line: LogLine) => boolean) =>
    new Promise<LogLine>((resolve, reject) => {
      const found = lines.find(matches);
      if (found) {
        resolve(found);
        return;
      }
      watchers.push({ matches, resolve });
      void exit.then((code) => reject(new Error(`server exited with ${code}: ${stderr}${JSON.stringify(lines)}`)));
    });
  return { child, lines, exit, line };
}

/**
 * Starts server/main.ts with `env` (and PATH, PORT=0) and resolves once the log line `ready` names a port (the
 * order router's, with several routed workers). `detached`: in a process group of its own, so a test can signal
 * the group as a terminal does.
 */
export async function startMain(env: Record<string, string>, ready = 'stratum server listening', options: { detached?: boolean; nodeOptions?: string[]; forFile?: boolean } = {}): Promise<MainProcess> {
  const { child, lines, exit, line } = launchMain(env, options);
  const { port } = await line((candidate) => candidate.msg === ready && candidate.port !== undefined);
  return { child, lines, port: port!, exit, line };
}

export async function until(condition: () => boolean, intervalMs = 50): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, intervalMs));
}

/** The server processes (workers) the primary has forked now, and no other child of it. */
export function workerPids(primary: number): number[] {
  let children: string;
  try {
    children = readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8').trim();
  } catch {
    return [];
  }
  return children ? children.split(' ').map(Number).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(compiledPath('server/main.ts'));
    } catch {
      return false;
    }
  }) : [];
}

/**
 * `npm start` with two workers on a fresh SQLite folder (removed after the test, or with `forFile` after the file),
 * the test users and the shipped diagrams; routed by order unless `routing` is 'off'; `env` adds to (or overrides)
 * that environment.
 */
export async function startTwoWorkers(
  { routing = 'order', detached = false, env = {}, forFile = false }: { routing?: 'order' | 'off'; detached?: boolean; env?: Record<string, string>; forFile?: boolean } = {},
): Promise<MainProcess> {
  const dataDir = makeDataDir();
  (forFile ? ofFile : ofTest).dataDirs.push(dataDir);
  const usersFile = join(dataDir, 'users.json');
  writeFileSync(usersFile, JSON.stringify(TEST_USERS));
  // routed, the primary's line names the router's port; otherwise the workers' lines name the port they share
  return startMain({
    HOST: '127.0.0.1', STRATUM_DATA: dataDir, STRATUM_USERS: usersFile, STRATUM_DIAGRAMS: DIAGRAMS_DIR,
    STRATUM_WORKERS: '2', STRATUM_ROUTING: routing, STRATUM_DEPLOY_NOTE: 'optional', ...env,
  }, routing === 'order' ? 'stratum workers listening' : 'stratum server listening', { detached, forFile });
}
