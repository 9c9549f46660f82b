import type EventBus from 'diagram-js/lib/core/EventBus';
import type { StratumConfig } from '../../config';
import { ApiProblem, type ApiClient, type Me } from '../../api/client';
import type Dialogs from '../shell/Dialogs';
import type Toolbar from '../shell/Toolbar';
import type StatusLine from '../shell/StatusLine';

const STORAGE_KEY = 'stratum.token';
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export const SESSION_READY = 'stratum.session.ready';

/** SESSION_READY's data: who the accepted token belongs to, as the token check read it (GET /api/me). */
export interface SessionReady {
  /** Null when the check failed other than by a refusal (the server unreachable …): the token was taken unchecked. */
  user: Me | null;
}

/**
 * Who signed in, for whatever starts at SESSION_READY (the Incidents tab's retry, the lint rules' task groups): the
 * token check's answer, so signing in asks GET /api/me once; after a check that failed, GET /api/me again, as before.
 */
export function signedInUser(event: SessionReady, api: Pick<ApiClient, 'me'>): Promise<Me> {
  return event.user ? Promise.resolve(event.user) : api.me();
}

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
    const user = stored ? await this.accepts(stored) : false;
    if (user !== false) {
      this.ready(user);
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
      const user = await this.accepts(values.token);
      if (user !== false) {
        localStorage.setItem(STORAGE_KEY, values.token);
        this.statusLine.show('Signed in', 'success');
        this.ready(user);
        return;
      }
      message = 'The server did not accept that token. Try again.';
    }
  }

  /** Each sign-in hands on the answer of its own check: a sign-in as another user never gets the last one's. */
  private ready(user: Me | null): void {
    this.eventBus.fire(SESSION_READY, { user } satisfies SessionReady);
  }

  /**
   * Whether the server accepts the token: false when it refuses it, else who it belongs to, or null when the check
   * failed otherwise (the token is then taken, and the failure said).
   */
  private async accepts(token: string): Promise<Me | null | false> {
    this.config.api.setToken(token);
    try {
      return await this.config.api.checkToken();
    } catch (error) {
      if (error instanceof ApiProblem && (error.status === 401 || error.status === 403)) {
        this.config.api.setToken(null);
        return false;
      }
      this.statusLine.error(error, 'Checking the token');
      return null;
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
