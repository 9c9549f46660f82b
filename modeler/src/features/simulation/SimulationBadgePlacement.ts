import type EventBus from 'diagram-js/lib/core/EventBus';
import type Overlays from 'diagram-js/lib/features/overlays/Overlays';
import type { Overlay } from 'diagram-js/lib/features/overlays/Overlays';
import type { Element, Shape } from 'diagram-js/lib/model/Types';

/** Token simulation's overlays on elements: token counts, context pads (trigger, gateway choice, pause) and notifications. */
const SIMULATION_OVERLAYS = ['bts-token-count', 'bts-context-menu', 'bts-element-notification'];
/** When token simulation adds, replaces or removes those overlays. */
const PLACING_EVENTS = [
  'tokenSimulation.toggleMode', 'tokenSimulation.resetSimulation', 'tokenSimulation.simulator.elementChanged',
  'tokenSimulation.simulator.destroyScope', 'tokenSimulation.scopeFilterChanged', 'root.set',
];
/** After token simulation's own listeners, which run at low priority (500) too. */
const AFTER_TOKEN_SIMULATION = 100;
const GAP = 4;

interface Box { x: number; y: number; width: number; height: number }

/**
 * Keeps token simulation's badges beside labels, never over them. Token simulation places a token
 * count at an element's bottom left corner, its context pad (trigger an event, choose a gateway's
 * flow) at the top left and notifications at the top right; an event's or a gateway's label below
 * or above it is then partly hidden. After token simulation has (re)drawn its overlays, each one
 * that covers its element's label moves beside the element — left, right, below or above, the
 * first place clear of the label — through the overlay's own node (public `overlays.get`; token
 * simulation keeps managing the overlays). The diagram's coordinates are the overlay's: the shift
 * scales with the zoom.
 */
export default class SimulationBadgePlacement {
  static $inject = ['eventBus', 'overlays'];

  private scheduled = false;

  constructor(eventBus: EventBus, private readonly overlays: Overlays) {
    eventBus.on(PLACING_EVENTS, AFTER_TOKEN_SIMULATION, () => this.schedule());
  }

  /** Places the badges once the current burst of simulation events is drawn (token simulation redraws per event). */
  schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => {
      this.scheduled = false;
      this.placeAll();
    });
  }

  placeAll(): void {
    for (const type of SIMULATION_OVERLAYS) {
      const found = this.overlays.get({ type });
      for (const overlay of Array.isArray(found) ? found : [found]) this.place(overlay);
    }
  }

  private place(overlay: Overlay): void {
    const html = overlay.html;
    const element = overlay.element;
    if (typeof html === 'string' || typeof element === 'string' || 'waypoints' in element) return;
    html.style.transform = '';
    const shape = element as Shape;
    const labels = ((shape.labels ?? []) as Element[]).filter((label) => !label.hidden && (label.businessObject as { name?: string } | undefined)?.name)
      .map((label) => relativeBox(label as Shape, shape));
    const width = html.offsetWidth;
    const height = html.offsetHeight;
    if (!labels.length || !width || !height) return;
    const current = defaultBox(overlay, shape, width, height);
    if (!labels.some((label) => intersects(current, label))) return;
    const beside: Box[] = [
      { x: -width - GAP, y: (shape.height - height) / 2, width, height },
      { x: shape.width + GAP, y: (shape.height - height) / 2, width, height },
      { x: current.x, y: Math.max(shape.height, ...labels.map((label) => label.y + label.height)) + GAP, width, height },
      { x: current.x, y: Math.min(0, ...labels.map((label) => label.y)) - height - GAP, width, height },
    ];
    const place = beside.find((box) => !labels.some((label) => intersects(box, label)));
    if (place) html.style.transform = `translate(${place.x - current.x}px, ${place.y - current.y}px)`;
  }
}

// helpers

/** Where diagram-js puts the overlay's node, relative to the element's top left corner (Overlays#_updateOverlay). */
function defaultBox(overlay: Overlay, shape: Shape, width: number, height: number): Box {
  const { top, right, bottom, left } = overlay.position;
  const x = left !== undefined ? left : right !== undefined ? shape.width - right : 0;
  const y = top !== undefined ? top : bottom !== undefined ? shape.height - bottom : 0;
  return { x, y, width, height };
}

function relativeBox(label: Shape, shape: Shape): Box {
  return { x: label.x - shape.x, y: label.y - shape.y, width: label.width, height: label.height };
}

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
