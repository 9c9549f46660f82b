import type EventBus from 'diagram-js/lib/core/EventBus';
import { el } from '../../dom/element';
import type { StratumConfig } from '../../config';

/** Fired with `{ id }` when a tab comes on screen, for tabs that refresh only while seen. */
export const SIDE_TAB_SHOWN = 'stratum.sidePanel.shown';

/** The tabbed panel left of the canvas (library, history, instances …). */
export default class SidePanel {
  static $inject = ['config.stratum', 'eventBus'];

  private readonly tabs = el('div', { className: 'side-tabs', role: 'tablist' });
  private readonly body = el('div', { className: 'side-body' });
  private readonly panes = new Map<string, { tab: HTMLButtonElement; pane: HTMLElement }>();

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
    if (this.panes.size === 1) this.show(id);
    return pane;
  }

  show(id: string): void {
    const wasHidden = this.panes.get(id)?.pane.hidden;
    for (const [paneId, { tab, pane }] of this.panes) {
      const selected = paneId === id;
      pane.hidden = !selected;
      tab.classList.toggle('selected', selected);
      tab.setAttribute('aria-selected', String(selected));
    }
    if (wasHidden) this.eventBus.fire(SIDE_TAB_SHOWN, { id });
  }
}
