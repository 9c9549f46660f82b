import type Canvas from 'diagram-js/lib/core/Canvas';
import type EventBus from 'diagram-js/lib/core/EventBus';
import type { Element, Shape } from 'diagram-js/lib/model/Types';
import { getBBox } from 'diagram-js/lib/util/Elements';

interface CommandEvent {
  context: { shape?: Shape };
}

/**
 * Brings shapes a designer just added into view, as Camunda Modeler does. bpmn-js scrolls after an append through the
 * context pad (its auto-place), but not after other edits that add a shape where nobody looks: a task near the edge
 * replaced by an expanded sub-process (350 × 200 instead of 100 × 80), a paste or a creation placed off-screen.
 * The canvas moves only when part of what was added is outside the view, so nothing jumps while it is in sight, and
 * only for shapes on the plane shown (a drilled-down sub-process's shapes never switch the plane).
 */
export default class NewElementsInView {
  static $inject = ['eventBus', 'canvas'];

  /** The shapes the command being executed (with the commands it runs inside) added. */
  private added: Shape[] = [];

  constructor(eventBus: EventBus, private readonly canvas: Canvas) {
    // every way of adding a shape creates it with this command: create, append, paste, and replace (the new shape)
    eventBus.on('commandStack.shape.create.postExecuted', (event: CommandEvent) => this.note(event.context.shape));
    // once the whole user action is done (an append is a create and a connect): undo and redo restore where it was
    eventBus.on('commandStack.changed', (event: { trigger?: string }) => {
      const added = this.added;
      this.added = [];
      if (event.trigger === 'execute') this.bringIntoView(added);
    });
  }

  private note(shape: Shape | undefined): void {
    if (shape && !shape.labelTarget && shape.parent) this.added.push(shape);
  }

  private bringIntoView(added: Shape[]): void {
    const root = this.canvas.getRootElement();
    const shown = added.filter((shape) => shape.parent && this.canvas.findRoot(shape as Element) === root);
    if (!shown.length) return;
    const box = getBBox(shown);
    const view = this.canvas.viewbox();
    const fits = box.width <= view.width && box.height <= view.height;
    // larger than the view (a pool drawn around the process): moved only when none of it is in sight
    if (fits ? contains(view, box) : overlaps(view, box)) return;
    this.canvas.scrollToElement(shown);
  }
}

// helpers

interface Box { x: number; y: number; width: number; height: number }

function contains(outer: Box, inner: Box): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

function overlaps(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}
