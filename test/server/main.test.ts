// `npm start`'s entry point as a process: configuration from the environment,
// diagrams deployed at start, graceful shutdown on SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { TEST_USERS, TOKENS } from './support/client.js';
import { DIAGRAMS_DIR, makeDataDir, removeDataDir } from './support/real-server.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  dirs.splice(0).forEach(removeDataDir);
});

/** A line of the server's JSON log (pino). */
interface LogLine {
  msg: string;
  level: number;
  port?: number;
  [field: string]: unknown;
}

interface Started {
  child: ChildProcess;
  lines: LogLine[];
  port: number;
  exit: Promise<number | null>;
}

async function startMain(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: LogLine[] = [];
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const port = await new Promise<number>((resolve, reject) => {
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      let newline: number;
      while ((newline = buffer.indexOf('\n')) >= 0) {
        const line = JSON.parse(buffer.slice(0, newline)) as LogLine;
        buffer = buffer.slice(newline + 1);
        lines.push(line);
        if (line.msg === 'stratum server listening') resolve(line.port!);
      }
    });
    void exit.then((code) => reject(new Error(`server exited with ${code}: ${stderr}${JSON.stringify(lines)}`)));
  });
  return { child, lines, port, exit };
}

describe('server/main.ts', () => {
  it('starts from the environment with two workers, deploys STRATUM_DIAGRAMS, serves, and stops cleanly on SIGTERM', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const usersFile = join(dataDir, 'users.json');
    writeFileSync(usersFile, JSON.stringify(TEST_USERS));
    const server = await startMain({ HOST: '127.0.0.1', STRATUM_DATA: dataDir, STRATUM_USERS: usersFile, STRATUM_DIAGRAMS: DIAGRAMS_DIR, STRATUM_WORKERS: '2' });
    const base = `http://127.0.0.1:${server.port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const processes = await (await fetch(`${base}/api/processes`, { headers: { authorization: `Bearer ${TOKENS.erp}` } })).json() as { key: string }[];
    expect(processes.map((p) => p.key)).toContain('order-to-cash');
    expect(server.lines.find((line) => line.msg === 'diagrams deployed')).toBeDefined();

    server.child.kill('SIGTERM');
    expect(await server.exit).toBe(0);
    const messages = server.lines.map((line) => line.msg);
    // the primary forked two server processes on one port; each stopped on its own
    expect(server.lines.find((line) => line.msg === 'stratum workers listening')).toMatchObject({ workers: 2 });
    expect(messages.filter((message) => message === 'stratum server listening')).toHaveLength(2);
    expect(messages.filter((message) => message === 'stratum server stopped')).toHaveLength(2);
    expect(JSON.stringify(server.lines)).not.toContain(TOKENS.erp);
  }, 120_000);

  it('runs in demo mode without STRATUM_USERS: loopback only, a warning, the demo tokens', async () => {
    const dataDir = makeDataDir();
    dirs.push(dataDir);
    const server = await startMain({ STRATUM_DATA: dataDir, STRATUM_DIAGRAMS: join(dataDir, 'no-diagrams-here'), STRATUM_WORKERS: '1' });
    expect(server.lines.find((line) => line.level === 40 && /demo mode/.test(line.msg))).toMatchObject({ host: '127.0.0.1' });
    const response = await fetch(`http://127.0.0.1:${server.port}/api/processes`, { headers: { authorization: 'Bearer demo-director' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([]);
    server.child.kill('SIGINT');
    expect(await server.exit).toBe(0);
    expect(server.lines.map((line) => line.msg)).not.toContain('stratum workers listening');
  }, 60_000);

  it('exits with an error when demo mode is asked to listen on all interfaces', async () => {
    await expect(startMain({ HOST: '0.0.0.0' })).rejects.toThrow(/exited with 1/);
  });
});
