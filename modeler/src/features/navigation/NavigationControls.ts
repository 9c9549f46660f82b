import type Canvas from 'diagram-js/lib/core/Canvas';
import type EventBus from 'diagram-js/lib/core/EventBus';
import { el } from '../../dom/element';
import type Workspace from '../workspace/Workspace';

const ZOOM_STEP = 1.2;

/**
 * Zoom in, zoom out, fit the diagram and reset to 100 %, in the canvas's lower right corner
 * (the minimap sits above them). Fitting leaves the palette's column free.
 */
export default class NavigationControls {
  static $inject = ['canvas', 'workspace', 'eventBus'];

  private readonly zoomLabel = el('span', { className: 'zoom-level', 'data-zoom': '' });

  constructor(private readonly canvas: Canvas, private readonly workspace: Workspace, eventBus: EventBus) {
    const button = (action: string, label: string, title: string, onclick: () => void) =>
      el('button', { type: 'button', className: 'navigation-button', 'data-action': action, title, 'aria-label': title, onclick }, label);
    canvas.getContainer().append(el('div', { className: 'navigation-controls', role: 'group', 'aria-label': 'Zoom' },
      button('zoom-in', '+', 'Zoom in (Ctrl +)', () => this.zoomBy(ZOOM_STEP)),
      this.zoomLabel,
      button('zoom-out', '−', 'Zoom out (Ctrl −)', () => this.zoomBy(1 / ZOOM_STEP)),
      button('fit-diagram', '⤢', 'Fit the diagram (Ctrl 1 fits, Ctrl 0 resets)', () => this.fit()),
      button('reset-zoom', '1:1', 'Reset to 100 % (Ctrl 0)', () => this.reset())));
    eventBus.on('canvas.viewbox.changed', (event: { viewbox: { scale: number } }) => this.showZoom(event.viewbox.scale));
  }

  zoomBy(factor: number): void {
    const { outer } = this.canvas.viewbox();
    // around the middle of the visible canvas
    this.canvas.zoom(this.canvas.zoom() * factor, { x: outer.width / 2, y: outer.height / 2 });
  }

  /** The whole diagram, however small that makes it. */
  fit(): void {
    this.workspace.fitDiagram({ minZoom: 0.2 });
  }

  /** 100 %, the diagram's top left corner beside the palette. */
  reset(): void {
    this.workspace.fitDiagram({ minZoom: 1, maxZoom: 1 });
  }

  /** The scale the canvas reports with its change (asking the canvas again would measure the diagram again). */
  private showZoom(scale: number): void {
    this.zoomLabel.textContent = `${Math.round(scale * 100)} %`;
  }
}
