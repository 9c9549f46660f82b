import { describe, expect, it, vi } from 'vitest';
import type { Me, TaskGroups } from '../../../../modeler/src/api/client.js';
import LintRules from '../../../../modeler/src/features/lint/LintRules.js';
import { SESSION_READY, type SessionReady } from '../../../../modeler/src/features/session/Session.js';

/**
 * LintRules once a session starts for `user`: the calls it made and what its rules know of task groups. The token check
 * read `user` and SESSION_READY hands it on; `checked: false` is a check that failed (the server unreachable …).
 */
async function signIn(user: Me, taskGroups: TaskGroups = { groups: ['sales-director', 'vice-president'], demo: false }, { checked = true } = {}) {
  const calls: string[] = [];
  const api = {
    me: () => { calls.push('GET /api/me'); return Promise.resolve(user); },
    listGroups: () => { calls.push('GET /api/groups'); return Promise.resolve(taskGroups); },
  };
  const configured = vi.fn();
  const listeners = new Map<string, (event: SessionReady) => void>();
  const eventBus = { on: (event: string, listener: (event: SessionReady) => void) => listeners.set(event, listener) };
  const library = { processes: [], keys: () => [] };
  const rules = new LintRules(...([eventBus, { setLinterConfig: configured }, library, { api }] as unknown as ConstructorParameters<typeof LintRules>));
  listeners.get(SESSION_READY)!({ user: checked ? user : null });
  // once at construction, once when the task groups are known (or known not to be asked for)
  await vi.waitFor(() => expect(configured).toHaveBeenCalledTimes(2));
  return { calls, taskGroups: rules.context().taskGroups };
}

describe('the task groups the modeler lints candidate groups against', () => {
  it('are never asked for by a director (GET /api/groups is for designers: no 403 in the console), and candidate groups go unchecked', async () => {
    const { calls, taskGroups } = await signIn({ name: 'director', groups: ['sales-director'] });
    expect(calls).toEqual([]);
    expect(taskGroups).toBeUndefined();
  });

  it('are asked for by a designer, and a candidate group nobody is in is an error', async () => {
    const { calls, taskGroups } = await signIn({ name: 'dora', groups: ['designer'] });
    expect(calls).toEqual(['GET /api/groups']);
    expect(taskGroups).toEqual({ known: ['sales-director', 'vice-president'], severity: 'error' });
  });

  it('are asked for by an admin (a designer among other groups), as warnings on the demo users', async () => {
    const { calls, taskGroups } = await signIn({ name: 'admin', groups: ['integration', 'designer', 'operations'] }, { groups: ['inspection'], demo: true });
    expect(calls).toEqual(['GET /api/groups']);
    expect(taskGroups).toEqual({ known: ['inspection'], severity: 'warn' });
  });

  it('take the user from the token check, and ask who signed in themselves when that check failed', async () => {
    const { calls, taskGroups } = await signIn({ name: 'dora', groups: ['designer'] }, undefined, { checked: false });
    expect(calls).toEqual(['GET /api/me', 'GET /api/groups']);
    expect(taskGroups).toEqual({ known: ['sales-director', 'vice-president'], severity: 'error' });
  });
});
