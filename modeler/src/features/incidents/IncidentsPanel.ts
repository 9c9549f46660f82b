import type Canvas from 'diagram-js/lib/core/Canvas';
import type EventBus from 'diagram-js/lib/core/EventBus';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type { IncidentView } from '../../api/client';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import type SidePanel from '../shell/SidePanel';
import { RefreshPoller } from '../shell/refresh-poller';
import type StatusLine from '../shell/StatusLine';
import { failureWords } from '../shell/StatusLine';
import type Workspace from '../workspace/Workspace';
import { DOCUMENT_OPENED } from '../workspace/Workspace';
import type InstancesPanel from '../instances/InstancesPanel';
import { SESSION_READY, signedInUser, type SessionReady } from '../session/Session';
import { reloadPages } from './incident-pages';
import { describeReason } from './incident-reason';
import { retryRefusalOf, wouldFailSentence } from './retry-refusal';

/** The server role that may retry incidents (GET /api/me's `roles`; an admin has it too). */
const OPERATIONS_ROLE = 'operations';
const PAGE = 50;
/** As Camunda Operate refreshes its lists: new incidents show, resolved ones leave, within this time. */
const POLL_MS = 5000;

/**
 * Open incidents as GET /api/incidents pages them (oldest first), each with its reason in words; a click opens
 * its instance on the diagram with the failed element marked. Anyone may read them, as the API lets any token;
 * only `operations` get the retry (POST /api/incidents/{id}/retry), so nobody is offered what the server refuses.
 * While the tab is on screen the list refreshes itself every few seconds (shell/refresh-poller.ts), keeping the operator's
 * place: the pages loaded, the scroll, the selection, and variables being typed (no refresh while they are).
 */
export default class IncidentsPanel {
  static $inject = ['sidePanel', 'instancesPanel', 'config.stratum', 'eventBus', 'statusLine', 'elementRegistry', 'workspace', 'canvas'];

  private readonly pane: HTMLElement;
  private readonly intro = el('p', { className: 'empty' });
  private readonly list = el('ul', { className: 'incident-list' });
  private readonly more = el('div');
  /** When the list was last current, or why a refresh failed (the list stays as it was). */
  private readonly freshness = el('p', { className: 'incidents-freshness' });
  private incidents: IncidentView[] = [];
  /** Nothing is said about incidents before the server did. */
  private loaded = false;
  /** Each incident's entry, kept while it is listed so a typed variables field survives a re-render. */
  private readonly items = new Map<string, HTMLLIElement>();
  private nextCursor: string | null = null;
  /** The first page and those Load more added: a refresh reads as many again. */
  private pages = 1;
  /** Counts changes made here (a retry's outcome, Load more, a selection): a refresh that began before one is stale. */
  private edits = 0;
  /** Retries and Load mores in flight: no refresh meanwhile. */
  private busy = 0;
  private updatedAt: Date | null = null;
  private readonly poller = new RefreshPoller(() => this.refresh(), {
    everyMs: POLL_MS,
    visible: () => this.sidePanel.isSeen('incidents'),
    held: () => this.busy > 0 || this.typingVariables(),
  });
  private mayRetry = false;
  private selectedId: string | null = null;
  /** The modeler was opened at ./#incidents (the task list sends an operator here): the tab comes forward once signed in. */
  private addressed = location.hash === '#incidents';

  constructor(
    private readonly sidePanel: SidePanel,
    private readonly instances: InstancesPanel,
    private readonly config: StratumConfig,
    eventBus: EventBus,
    private readonly statusLine: StatusLine,
    private readonly elementRegistry: ElementRegistry,
    private readonly workspace: Workspace,
    private readonly canvas: Canvas,
  ) {
    const pane = this.pane = sidePanel.addTab('incidents', 'Incidents');
    const header = el('div', { className: 'pane-header' },
      el('strong', {}, 'Open incidents'),
      el('button', { type: 'button', className: 'link-button', 'data-action': 'refresh-incidents', title: 'Ask the server again', onclick: () => void this.poller.refreshNow() }, 'Refresh'));
    pane.append(header, this.freshness, this.intro, this.list, this.more);
    eventBus.on(SESSION_READY, (event: SessionReady) => void this.start(event));
    sidePanel.onSeen('incidents', () => this.poller.wake());
    // the failed elements are named from the open diagram where it is theirs
    eventBus.on(DOCUMENT_OPENED, () => this.render());
  }

  private async start(session: SessionReady): Promise<void> {
    try {
      this.mayRetry = (await signedInUser(session, this.config.api)).roles.includes(OPERATIONS_ROLE);
    } catch {
      this.mayRetry = false;
    }
    this.intro.textContent = this.mayRetry
      ? 'Oldest first. Retry an incident once its cause is fixed: the failed step runs again.'
      : 'Oldest first. Read-only: retrying an incident needs the operations group.';
    this.pane.dataset.mayRetry = String(this.mayRetry);
    if (this.addressed) {
      this.addressed = false;
      this.sidePanel.show('incidents');
    }
    // another token may retry where the last one could not, or the other way round: the entries are built anew
    this.items.clear();
    await this.poller.start();
  }

