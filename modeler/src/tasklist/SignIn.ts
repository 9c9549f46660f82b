// Sign-in with one's API token; the token is kept in this browser (shared with
// the modeler). On a loopback address the demo approvers are offered.
import { el, replaceChildren } from '../dom/element';
import type { Me, TasklistClient } from './TasklistClient';
import { TaskProblem } from './TasklistClient';

const TOKEN_KEY = 'stratum.token';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);
// every approver of server/demo-users.json: the departments acknowledge special changes here too
const DEMO_APPROVERS = [
  { name: 'director', token: 'demo-director', groups: 'sales-director' },
  { name: 'vp', token: 'demo-vp', groups: 'vice-president' },
  { name: 'procurement', token: 'demo-procurement', groups: 'procurement' },
  { name: 'production', token: 'demo-production', groups: 'production' },
  { name: 'inspection', token: 'demo-inspection', groups: 'inspection' },
];

/** Resolves with the signed-in user once the server accepts a token. */
export async function signIn(client: TasklistClient, container: HTMLElement, message?: string): Promise<Me> {
  const stored = message ? null : localStorage.getItem(TOKEN_KEY);
  if (stored) {
    const me = await accepted(client, stored);
    if (me) return me;
  }
  for (;;) {
    const token = await askForToken(container, message);
    const me = await accepted(client, token);
    if (me) {
      localStorage.setItem(TOKEN_KEY, token);
      return me;
    }
    message = 'The server did not accept that token. Try again.';
  }
}

export function signOut(client: TasklistClient): void {
  localStorage.removeItem(TOKEN_KEY);
  client.setToken(null);
}

// helpers

async function accepted(client: TasklistClient, token: string): Promise<Me | null> {
  client.setToken(token);
  try {
    return await client.me();
  } catch (error) {
    if (error instanceof TaskProblem && error.status === 401) {
      client.setToken(null);
      return null;
    }
    throw error;
  }
}

function askForToken(container: HTMLElement, message?: string): Promise<string> {
  return new Promise((resolve) => {
    const input = el('input', { type: 'password', name: 'token', id: 'token', required: true, autocomplete: 'current-password' });
    const form = el('form', { className: 'sign-in', 'data-dialog': 'sign-in', 'aria-labelledby': 'sign-in-title', onsubmit: (event: Event) => {
      event.preventDefault();
      if (input.value.trim()) resolve(input.value.trim());
    } },
      el('h1', { id: 'sign-in-title' }, 'Sign in to your tasks'),
      el('p', { className: message ? 'notice error' : 'hint', role: message ? 'alert' : null }, message ?? 'Enter your API token. It is kept in this browser until you sign out.'),
      el('label', { for: 'token' }, 'API token'),
      input,
      el('button', { type: 'submit', className: 'primary' }, 'Sign in'),
      LOOPBACK.has(location.hostname)
        ? el('div', { className: 'demo-users' }, el('p', { className: 'hint' }, 'Demo server:'),
            DEMO_APPROVERS.map((user) => el('button', { type: 'button', onclick: () => resolve(user.token) }, `${user.name} (${user.groups})`)))
        : null);
    replaceChildren(container, form);
    input.focus();
  });
}
