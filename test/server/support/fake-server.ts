// Serves createApp() over real HTTP on an ephemeral port, backed by FakeStratum.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { createApp } from '../../../server/app.js';
import type { AdmissionLimits } from '../../../server/http/admission.js';
import { UserDirectory } from '../../../server/auth/users.js';
import { ApiClient, TEST_USERS } from './client.js';
import { FakeStratum } from './fake-stratum.js';

export async function startFakeServer(options: { bodyBytes?: number; admission?: AdmissionLimits; analysisAdmission?: AdmissionLimits; logger?: Logger } = {}) {
  const stratum = new FakeStratum();
  const { app, dispose, admission } = createApp({
    stratum,
    users: UserDirectory.fromJson(TEST_USERS),
    logger: options.logger ?? pino({ level: 'silent' }),
    limits: { bodyBytes: options.bodyBytes ?? 64 * 1024 },
    modelerDir: null,
    ...(options.admission && { admission: options.admission }),
    ...(options.analysisAdmission && { analysisAdmission: options.analysisAdmission }),
  });
  const server = createServer(app);
  // Test files run synchronous checks between requests; on a loaded machine one can outlast Node's 5 s keep-alive,
  // and the next request then goes out on a connection the server is closing (ECONNRESET). Not what a test checks.
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    app,
    admission,
    stratum,
    api: new ApiClient(url),
    close: async () => {
      dispose();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
