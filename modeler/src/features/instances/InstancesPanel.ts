import type EventBus from 'diagram-js/lib/core/EventBus';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type { InstanceSummary, InstanceView } from '../../api/client';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import type SidePanel from '../shell/SidePanel';
import type StatusLine from '../shell/StatusLine';
import type Workspace from '../workspace/Workspace';
import { DOCUMENT_OPENED } from '../workspace/Workspace';
import type InstanceHighlighter from './InstanceHighlighter';
import type LibraryService from '../library/LibraryService';
import { describeWait } from './InstanceHighlighter';
import { DRILLDOWN_REQUESTED } from '../drilldown/DrilldownOverlays';
import { LIBRARY_CHANGED } from '../library/LibraryService';
import { RunningInstances, type RunningListing } from './running-instances';

/**
 * Open an instance by id or business key; see its path, where it waits, and its child instances.
 * The running instances of the open process are the server's own answer to
 * GET /api/instances?processKey=…&status=running (its total, not a count of one page),
 * reloaded after a deploy and every few seconds while the tab is on screen (running-instances.ts).
 */
export default class InstancesPanel {
  static $inject = ['sidePanel', 'workspace', 'instanceHighlighter', 'config.stratum', 'eventBus', 'statusLine', 'elementRegistry', 'libraryService'];

  private readonly query = el('input', { type: 'search', placeholder: 'Instance id or business key', 'aria-label': 'Instance id or business key', className: 'instance-query' });
  private readonly details = el('div', { className: 'instance-details' });
  private readonly running = el('div', { className: 'running-instances' });
  private current: InstanceView | null = null;
  private readonly runningInstances = new RunningInstances({
    listInstances: (query) => this.config.api.listInstances(query),
    openProcess: () => {
      const key = this.workspace.meta.key;
      return key && this.library.get(key) ? key : null;
    },
    show: (listing) => this.renderRunning(listing),
    failed: (error, key) => {
      if ((error as { status?: number }).status !== 404) this.statusLine.error(error, `Listing the instances of ${key}`);
    },
    visible: () => this.sidePanel.isSeen('instances'),
  });

