import type EventBus from 'diagram-js/lib/core/EventBus';
import type { StratumConfig } from '../../config';
import type { ApiClient, DecisionSummary } from '../../api/client';
import { el, replaceChildren } from '../../dom/element';
import type SidePanel from '../shell/SidePanel';
import type StatusLine from '../shell/StatusLine';
import type DecisionView from './DecisionView';
import { DMN_FILES_CHANGED, type default as DmnFiles } from './DmnFiles';
import { DEPLOYED } from '../deploy/deployed-event';

/**
 * The Decisions tab: the deployed DMN decisions (GET /api/decisions), each opened
 * read-only over the canvas from the file its latest version came in, and "Open .dmn…"
 * for a file from disk. Decisions deploy with the processes that call them (Deploy…
 * or the API); this modeler shows them, it does not edit them. A file from disk is kept
 * for this session (DmnFiles), and Deploy… offers it to go with the process. The list is read
 * when the tab is shown and after a deployment from this browser.
 */
export default class DecisionsPanel {
  static $inject = ['sidePanel', 'decisionView', 'statusLine', 'config.stratum', 'dmnFiles', 'eventBus'];

  private readonly api: ApiClient;
  private readonly list = el('ul', { className: 'decision-list', 'aria-label': 'Deployed decisions' });
  private readonly picker = el('input', { type: 'file', accept: '.dmn,.xml,application/xml,text/xml', hidden: true, 'data-file-input': 'dmn' });
  /** Lists asked for so far: only the newest answer is shown. */
  private listings = 0;

  constructor(
    sidePanel: SidePanel,
    private readonly view: DecisionView,
    private readonly statusLine: StatusLine,
    config: StratumConfig,
    private readonly dmnFiles: DmnFiles,
    private readonly eventBus: EventBus,
  ) {
    this.api = config.api;
    const pane = sidePanel.addTab('decisions', 'Decisions');
    pane.append(
      el('div', { className: 'pane-header' },
        el('button', { type: 'button', className: 'link-button', 'data-action': 'open-dmn', title: 'Show a .dmn file from disk (read-only)', onclick: () => this.picker.click() }, 'Open .dmn…'),
        el('button', { type: 'button', className: 'link-button', title: 'Reload the deployed decisions', onclick: () => void this.refresh() }, 'Refresh')),
      this.picker,
      this.list);
    this.picker.addEventListener('change', () => void this.openPicked());
    // listed each time the tab is shown (after sign-in, and after a deployment elsewhere)
    new MutationObserver(() => {
      if (!pane.hidden) void this.refresh();
    }).observe(pane, { attributes: true, attributeFilter: ['hidden'] });
    // a deployment from this browser may give a decision a new version: the list on screen says so at once
    eventBus.on(DEPLOYED, () => {
      if (!pane.hidden) void this.refresh();
    });
  }

  async refresh(): Promise<void> {
    const run = ++this.listings;
    let decisions: DecisionSummary[];
    try {
      decisions = await this.api.listDecisions();
    } catch (error) {
      if (run === this.listings) this.statusLine.error(error, 'Listing the deployed decisions');
      return;
    }
    // a list asked for earlier (the tab shown just before a deployment) never replaces a newer one
    if (run !== this.listings) return;
    if (!decisions.length) {
      replaceChildren(this.list, el('li', { className: 'empty' }, 'No decisions deployed yet. They deploy with the processes that call them.'));
      return;
    }
    replaceChildren(this.list, decisions.map((decision) => el('li', { className: 'decision-item', 'data-decision': decision.id },
      el('button', {
        type: 'button', className: 'decision-open', title: `Show ${decision.id}, version ${decision.latestVersion} (read-only)`,
        onclick: () => void this.openDeployed(decision),
      }, decision.name || decision.id),
      el('span', { className: 'decision-meta' }, `${decision.id} · v${decision.latestVersion} · ${decision.fileName}`))));
  }

  async openDeployed(decision: DecisionSummary): Promise<void> {
    const label = `${decision.name || decision.id} (${decision.id}), version ${decision.latestVersion}`;
    try {
      const xml = await this.api.getDecisionXml(decision.id, decision.latestVersion);
      await this.view.show(xml, { title: label, decisionId: decision.id });
      this.statusLine.show(`Showing decision ${label} from ${decision.fileName}, read-only`, 'success');
    } catch (error) {
      this.statusLine.error(error, `Showing decision ${decision.id}`);
    }
  }

  private async openPicked(): Promise<void> {
    const file = this.picker.files?.[0];
    this.picker.value = '';
    if (!file) return;
    try {
      const xml = await file.text();
      await this.view.show(xml, { title: file.name });
      // shown, so it reads as DMN: Deploy… may take it along
      this.dmnFiles.keep(file.name, xml);
      this.eventBus.fire(DMN_FILES_CHANGED);
      this.statusLine.show(`Showing ${file.name}, read-only; Deploy… can take it along`, 'success');
    } catch (error) {
      this.statusLine.error(error, `Opening ${file.name}`);
    }
  }
}
