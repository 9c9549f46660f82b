// The walkthrough of docs/api.md, run with bash and real curl against a fresh
// server in demo mode: the documentation cannot drift from the behaviour.
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDataDir, startTestServer, type TestServer } from './support/real-server.js';

const API_DOC = fileURLToPath(new URL('../../docs/api.md', import.meta.url));
const STEP = '@@step@@';

let server: TestServer;
beforeAll(async () => (server = await startTestServer({ demo: true })));
afterAll(async () => {
  await server.close();
  removeDataDir(server.dataDir);
});

/** The ```sh blocks of the "Walkthrough" section, in order. */
function walkthroughBlocks(markdown: string): string[] {
  const section = markdown.split(/^## Walkthrough$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('docs/api.md has no "## Walkthrough" section');
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]);
}

describe('docs/api.md walkthrough', () => {
  it('runs as written: the ERP enters an order, the director approves it, the order waits for the vice-president', async () => {
    const blocks = walkthroughBlocks(readFileSync(API_DOC, 'utf8'));
    expect(blocks).toHaveLength(5);
    const script = ['set -euo pipefail', ...blocks.flatMap((block) => [block, `echo ${STEP}`])].join('\n');
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { env: { ...process.env, STRATUM: server.url }, timeout: 30_000 });
    const [setup, entered, taskId, approved, finalState] = stdout.split(`${STEP}\n`);

    expect(setup).toBe('');
    const order = JSON.parse(entered) as { status: string; waiting: unknown };
    expect(order.status).toBe('running');
    expect(order.waiting).toEqual([{ name: 'Approve order (sales director)', candidateGroups: ['sales-director'] }]);
    expect(taskId.trim()).toMatch(/UserTask_ApproveBySalesDirector/);
    expect(JSON.parse(approved)).toBe('running');
    expect(JSON.parse(finalState)).toEqual({ status: 'running', waiting: [{ name: 'Review order (vice-president)', candidateGroups: ['vice-president'] }] });
  });
});
