// A deployment reads its files and lints them before it takes a write's turn (on SQLite the only one): a slow
// upload or a large library must not hold up, or get refused, the order entries, approvals and jobs beside it.
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { BpmnFile, DeployOptions, PreparedDeployment } from '../../engine/api.js';
import { TOKENS } from './support/client.js';
import { startFakeServer } from './support/fake-server.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const xmlOf = (key: string) => `<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="${key}" isExecutable="true"/></definitions>`;
// one write's turn, and a write that finds no turn within 300 ms is refused (503 queue-timeout)
const ADMISSION = { concurrency: 1, queueLength: 2, queueWaitMs: 300 };

type Server = Awaited<ReturnType<typeof startFakeServer>>;
const deploy = (server: Server, key: string) => server.api.request('POST', `/api/deployments?name=${key}.bpmn`, {
  token: TOKENS.designer, body: xmlOf(key), headers: { 'content-type': 'application/xml' },
});

describe('a deployment beside live writes', () => {
  it('reads a slow upload before its turn: a write meanwhile is served, and the upload still deploys when it ends', async () => {
    const server = await startFakeServer({ admission: ADMISSION });
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    try {
      const body = xmlOf('slow');
      const answer = new Promise<string>((resolve, reject) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          if (text.includes('\r\n\r\n')) resolve(text);
        });
        socket.on('error', reject);
      });
      socket.write(
        `POST /api/deployments?name=slow.bpmn HTTP/1.1\r\nHost: stratum\r\nAuthorization: Bearer ${TOKENS.designer}\r\n` +
        `Content-Type: application/xml\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 40)}`,
      );
      // the server has the request and waits for the rest of its body, longer than a write may wait for a turn
      await sleep(400);
      const beside = await deploy(server, 'beside');
      expect(beside.status, beside.text).toBe(201);

      socket.write(body.slice(40));
      expect(await answer).toMatch(/^HTTP\/1\.1 201 /);
      expect((await server.stratum.library.list()).map((process) => process.key)).toEqual(['beside', 'slow']);
    } finally {
      socket.destroy();
      await server.close();
    }
  });

  it('lints before its turn: a write while a large library is linted is served, and the deployment is stored in a turn after', async () => {
    const server = await startFakeServer({ admission: ADMISSION });
    const { library } = server.stratum;
    // the first deployment's lint runs until the test lets it end (a large library takes seconds)
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let linting = false;
    const prepare = library.prepare.bind(library);
    library.prepare = async (files: BpmnFile[], options: DeployOptions): Promise<PreparedDeployment> => {
      if (files[0].name === 'large.bpmn') {
        linting = true;
        await held;
      }
      return prepare(files, options);
    };
    try {
      const large = deploy(server, 'large');
      large.catch(() => undefined); // awaited below; a failed assertion before that must not leave it unhandled
      for (let waited = 0; !linting && waited < 5000; waited += 10) await sleep(10);
      expect(linting).toBe(true);

      await sleep(400); // longer than a write may wait for a turn
      const beside = await deploy(server, 'beside');
      expect(beside.status, beside.text).toBe(201);

      release();
      const answer = await large;
      expect(answer.status, answer.text).toBe(201);
      expect((await server.stratum.library.list()).map((process) => process.key)).toEqual(['beside', 'large']);
    } finally {
      release();
      await server.close();
    }
  });
});