  /** The pages loaded so far, again: new incidents appear and resolved ones leave; the selection and the scroll stay. */
  private async refresh(): Promise<void> {
    const edits = this.edits;
    try {
      const { items, nextCursor } = await reloadPages((query) => this.config.api.listIncidents(query), this.pages, PAGE);
      // what changed here meanwhile (a retried incident dropped …) may not be in this answer yet: the next one has it
      if (edits !== this.edits) return;
      const selected = this.incidents.find((incident) => incident.id === this.selectedId);
      // one selected from beyond the loaded pages (select) stays while pages follow that may hold it
      if (selected && nextCursor && !items.some((incident) => incident.id === selected.id)) items.unshift(selected);
      const listed = new Set(items.map((incident) => incident.id));
      for (const id of this.items.keys()) if (!listed.has(id)) this.items.delete(id);
      this.incidents = items;
      this.nextCursor = nextCursor;
      this.loaded = true;
      this.updatedAt = new Date();
      this.render();
      this.showFreshness();
    } catch (error) {
      this.showFreshness(error);
    }
  }

  private async loadMore(): Promise<void> {
    if (!this.nextCursor) return;
    this.busy += 1;
    try {
      const page = await this.config.api.listIncidents({ limit: PAGE, cursor: this.nextCursor });
      const listed = new Set(this.incidents.map((incident) => incident.id));
      this.incidents.push(...page.items.filter((incident) => !listed.has(incident.id)));
      this.nextCursor = page.nextCursor;
      this.pages += 1;
      this.edits += 1;
      this.render();
    } catch (error) {
      this.statusLine.error(error, 'Listing more incidents');
    } finally {
      this.busy -= 1;
    }
  }

  /** Variables typed into a retry form are the operator's: a refresh waits until they leave the field. */
  private typingVariables(): boolean {
    const focused = document.activeElement;
    return focused instanceof HTMLTextAreaElement && this.list.contains(focused);
  }

  private showFreshness(failure?: unknown): void {
    const as = this.updatedAt ? ` ${this.updatedAt.toLocaleTimeString()}` : '';
    this.freshness.dataset.failed = String(failure !== undefined);
    if (this.updatedAt) this.freshness.dataset.updated = this.updatedAt.toISOString();
    this.freshness.textContent = failure === undefined
      ? `Updated${as}; refreshes itself while shown.`
      : `${failureWords(failure, 'Refreshing the incidents').replace(/\.?$/, '.')} ${this.updatedAt ? `Listed as of${as}.` : 'Nothing listed yet.'}`;
  }

  private render(): void {
    if (!this.loaded) return;
    // the entries are put back in place; the panel's scroll stays where the operator left it
    const scroller = this.pane.parentElement;
    const scrolled = scroller?.scrollTop ?? 0;
    replaceChildren(this.list, this.incidents.length
      ? this.incidents.map((incident) => this.itemOf(incident))
      : el('li', { className: 'empty' }, 'No open incidents.'));
    replaceChildren(this.more, this.nextCursor
      ? el('button', { type: 'button', className: 'link-button', 'data-action': 'load-more-incidents', onclick: () => void this.loadMore() }, 'Load more')
      : null);
    if (scroller) scroller.scrollTop = scrolled;
  }

  private itemOf(incident: IncidentView): HTMLLIElement {
    let item = this.items.get(incident.id);
    if (!item) {
      item = el('li', { className: 'incident-item', 'data-incident': incident.id },
        el('div', { className: 'instance-title' },
          el('button', { type: 'button', className: 'link-button', 'data-action': 'open-incident', title: 'Open its instance on the diagram', onclick: () => void this.select(incident.id) },
            incident.businessKey ?? incident.instanceId),
          el('span', { className: 'instance-line' }, new Date(incident.createdAt).toLocaleString())),
        el('div', { className: 'instance-line incident-where' }),
        el('div', { className: 'incident-reason' }),
        el('div', { className: 'incident-message' }, incident.message),
        this.mayRetry ? this.retryForm(incident) : null,
        el('div', { className: 'incident-outcome', hidden: true }));
      this.items.set(incident.id, item);
    }
    // names follow the open diagram: set on every render
    item.querySelector('.incident-where')!.textContent = `${incident.processKey} · ${this.elementName(incident.processKey, incident.elementId)}`;
    replaceChildren(item.querySelector('.incident-reason')!, this.why(incident));
    item.classList.toggle('selected', incident.id === this.selectedId);
    return item;
  }

  private why(incident: IncidentView): (Node | string)[] {
    if (incident.reason) return [describeReason(incident.reason, (id) => this.elementName(incident.processKey, id))];
    const cause = incident.causeIncidentId;
    if (cause) {
      return ['Its called process failed: retry the incident there, and this one resumes with it. ',
        el('button', { type: 'button', className: 'link-button', 'data-action': 'select-cause', onclick: () => void this.select(cause) }, 'Show it')];
    }
    return ['No reason recorded: see the message.'];
  }

