// The primary relays fetchable-job signals between workers (server/job-signals.ts). A worker killed a moment
// ago still looks connected, and the write to it fails (EPIPE): that failure must stay with the send, never
// become an 'error' event, which took the whole primary down during the kill -9 soak.
import { EventEmitter } from 'node:events';
import type { Worker } from 'node:cluster';
import { describe, expect, it } from 'vitest';
import { relayJobSignals } from '../../server/job-signals.js';

/** A cluster worker as the relay uses it: messages in, `send` out, failing like a pipe whose reader died. */
class DyingWorker extends EventEmitter {
  sent: unknown[] = [];
  constructor(private readonly pipeBroken: boolean) {
    super();
  }
  isConnected(): boolean {
    return true;
  }
  send(message: unknown, callback?: (error: Error | null) => void): boolean {
    this.sent.push(message);
    const error = this.pipeBroken ? Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }) : null;
    // node's child_process: with a callback the failure goes to it, without one it is an 'error' event
    process.nextTick(() => (callback ? callback(error) : error && this.emit('error', error)));
    return true;
  }
}

describe('relayJobSignals', () => {
  it('passes a worker\'s job signal to the others, and a dead worker\'s broken pipe goes to the send, not to an error event', async () => {
    const from = new DyingWorker(false);
    const dead = new DyingWorker(true);
    const alive = new DyingWorker(false);
    const errors: unknown[] = [];
    dead.on('error', (error) => errors.push(error));
    const workers = [from, dead, alive] as unknown as Worker[];
    relayJobSignals(workers[0], workers);
    const signal = { type: 'stratum-job-fetchable', jobType: 'shipping' };
    from.emit('message', signal);
    from.emit('message', { type: 'something else' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(alive.sent).toEqual([signal]);
    expect(dead.sent).toEqual([signal]);
    expect(from.sent).toEqual([]);
    expect(errors).toEqual([]);
  });
});
