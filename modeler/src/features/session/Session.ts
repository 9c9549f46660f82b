import type EventBus from 'diagram-js/lib/core/EventBus';
import type { StratumConfig } from '../../config';
import { ApiProblem } from '../../api/client';
import type Dialogs from '../shell/Dialogs';
import type Toolbar from '../shell/Toolbar';
import type StatusLine from '../shell/StatusLine';

const STORAGE_KEY = 'stratum.token';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export const SESSION_READY = 'stratum.session.ready';

export interface DemoUser {
  name: string;
  token: string;
  groups: string[];
}

/** The demo users a server without a users file accepts (server/demo-users.json, docs/api.md). */
const DEMO_USERS: DemoUser[] = [
  { name: 'designer', token: 'demo-designer', groups: ['designer'] },
  { name: 'director', token: 'demo-director', groups: ['sales-director'] },
  { name: 'vp', token: 'demo-vp', groups: ['vice-president'] },
  { name: 'erp', token: 'demo-integration', groups: ['integration'] },
  { name: 'ops', token: 'demo-operations', groups: ['operations'] },
  { name: 'admin', token: 'demo-admin', groups: ['all groups'] },
];

/** The bearer token: asked for once, kept in localStorage, offered from the demo users in demo mode. */
export default class Session {
  static $inject = ['config.stratum', 'dialogs', 'toolbar', 'statusLine', 'eventBus'];

  constructor(
    private readonly config: StratumConfig,
    private readonly dialogs: Dialogs,
    toolbar: Toolbar,
    private readonly statusLine: StatusLine,
    private readonly eventBus: EventBus,
  ) {
    toolbar.addButton({
      id: 'token', group: 'session', label: 'Token…', title: 'Enter another API token',
      action: () => this.askForToken(),
    });
  }

  private asking: Promise<void> | null = null;

  /** Resolves once the server accepts a token. */
  async start(): Promise<void> {
    this.config.api.onUnauthorized = () => {
      this.asking ??= this.askForToken('The server no longer accepts your token. Enter a valid one.').finally(() => {
        this.asking = null;
      });
    };
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored && (await this.accepts(stored))) {
      this.eventBus.fire(SESSION_READY);
      return;
    }
    await this.askForToken();
  }

  async askForToken(message?: string): Promise<void> {
    const demoUsers = this.demoUsers();
    for (;;) {
      const values = await this.dialogs.form({
        id: 'token',
        title: 'Sign in to Stratum',
        intro: message ?? 'Enter your API token. It is kept in this browser until you change it.',
        fields: [{ name: 'token', label: 'API token', type: 'password', required: true, placeholder: 'Bearer token' }],
        shortcuts: demoUsers.map((user) => ({
          label: `Demo: ${user.name} (${user.groups.join(', ')})`,
          values: { token: user.token },
        })),
        submitLabel: 'Sign in',
        cancellable: this.config.api.hasToken(),
      });
      if (!values) return;
      if (await this.accepts(values.token)) {
        localStorage.setItem(STORAGE_KEY, values.token);
        this.statusLine.show('Signed in', 'success');
        this.eventBus.fire(SESSION_READY);
        return;
      }
      message = 'The server did not accept that token. Try again.';
    }
  }

  private async accepts(token: string): Promise<boolean> {
    this.config.api.setToken(token);
    try {
      await this.config.api.checkToken();
      return true;
    } catch (error) {
      if (error instanceof ApiProblem && (error.status === 401 || error.status === 403)) {
        this.config.api.setToken(null);
        return false;
      }
      this.statusLine.error(error, 'Checking the token');
      return true;
    }
  }

  /**
   * A server without a users file runs in demo mode, on loopback only; so on a loopback address the
   * modeler offers the demo users (a production server simply refuses their tokens).
   */
  private demoUsers(): DemoUser[] {
    return LOOPBACK.has(location.hostname) ? DEMO_USERS : [];
  }
}
