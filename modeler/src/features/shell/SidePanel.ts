import type EventBus from 'diagram-js/lib/core/EventBus';
import { el } from '../../dom/element';
import type { StratumConfig } from '../../config';

/** Fired with `{ id }` when a tab comes on screen (chosen, or the folded panel unfolded), for tabs that refresh only while seen. */
const SIDE_TAB_SHOWN = 'stratum.sidePanel.shown';
/** Fired when a feature brings a tab forward while the panel is folded away: LayoutToggles unfolds it, as its button would. */
export const SIDE_PANEL_UNFOLD_REQUESTED = 'stratum.sidePanel.unfoldRequested';

/** The tabbed panel left of the canvas (library, history, instances …). */
export default class SidePanel {
  static $inject = ['config.stratum', 'eventBus'];

  private readonly tabs = el('div', { className: 'side-tabs', role: 'tablist' });
  private readonly body = el('div', { className: 'side-body' });
  private readonly panes = new Map<string, { tab: HTMLButtonElement; pane: HTMLElement }>();
  /** Folded away (LayoutToggles): no tab is on screen, whichever is chosen. */
  private folded = false;

  constructor(config: StratumConfig, private readonly eventBus: EventBus) {
    config.sidePanel.append(this.tabs, this.body);
  }

  /** Adds a tab; returns the element the feature renders into. */
  addTab(id: string, label: string): HTMLElement {
    const pane = el('section', { className: 'side-pane', 'data-pane': id, hidden: true });
    const tab = el('button', {
      type: 'button',
      className: 'side-tab',
      role: 'tab',
      'data-tab': id,
      onclick: () => this.show(id),
    }, label);
    this.tabs.append(tab);
    this.body.append(pane);
    this.panes.set(id, { tab, pane });
    // the first tab is chosen, not brought forward: a panel that starts folded away stays folded
    if (this.panes.size === 1) this.choose(id);
    return pane;
  }

  /**
   * Brings the tab forward. A feature showing its pane (an instance, an incident, a diff) wants it seen, so a panel
   * folded away is unfolded; unfolding puts the tab on screen (and tabs that refresh while seen refresh at once).
   */
  show(id: string): void {
    this.choose(id);
    if (this.folded) this.eventBus.fire(SIDE_PANEL_UNFOLD_REQUESTED);
  }

  private choose(id: string): void {
    const wasHidden = this.panes.get(id)?.pane.hidden;
    for (const [paneId, { tab, pane }] of this.panes) {
      const selected = paneId === id;
      pane.hidden = !selected;
      tab.classList.toggle('selected', selected);
      tab.setAttribute('aria-selected', String(selected));
    }
    if (wasHidden && !this.folded) this.eventBus.fire(SIDE_TAB_SHOWN, { id });
  }

  /**
   * Offers the tab or takes it away (a tab only some users may use: the Audit tab for `operations`). A tab taken away
   * while chosen hands the panel to the first tab still offered.
   */
  setTabShown(id: string, shown: boolean): void {
    const entry = this.panes.get(id);
    if (!entry || entry.tab.hidden === !shown) return;
    entry.tab.hidden = !shown;
    if (shown || entry.pane.hidden) return;
    const first = [...this.panes].find(([, { tab }]) => !tab.hidden)?.[0];
    if (first) this.choose(first);
    else entry.pane.hidden = true;
  }

  /** Folds the panel away or back (LayoutToggles); unfolded, its chosen tab comes on screen again. */
  setFolded(folded: boolean): void {
    if (folded === this.folded) return;
    this.folded = folded;
    const chosen = [...this.panes].find(([, { pane }]) => !pane.hidden)?.[0];
    if (!folded && chosen) this.eventBus.fire(SIDE_TAB_SHOWN, { id: chosen });
  }

  /** Whether someone can see the tab: it is the chosen one, the panel is not folded away, the browser page is visible. */
  isSeen(id: string): boolean {
    return !this.folded && this.panes.get(id)?.pane.hidden === false && document.visibilityState === 'visible';
  }

  /** Calls `run` whenever the tab may have come into sight: chosen, the panel unfolded, or the browser page shown again. */
  onSeen(id: string, run: () => void): void {
    this.eventBus.on(SIDE_TAB_SHOWN, ({ id: shown }: { id: string }) => {
      if (shown === id) run();
    });
    document.addEventListener('visibilitychange', run);
  }
}
