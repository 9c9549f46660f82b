import type EventBus from 'diagram-js/lib/core/EventBus';
import type { RefusedAttemptView, RefusedEvent } from '../../api/client';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import type InstancesPanel from '../instances/InstancesPanel';
import type SidePanel from '../shell/SidePanel';
import type StatusLine from '../shell/StatusLine';
import { failureWords } from '../shell/StatusLine';
import { SESSION_READY, signedInUser, type SessionReady } from '../session/Session';
import { NO_FILTERS, REFUSED_EVENT_WORDS, refusedAttemptsQuery, type AuditFilters } from './audit-query';
import { AUDIT_COLUMNS, refusedAttemptRows } from './refused-attempt-rows';

/** The group GET /api/audit/refused answers (GET /api/me's `roles`; an admin has it too); anyone else gets 403. */
const OPERATIONS_ROLE = 'operations';
/** Refused attempts a page: the server's default. */
const AUDIT_PAGE = 50;

/**
 * The refused attempts of every order (GET /api/audit/refused), newest first, for the operations group: who was
 * refused what, on which order, why, and what they sent. Others are not offered the tab. The filters ask the server
 * again from the first page; Load more follows the page's `next`. Read when the tab is first shown and on Apply: the
 * list is history, so it does not refresh itself as the Incidents tab does.
 */
export default class AuditPanel {
  static $inject = ['sidePanel', 'instancesPanel', 'config.stratum', 'eventBus', 'statusLine'];

  private readonly form: HTMLFormElement;
  private readonly summary = el('p', { className: 'empty audit-summary' });
  private readonly failure = el('p', { className: 'audit-failure', hidden: true });
  private readonly rows = el('table', { className: 'audit-table' });
  private readonly more = el('div');
  private filters: AuditFilters = NO_FILTERS;
  private attempts: RefusedAttemptView[] = [];
  private next: string | null = null;
  /** Counts the queries asked: the answer to one the operator has since replaced is dropped. */
  private asked = 0;
  private mayAudit = false;
  /** A Load more on its way: a second click would ask for the same page again. */
  private loadingMore = false;
  /** Read once the tab is first shown, not at sign-in: most visits to the modeler never open it. */
  private loaded = false;

  constructor(
    private readonly sidePanel: SidePanel,
    private readonly instances: InstancesPanel,
    private readonly config: StratumConfig,
    eventBus: EventBus,
    private readonly statusLine: StatusLine,
  ) {
    const pane = sidePanel.addTab('audit', 'Audit');
    sidePanel.setTabShown('audit', false);
    this.form = this.filterForm();
    pane.append(el('div', { className: 'pane-header' }, el('strong', {}, 'Refused attempts')), this.form, this.failure, this.summary, this.rows, this.more);
    eventBus.on(SESSION_READY, (event: SessionReady) => void this.start(event));
    sidePanel.onSeen('audit', () => {
      if (this.mayAudit && !this.loaded && this.sidePanel.isSeen('audit')) void this.query();
    });
  }

  private async start(session: SessionReady): Promise<void> {
    try {
      this.mayAudit = (await signedInUser(session, this.config.api)).roles.includes(OPERATIONS_ROLE);
    } catch {
      this.mayAudit = false;
    }
    // another token signed in: nothing the last one read stays, and it is read again when the tab is shown
    this.asked += 1;
    this.loaded = false;
    this.attempts = [];
    this.next = null;
    replaceChildren(this.rows);
    replaceChildren(this.more);
    this.summary.textContent = '';
    this.failure.hidden = true;
    this.sidePanel.setTabShown('audit', this.mayAudit);
    if (this.mayAudit && this.sidePanel.isSeen('audit')) await this.query();
  }

  private filterForm(): HTMLFormElement {
    const events = Object.entries(REFUSED_EVENT_WORDS).map(([event, words]) => el('option', { value: event }, `${words} (${event})`));
    const form = el('form', { className: 'audit-filters' },
      labelled('Event', el('select', { name: 'event' }, el('option', { value: '' }, 'Any'), events)),
      labelled('User', el('input', { type: 'search', name: 'actor', placeholder: 'who, e.g. dirk' })),
      labelled('Reason', el('input', { type: 'search', name: 'reason', placeholder: 'e.g. four-eyes-starter' })),
      labelled('Order', el('input', { type: 'search', name: 'businessKey', placeholder: 'order number, e.g. SO-1042' })),
      labelled('Since', el('input', { type: 'date', name: 'since' })),
      el('button', { type: 'submit', 'data-action': 'apply-audit-filters' }, 'Apply'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.query();
    });
    return form;
  }

  private readFilters(): AuditFilters {
    const field = (name: string) => (this.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
    return { event: field('event') as RefusedEvent | '', actor: field('actor'), reason: field('reason'), businessKey: field('businessKey'), since: field('since') };
  }

  /** The filters as they stand, from the first page. */
  private async query(): Promise<void> {
    ++this.asked;
    this.filters = this.readFilters();
    this.loaded = true;
    await this.fetchPage(null, 'Listing the refused attempts');
  }

  private async loadMore(): Promise<void> {
    if (!this.next || this.loadingMore) return;
    this.loadingMore = true;
    try {
      await this.fetchPage(this.next, 'Listing more refused attempts');
    } finally {
      this.loadingMore = false;
    }
  }

  /** The page after `after` (the first with null), added to what is listed; dropped when a newer query came since. */
  private async fetchPage(after: string | null, doing: string): Promise<void> {
    const asked = this.asked;
    try {
      const page = await this.config.api.listRefusedAttempts(refusedAttemptsQuery(this.filters, AUDIT_PAGE, after));
      if (asked !== this.asked) return;
      this.attempts = after === null ? page.items : [...this.attempts, ...page.items];
      this.next = page.next;
      this.failure.hidden = true;
      this.render();
    } catch (error) {
      if (asked !== this.asked) return;
      this.showFailure(error, doing);
    }
  }

  private showFailure(error: unknown, doing: string): void {
    this.failure.textContent = failureWords(error, doing);
    this.failure.hidden = false;
    this.statusLine.error(error, doing);
  }

  private render(): void {
    this.summary.textContent = this.attempts.length
      ? `Newest first: ${this.attempts.length}${this.next ? ' so far' : ''}.`
      : 'No refused attempts match.';
    replaceChildren(this.rows, this.attempts.length
      ? [el('thead', {}, el('tr', {}, AUDIT_COLUMNS.map((column) => el('th', { scope: 'col' }, column)))),
        ...this.attempts.map((attempt) => refusedAttemptRows(attempt, (opened) => void this.openOrder(opened)))]
      : null);
    replaceChildren(this.more, this.next
      ? el('button', { type: 'button', className: 'link-button', 'data-action': 'load-more-refused', onclick: () => void this.loadMore() }, 'Load more')
      : null);
  }

  /** The instance whose history keeps the attempt, on the diagram; the Audit tab stays in front, as the Incidents tab does. */
  private openOrder(attempt: RefusedAttemptView): Promise<void> {
    return this.instances.open(attempt.instanceId, { showPanel: false });
  }
}

// helpers

function labelled(text: string, field: HTMLElement): HTMLLabelElement {
  return el('label', { className: 'audit-filter' }, el('span', {}, text), field);
}
