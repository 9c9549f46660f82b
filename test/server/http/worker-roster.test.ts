// The roster of `npm start`'s workers that the primary's management port
// answers /healthz from: each slot's worker, its state and its heartbeat.
import { describe, expect, it } from 'vitest';
import { WorkerRoster, workersProblem } from '../../../server/http/worker-roster.js';

const STALL_MS = 10_000;
const problem = (roster: WorkerRoster, now = Date.now()) => workersProblem(roster.states, new BigInt64Array(roster.beats), now, STALL_MS);

describe('the roster of worker processes', () => {
  it('is healthy only once every worker listens', () => {
    const roster = new WorkerRoster(2);
    expect(problem(roster)).toBe('Not every server process is serving: worker 1 is starting; worker 2 is starting.');
    roster.forked(0, 101);
    roster.listening(0);
    roster.forked(1, 102);
    expect(problem(roster)).toBe('Not every server process is serving: worker 2 (pid 102) is starting.');
    roster.listening(1);
    expect(problem(roster)).toBeNull();
    expect(roster.states).toEqual([{ worker: 1, pid: 101, state: 'listening' }, { worker: 2, pid: 102, state: 'listening' }]);
  });

  it('names a worker that died, then its replacement, until the replacement listens; counts the restart', () => {
    const roster = new WorkerRoster(2);
    const seen: string[] = [];
    roster.onChange((states) => seen.push(states[0].state));
    for (const [slot, pid] of [[0, 101], [1, 102]] as const) {
      roster.forked(slot, pid);
      roster.listening(slot);
    }
    roster.exited(0, null, 'SIGKILL', false);
    expect(problem(roster)).toBe('Not every server process is serving: worker 1 (pid 101) exited (signal SIGKILL); a replacement is starting.');
    roster.forked(0, 103);
    expect(problem(roster)).toBe('Not every server process is serving: worker 1 (pid 103) is starting, replacing one that exited (signal SIGKILL).');
    roster.listening(0);
    expect(problem(roster)).toBeNull();
    expect(roster.restarts).toBe(1);
    expect(seen).toEqual(['starting', 'listening', 'listening', 'listening', 'exited', 'starting', 'listening']);
    // a worker stopped on purpose is no restart
    roster.exited(1, 0, null, true);
    expect(roster.restarts).toBe(1);
    expect(problem(roster)).toBe('Not every server process is serving: worker 2 (pid 102) exited (code 0); a replacement is starting.');
  });

  it('names a listening worker whose event loop has not beaten within the stall limit', () => {
    const roster = new WorkerRoster(2);
    for (const [slot, pid] of [[0, 101], [1, 102]] as const) {
      roster.forked(slot, pid);
      roster.listening(slot);
    }
    const now = Date.now();
    roster.heartbeat(0, now + 9_000);
    roster.heartbeat(1, now);
    expect(problem(roster, now + STALL_MS)).toBeNull();
    expect(problem(roster, now + 12_400)).toBe("Not every server process is serving: worker 2 (pid 102)'s event loop has not run for 12 s.");
  });
});
