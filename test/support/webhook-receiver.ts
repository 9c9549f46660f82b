// A webhook receiver as an ERP would run one: it verifies each request with
// the Standard Webhooks package's own verifier and records what arrived. It
// can answer errors, hang, or be down (closed) and come back on its port.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Received {
  id: string;
  /** The path and query the request was sent to. */
  path: string;
  body: string;
  /** The request's headers (the signature ones, `authorization` when the URL carried credentials). */
  headers: Record<string, string>;
  event: { id: string; type: string; subject: string; stratumseq: number; data: Record<string, unknown> };
  verified: boolean;
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  /**
   * `ok` answers 204; `fail` 503; `echo` 401 naming the path and query it was called with, as some receivers'
   * error pages do; `hang` never answers; `trickle` accepts with 200 but never ends the body.
   */
  mode: 'ok' | 'fail' | 'echo' | 'hang' | 'trickle' = 'ok';
  /** Requests held unanswered in `hang` mode. */
  hanging = 0;
  private server: Server | null = null;
  private port = 0;

  constructor(private readonly secret: string) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hooks`;
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => {
      void readBody(req).then((body) => {
        if (this.mode === 'hang') {
          this.hanging++;
          return;
        }
        if (this.mode === 'fail') {
          res.writeHead(503).end('down for maintenance');
          return;
        }
        if (this.mode === 'echo') {
          res.writeHead(401).end(`unknown caller: POST ${req.url ?? ''}`);
          return;
        }
        let verified = false;
        try {
          new Webhook(this.secret).verify(body, req.headers as Record<string, string>);
          verified = true;
        } catch {
          verified = false;
        }
        this.received.push({ id: String(req.headers['webhook-id']), path: req.url ?? '', body, headers: req.headers as Record<string, string>, event: JSON.parse(body) as Received['event'], verified });
        if (this.mode === 'trickle' && verified) {
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.write('accepted, and then some');
          return;
        }
        res.writeHead(verified ? 204 : 401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Down: connections are refused until `start` again (same port). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** The types the receiver accepted for one order, in arrival order. */
  typesOf(orderNo: string): string[] {
    return this.received.filter((entry) => entry.event.subject === orderNo && entry.verified).map((entry) => entry.event.type);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
