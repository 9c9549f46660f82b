import type Canvas from 'diagram-js/lib/core/Canvas';
import type EventBus from 'diagram-js/lib/core/EventBus';
import type Toolbar from './Toolbar';
import type SidePanel from './SidePanel';
import { SIDE_PANEL_UNFOLD_REQUESTED } from './SidePanel';
import type { StratumConfig } from '../../config';

const STORAGE_KEY = 'stratum.layout';
/** Below this width the side panel folds over the canvas (app.css), so it starts folded away. */
const NARROW = 860;

/** Folds the side panel or the properties panel away, so a wide process gets the whole screen. */
export default class LayoutToggles {
  static $inject = ['toolbar', 'canvas', 'config.stratum', 'sidePanel', 'eventBus'];

  private readonly app: HTMLElement | null;
  private hidden: { side: boolean; properties: boolean };

  constructor(private readonly toolbar: Toolbar, private readonly canvas: Canvas, config: StratumConfig, private readonly sidePanel: SidePanel, eventBus: EventBus) {
    this.app = config.sidePanel.closest('.app');
    const narrow = window.innerWidth <= NARROW;
    this.hidden = { side: narrow, properties: false, ...(JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Partial<{ side: boolean; properties: boolean }>) };
    this.apply();
    toolbar.addButton({
      id: 'toggle-side', group: 'view', label: '◧', title: 'Show or hide the library, history and instances panel',
      action: () => this.toggle('side'), isActive: () => !this.hidden.side,
    });
    toolbar.addButton({
      id: 'toggle-properties', group: 'view', label: '◨', title: 'Show or hide the properties panel',
      action: () => this.toggle('properties'), isActive: () => !this.hidden.properties,
    });
    // a feature brought a tab forward: unfolded as by the button, so the button and the stored layout say so too
    eventBus.on(SIDE_PANEL_UNFOLD_REQUESTED, () => this.setHidden('side', false));
  }

  private toggle(panel: 'side' | 'properties'): void {
    this.setHidden(panel, !this.hidden[panel]);
  }

  private setHidden(panel: 'side' | 'properties', hidden: boolean): void {
    if (this.hidden[panel] === hidden) return;
    this.hidden[panel] = hidden;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(this.hidden));
    this.apply();
    this.toolbar.refresh();
  }

  private apply(): void {
    this.app?.classList.toggle('hide-side', this.hidden.side);
    // tabs that refresh while seen pause while folded away, and catch up when unfolded
    this.sidePanel.setFolded(this.hidden.side);
    this.app?.classList.toggle('hide-properties', this.hidden.properties);
    this.canvas.resized();
  }
}
