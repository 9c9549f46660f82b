import type Canvas from 'diagram-js/lib/core/Canvas';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type Overlays from 'diagram-js/lib/features/overlays/Overlays';
import type { Element } from 'diagram-js/lib/model/Types';
import type { InstanceView, WaitingElement } from '../../api/client';
import { el } from '../../dom/element';
import type DiagramIds from '../workspace/DiagramIds';
import { waitHoldText } from './wait-hold-text';

const PATH_MARKER = 'stratum-instance-path';
const WAITING_MARKER = 'stratum-instance-waiting';
const INCIDENT_MARKER = 'stratum-instance-incident';
const OVERLAY_TYPE = 'stratum-instance-waiting';
/** Room kept between a wait card and the canvas's edge, in pixels. */
const CARD_MARGIN = 8;

/** Marks an instance's path (history), where it waits (its own waits, and call activities whose child waits) and the element that failed. */
export default class InstanceHighlighter {
  static $inject = ['canvas', 'elementRegistry', 'overlays', 'diagramIds'];

  constructor(
    private readonly canvas: Canvas,
    private readonly elementRegistry: ElementRegistry,
    private readonly overlays: Overlays,
    private readonly diagramIds: DiagramIds,
  ) {}

  highlight(instance: InstanceView): { ownWaits: WaitingElement[]; childWaits: WaitingElement[] } {
    const visited = new Set<string>();
    for (const entry of instance.history) {
      if (entry.instanceId !== instance.id || !entry.elementId) continue;
      if (this.elementRegistry.get(entry.elementId)) {
        this.canvas.addMarker(entry.elementId, PATH_MARKER);
        visited.add(entry.elementId);
      }
    }
    // a flow between two visited elements was taken (history names elements, not flows)
    for (const flow of this.elementRegistry.filter((element) => element.type === 'bpmn:SequenceFlow') as Element[]) {
      const { source, target } = flow as Element & { source?: Element; target?: Element };
      if (source && target && visited.has(source.id) && visited.has(target.id)) this.canvas.addMarker(flow.id, PATH_MARKER);
    }
    const failed = instance.incident?.elementId;
    if (failed && this.elementRegistry.get(failed)) this.canvas.addMarker(failed, INCIDENT_MARKER);
    const ownWaits = instance.waiting.filter((wait) => wait.instanceId === instance.id);
    const childWaits = instance.waiting.filter((wait) => wait.instanceId !== instance.id);
    const deeperWaits = childWaits.filter((wait) => wait.type !== 'call');
    for (const wait of ownWaits) {
      const element = this.elementRegistry.get(wait.elementId) as Element | undefined;
      if (!element) continue;
      this.canvas.addMarker(element.id, WAITING_MARKER);
      const card = wait.type === 'call'
        ? waitCard(deeperWaits, instance.processKey)
        : waitCard([wait], instance.processKey);
      this.overlays.add(element.id, OVERLAY_TYPE, { position: { top: -4, left: 0 }, html: card, scale: false });
    }
    const running = instance.children.filter((child) => child.status === 'running');
    for (const callActivity of this.elementRegistry.filter((element) => element.type === 'bpmn:CallActivity') as Element[]) {
      const key = this.diagramIds.calledKeyOf(callActivity);
      const child = running.find((candidate) => candidate.processKey === key);
      if (!child || ownWaits.some((wait) => wait.elementId === this.diagramIds.elementIdOf(callActivity))) continue;
      this.canvas.addMarker(callActivity.id, WAITING_MARKER);
      this.overlays.add(callActivity, OVERLAY_TYPE, { position: { top: -4, left: 0 }, html: waitCard(deeperWaits, instance.processKey), scale: false });
    }
    this.cardsIntoView();
    return { ownWaits, childWaits };
  }

  /**
   * A card grows upwards from its element, so one near the top of the canvas (a call activity whose order waits at
   * many places) went off its top edge: the canvas scrolls just enough to show the cards, the top-most first.
   */
  private cardsIntoView(): void {
    const container = this.canvas.getContainer().getBoundingClientRect();
    const cards = [...this.canvas.getContainer().querySelectorAll('.stratum-wait-card')].map((card) => card.getBoundingClientRect());
    if (!cards.length) return;
    const top = Math.min(...cards.map((card) => card.top));
    const left = Math.min(...cards.map((card) => card.left));
    const right = Math.max(...cards.map((card) => card.right));
    const dy = top < container.top + CARD_MARGIN ? container.top + CARD_MARGIN - top : 0;
    // to the left only as far as the left-most card stays on screen
    const dx = right > container.right - CARD_MARGIN ? -Math.min(right - container.right + CARD_MARGIN, Math.max(0, left - container.left - CARD_MARGIN)) : 0;
    if (dx || dy) this.canvas.scroll({ dx, dy });
  }

  clear(): void {
    this.overlays.remove({ type: OVERLAY_TYPE });
    for (const element of this.elementRegistry.getAll() as Element[]) {
      this.canvas.removeMarker(element.id, PATH_MARKER);
      this.canvas.removeMarker(element.id, WAITING_MARKER);
      this.canvas.removeMarker(element.id, INCIDENT_MARKER);
    }
  }
}

// helpers

/** A wait in one line: where, what for, and what holds it when something does (wait-hold-text.ts). */
export function describeWait(wait: WaitingElement): string {
  const held = waitHoldText(wait.held);
  return held ? `${waitFor(wait)} — ${held}` : waitFor(wait);
}

function waitFor(wait: WaitingElement): string {
  const what = wait.name || wait.elementId;
  switch (wait.type) {
    case 'task': return `${what}: task for ${wait.candidateGroups?.join(', ') || 'anyone'}`;
    case 'message': return `${what}: waits for message ${wait.message ?? ''}`.trim();
    case 'timer': return `${what}: timer${wait.dueAt ? ` due ${new Date(wait.dueAt).toLocaleString()}` : ''}`;
    case 'job': return `${what}: job ${wait.jobType ?? ''}`.trim();
    case 'call': return `${what}: waits for a called process`;
    default: return what;
  }
}

/** Every wait, in a list that scrolls past a few lines (app.css) rather than growing over the diagram. */
function waitCard(waits: WaitingElement[], shownProcess: string): HTMLElement {
  const list = el('div', { className: 'wait-lines' },
    waits.length
      ? waits.map((wait) => el('div', { className: wait.held ? 'wait-line held' : 'wait-line', 'data-element': wait.elementId },
        wait.processKey !== shownProcess ? el('span', { className: 'wait-process' }, `${wait.processKey} › `) : null,
        describeWait(wait)))
      : el('div', { className: 'wait-line' }, 'running'));
  // the wheel scrolls the list while it can, not the canvas beneath (diagram-js listens on its container)
  list.addEventListener('wheel', (event) => {
    if (list.scrollHeight > list.clientHeight) event.stopPropagation();
  });
  return el('div', { className: 'stratum-wait-card', title: waits.length > 1 ? `${waits.length} waits` : '' }, list);
}