  constructor(
    private readonly sidePanel: SidePanel,
    private readonly workspace: Workspace,
    private readonly highlighter: InstanceHighlighter,
    private readonly config: StratumConfig,
    eventBus: EventBus,
    private readonly statusLine: StatusLine,
    private readonly elementRegistry: ElementRegistry,
    private readonly library: LibraryService,
  ) {
    const pane = sidePanel.addTab('instances', 'Instances');
    const form = el('form', { className: 'pane-header instance-form' }, this.query, el('button', { type: 'submit' }, 'Open'));
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.find(this.query.value.trim());
    });
    pane.append(form, this.details, this.running);
    eventBus.on(LIBRARY_CHANGED, () => void this.runningInstances.listAgain());
    sidePanel.onSeen('instances', () => this.runningInstances.wake());
    void this.runningInstances.start();
    // following a call activity of an instance opens the child instance it started
    eventBus.on(DRILLDOWN_REQUESTED, 1500, (event: { key: string }) => {
      if (!this.current || this.workspace.meta.context !== contextOf(this.current)) return undefined;
      const child = this.current.children.find((candidate) => candidate.processKey === event.key);
      if (!child) return undefined;
      void this.open(child.id);
      return false;
    });
    eventBus.on(DOCUMENT_OPENED, () => {
      if (this.current && this.workspace.meta.context !== contextOf(this.current)) {
        this.current = null;
        replaceChildren(this.details);
      }
      this.runningInstances.documentOpened();
    });
  }

  /** An instance id, or else a business key (the root instance of that order). */
  async find(text: string): Promise<void> {
    if (!text) return;
    try {
      let id = text;
      const byKey = await this.config.api.findInstances({ businessKey: text });
      if (byKey.length) {
        const roots = byKey.filter((instance) => !instance.parentId);
        id = (roots.find((instance) => instance.status === 'running') ?? roots[0] ?? byKey[0]).id;
      }
      await this.open(id);
    } catch (error) {
      this.statusLine.error(error, `Finding instance ${text}`);
    }
  }

  /** Opens the instance on the diagram; `showPanel: false` leaves the side panel on the tab it shows (the Incidents tab). */
  async open(id: string, { showPanel = true } = {}): Promise<void> {
    try {
      const instance = await this.config.api.getInstance(id);
      const xml = await this.config.api.getVersionXml(instance.processKey, instance.version);
      const detail = await this.config.api.getProcess(instance.processKey);
      this.current = instance;
      await this.workspace.open(xml, {
        key: instance.processKey, name: detail.name, version: instance.version, latestVersion: detail.latestVersion,
        readOnly: true, origin: 'instance', context: contextOf(instance),
      }, { detail });
      const { ownWaits, childWaits } = this.highlighter.highlight(instance);
      if (showPanel) this.sidePanel.show('instances');
      this.renderDetails(instance, ownWaits.length + childWaits.length);
    } catch (error) {
      this.statusLine.error(error, `Opening instance ${id}`);
    }
  }

  private renderDetails(instance: InstanceView, waitCount: number): void {
    const child = (summary: InstanceSummary) => el('li', {},
      el('button', { type: 'button', className: 'link-button', 'data-instance': summary.id, onclick: () => void this.open(summary.id) },
        `${summary.processKey} v${summary.version}`), ` ${summary.status}`);
    replaceChildren(this.details,
      el('div', { className: 'instance-card', 'data-instance': instance.id },
        el('div', { className: 'instance-title' }, el('strong', {}, instance.businessKey ?? instance.id),
          el('span', { className: `instance-status ${instance.status}`, 'data-status': instance.status }, instance.status),
          el('button', { type: 'button', className: 'link-button', 'data-action': 'refresh-instance', title: 'Load the instance again', onclick: () => void this.open(instance.id) }, 'Refresh')),
        el('div', { className: 'instance-line' }, `${instance.processKey} v${instance.version} · instance ${instance.id}`),
        instance.parentId ? el('button', { type: 'button', className: 'link-button', onclick: () => void this.open(instance.parentId!) }, '↑ parent instance') : null,
        instance.incident ? el('div', { className: 'instance-incident' }, `Incident at ${instance.incident.elementId ?? 'process'}: ${instance.incident.message}`) : null,
        el('h4', {}, `Waits for (${waitCount})`),
        el('ul', { className: 'instance-waiting' }, instance.waiting.length
          ? instance.waiting.map((wait) => el('li', { 'data-element': wait.elementId, 'data-process': wait.processKey, title: wait.taskId ? `task ${wait.taskId}` : '' },
            describeWait(wait),
            wait.processKey !== instance.processKey || wait.instanceId !== instance.id
              ? el('button', { type: 'button', className: 'link-button', onclick: () => void this.open(wait.instanceId) }, ` in ${wait.processKey} ›`)
              : null))
          : el('li', { className: 'empty' }, instance.status === 'running' ? 'nothing (running)' : `nothing: ${instance.status}`)),
        instance.children.length ? [el('h4', {}, 'Called processes'), el('ul', {}, instance.children.map(child))] : null,
        el('h4', {}, 'Path'),
        el('ol', { className: 'instance-history' }, instance.history
          .filter((entry) => entry.instanceId === instance.id)
          .slice(-30)
          .map((entry) => el('li', { title: `${entry.event} ${entry.elementId ?? ''} at ${entry.at}` },
            `${readableEvent(entry.event)}${entry.elementId ? ` ${this.elementName(entry.elementId)}` : ''}${entry.actor ? ` by ${entry.actor}` : ''}`)))));
  }

  private elementName(elementId: string): string {
    const element = this.elementRegistry.get(elementId) as { businessObject?: { name?: string } } | undefined;
    return element?.businessObject?.name || elementId;
  }

  private renderRunning(listing: RunningListing): void {
    if (!listing) {
      replaceChildren(this.running);
      return;
    }
    const { processKey: key, list: { items: instances, total } } = listing;
    replaceChildren(this.running,
      el('h4', { 'data-running-total': total },
        `Running instances of ${key} (${total}) `,
        el('button', { type: 'button', className: 'link-button', 'data-action': 'refresh-running', title: 'Ask the server again', onclick: () => void this.runningInstances.listAgain() }, 'Refresh')),
      total > instances.length ? el('p', { className: 'empty' }, `The ${instances.length} newest are listed; search by order number for the others.`) : null,
      instances.length
        ? el('ul', {}, instances.map((instance) => el('li', {},
          el('button', { type: 'button', className: 'link-button', 'data-instance': instance.id, onclick: () => void this.open(instance.id) },
            instance.businessKey ?? instance.id), ` v${instance.version}`)))
        : el('p', { className: 'empty' }, 'None running.'));
  }
}

// helpers

/** `element.entered` → `entered`, `instance.started` → `started`. */
function readableEvent(event: string): string {
  return event.replace(/^(element|instance|task|job|message|timer)\./, '').replace(/[-_]/g, ' ');
}

function contextOf(instance: InstanceSummary): string {
  return `instance ${instance.businessKey ? `${instance.businessKey} ` : ''}(${instance.status})`;
}
