// The diagrams folder deployed at start passes the same checks as POST /api/deployments:
// with a users file, a user task offered to a group nobody is in refuses the start
// (the order would wait for ever); in demo mode it is a warning.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ProcessSummary } from '../../engine/api.js';
import { TEST_USERS, TOKENS } from './support/client.js';
import { makeDataDir, removeDataDir, startTestServer } from './support/real-server.js';

describe('the diagrams deployed at start', () => {
  it('refuses to start when a shipped task is offered to a group nobody in the users file is in', async () => {
    const dataDir = makeDataDir();
    try {
      const withoutDirector = { users: TEST_USERS.users.filter((user) => !(user.groups as string[]).includes('sales-director')) };
      writeFileSync(join(dataDir, 'users.json'), JSON.stringify(withoutDirector));
      const refused = await startTestServer({ dataDir }).then(
        async (server) => { await server.close(); return undefined; },
        (error: unknown) => error as { details?: { findings?: { rule: string; message: string }[] } },
      );
      expect(refused, 'the server started').toBeDefined();
      const findings = refused!.details?.findings ?? [];
      expect(findings.some((finding) => finding.rule.endsWith('candidate-group-members') && finding.message.includes('sales-director'))).toBe(true);
    } finally {
      removeDataDir(dataDir);
    }
  });

  it('starts when every candidate group has a member, and in demo mode whatever the groups', async () => {
    for (const options of [{}, { demo: true }]) {
      const server = await startTestServer(options);
      try {
        const processes = await server.api.get<ProcessSummary[]>('/api/processes', options.demo ? 'demo-designer' : TOKENS.designer);
        expect(processes.status).toBe(200);
        expect(processes.body.length).toBeGreaterThan(0);
      } finally {
        await server.close();
        removeDataDir(server.dataDir);
      }
    }
  });
});
