// How many worker processes a replay runs in when nobody says: one core is left
// to live traffic (docs/impact.md, "Worker processes at the lowest priority").
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultReplayWorkers } from '../../../engine/impact/replay-pool.js';

afterEach(() => vi.unstubAllEnvs());

describe('the default number of replay workers', () => {
  it('is one fewer than the cores, so one core has no replay worker at all', () => {
    vi.stubEnv('STRATUM_REPLAY_WORKERS', '');
    expect(defaultReplayWorkers(2)).toBe(1);
    expect(defaultReplayWorkers(8)).toBe(7);
  });

  it('is one on a single core: the worker at nice 19 still lets live steps go first', () => {
    vi.stubEnv('STRATUM_REPLAY_WORKERS', '');
    expect(defaultReplayWorkers(1)).toBe(1);
  });

  it('is what STRATUM_REPLAY_WORKERS says, 0 for the calling thread, and refuses anything but a whole number', () => {
    vi.stubEnv('STRATUM_REPLAY_WORKERS', '2');
    expect(defaultReplayWorkers(2)).toBe(2);
    vi.stubEnv('STRATUM_REPLAY_WORKERS', '0');
    expect(defaultReplayWorkers(8)).toBe(0);
    vi.stubEnv('STRATUM_REPLAY_WORKERS', 'many');
    expect(() => defaultReplayWorkers(2)).toThrow('STRATUM_REPLAY_WORKERS must be a whole number ≥ 0, not many');
  });
});