  private retryForm(incident: IncidentView): HTMLElement {
    const variables = el('textarea', { name: 'variables', 'aria-label': 'Variables to set (JSON object)', placeholder: 'Variables to set, optional: {"name": "value"}' });
    const form = el('form', { className: 'incident-retry' }, variables,
      el('button', { type: 'submit', 'data-action': 'retry-incident' }, 'Retry'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.retry(incident, variables.value);
    });
    return form;
  }

  /** Marks the incident in the list and opens its instance; an incident not on a loaded page is read and listed first. */
  async select(id: string): Promise<void> {
    let incident = this.incidents.find((candidate) => candidate.id === id);
    if (!incident) {
      try {
        incident = await this.config.api.getIncident(id);
      } catch (error) {
        this.statusLine.error(error, `Reading incident ${id}`);
        return;
      }
      if (incident.resolvedAt) {
        this.statusLine.show(`Incident ${id} was resolved meanwhile (${incident.resolution ?? 'retried'})`, 'info');
        return;
      }
      this.incidents.unshift(incident);
      this.edits += 1;
    }
    this.selectedId = id;
    this.sidePanel.show('incidents');
    this.render();
    this.items.get(id)?.scrollIntoView({ block: 'nearest' });
    await this.instances.open(incident.instanceId, { showPanel: false });
    // the failed element may lie outside the opened view of a large diagram
    const failed = incident.elementId && this.workspace.meta.key === incident.processKey ? this.elementRegistry.get(incident.elementId) : undefined;
    if (failed) this.canvas.scrollToElement(failed);
  }

  private async retry(incident: IncidentView, text: string): Promise<void> {
    const variables = parseVariables(text);
    if (typeof variables === 'string') {
      this.statusLine.show(variables, 'error');
      return;
    }
    const outcome = this.items.get(incident.id)?.querySelector<HTMLElement>('.incident-outcome');
    if (outcome) outcome.hidden = true;
    const where = `${this.elementName(incident.processKey, incident.elementId)} of ${incident.businessKey ?? incident.instanceId}`;
    this.busy += 1;
    try {
      await this.config.api.retryIncident(incident.id, variables);
      this.drop(incident.id);
      this.statusLine.show(`Retried the incident at ${where}: the order goes on`, 'success');
    } catch (error) {
      const refusal = retryRefusalOf(error);
      const nameOf = (id: string) => this.elementName(incident.processKey, id);
      if (refusal.kind === 'not-root-cause') {
        const root = refusal.rootCauseIncidentId;
        const rootListed = this.incidents.find((candidate) => candidate.id === root);
        const rootWords = rootListed ? `the incident at ${this.elementName(rootListed.processKey, rootListed.elementId)} of ${rootListed.processKey}` : `incident ${root}`;
        this.statusLine.show(`Retry ${rootWords} first: this incident follows from it, and resumes with it`, 'error');
        this.showOutcome(outcome, `Not the root cause: retry ${rootWords} first. `,
          el('button', { type: 'button', className: 'link-button', 'data-action': 'select-root-cause', 'data-root-cause': root, onclick: () => void this.select(root) }, 'Select it'));
      } else if (refusal.kind === 'would-fail') {
        this.statusLine.show(`The retry would fail again at ${this.elementName(incident.processKey, refusal.incident.elementId)}: nothing changed`, 'error');
        this.showOutcome(outcome, wouldFailSentence(refusal.incident, nameOf),
          refusal.incident.reason ? el('div', { className: 'incident-message' }, refusal.incident.message) : null);
      } else {
        if (refusal.kind === 'resolved') this.drop(incident.id);
        this.statusLine.error(error, `Retrying the incident at ${where}`);
      }
    } finally {
      this.busy -= 1;
    }
  }

  private showOutcome(outcome: HTMLElement | null | undefined, ...content: (Node | string | null)[]): void {
    if (!outcome) return;
    replaceChildren(outcome, ...content);
    outcome.hidden = false;
  }

  /** Removes an incident and those that followed from it (its callers resume with it). */
  private drop(id: string): void {
    const gone = new Set([id]);
    for (let grew = true; grew;) {
      grew = false;
      for (const incident of this.incidents) {
        if (incident.causeIncidentId && gone.has(incident.causeIncidentId) && !gone.has(incident.id)) {
          gone.add(incident.id);
          grew = true;
        }
      }
    }
    this.incidents = this.incidents.filter((incident) => !gone.has(incident.id));
    this.edits += 1;
    for (const goneId of gone) this.items.delete(goneId);
    this.render();
  }

  /** The element's name where the open diagram is this process's, else its id. */
  private elementName(processKey: string, elementId: string | null): string {
    if (!elementId) return 'the process';
    if (this.workspace.meta.key !== processKey) return elementId;
    const element = this.elementRegistry.get(elementId) as { businessObject?: { name?: string } } | undefined;
    return element?.businessObject?.name || elementId;
  }
}

// helpers

/** The variables field: nothing, or a JSON object; a string says what is wrong with it. */
function parseVariables(text: string): Record<string, unknown> | undefined | string {
  if (!text.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return `The variables are not JSON: ${(error as Error).message}`;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return 'The variables must be a JSON object, like {"name": "value"}';
  return parsed as Record<string, unknown>;
}
