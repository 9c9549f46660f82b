// Every test file's set-up (vite.config.ts's setupFiles, run for each file even
// where files share a worker's modules): the clean-ups support modules
// registered through test/support/cleanup.ts.
import { afterAll, afterEach } from 'vitest';
import { runCleanUps } from './cleanup.js';

afterEach(() => runCleanUps('test'));
afterAll(() => runCleanUps('file'));
