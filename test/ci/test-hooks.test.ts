// Test files share their worker's process and modules (vite.config.ts), so a
// support module is evaluated once per worker: a vitest hook at its top level
// would run for the first file that imported it and never again (its servers
// left running, its PostgreSQL schemas kept). These checks hold the rule.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import config from '../../vite.config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const sources = (readdirSync(`${ROOT}test`, { recursive: true }) as string[]).filter((path) => path.endsWith('.ts')).map((path) => `test/${path}`);
const TOP_LEVEL_HOOK = /^(beforeAll|afterAll|beforeEach|afterEach)\(/m;

describe('hooks of the test support modules', () => {
  it('are registered through test/support/cleanup.ts, never at a support module\'s top level', () => {
    const support = sources.filter((path) => !path.endsWith('.test.ts') && path !== 'test/support/setup.ts');
    expect(support.length).toBeGreaterThan(20);
    expect(support.filter((path) => TOP_LEVEL_HOOK.test(readFileSync(`${ROOT}${path}`, 'utf8')))).toEqual([]);
  });
});

describe('the test projects of vite.config.ts', () => {
  const projects = (config.test?.projects ?? []) as { test: { name: string; isolate: boolean; include: string[]; exclude?: string[] } }[];
  const files = (name: string) => {
    const project = projects.find((one) => one.test.name === name)?.test;
    return (project?.include ?? []).filter((path) => !(project?.exclude ?? []).includes(path));
  };

  it('run every test file exactly once, those that mock modules or stub the environment in a process of their own', () => {
    const shared = files('shared');
    const ownProcess = files('own-process');
    expect([...shared, ...ownProcess].sort()).toEqual(sources.filter((path) => path.endsWith('.test.ts')).sort());
    expect(ownProcess).toContain('test/engine/impact/replay-separated-tasks.test.ts'); // vi.mock
    expect(ownProcess).toContain('test/support/shared-interop.test.ts'); // vi.stubEnv, vi.resetModules
    expect(shared).toContain('test/ci/test-hooks.test.ts');
    for (const path of shared) expect(readFileSync(`${ROOT}${path}`, 'utf8'), path).not.toMatch(/\bvi\.(mock|doMock|resetModules|stubEnv|stubGlobal)\(/);
    expect(projects.find((one) => one.test.name === 'shared')!.test.isolate).toBe(false);
    expect(projects.find((one) => one.test.name === 'own-process')!.test.isolate).toBe(true);
  });
});
