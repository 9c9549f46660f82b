// Side by side, the older version and the newer one are read as one picture: both canvases show the same part of the
// diagram at the same zoom (versions of one process share their coordinates), whichever of the two the designer zooms
// or scrolls. Only diagram-js's public viewbox API and its `canvas.viewbox.changed` event are used.

interface Viewbox {
  x: number;
  y: number;
  width: number;
  height: number;
  scale: number;
  outer: { width: number; height: number };
}

/** A canvas with its event bus, as diagram-js's Canvas and EventBus have them. */
export interface SyncedCanvas {
  canvas: {
    viewbox(): Viewbox;
    viewbox(box: { x: number; y: number; width: number; height: number }): Viewbox;
  };
  eventBus: {
    on(event: string, callback: () => void): void;
    off(event: string, callback: () => void): void;
  };
}

const VIEWBOX_CHANGED = 'canvas.viewbox.changed';
/** Below this, two viewboxes are the same (rounding of diagram-js's matrix). */
const EPSILON = 1e-3;

/**
 * `follower` takes `leader`'s zoom and position at once, then each follows the other. Returns the function that
 * stops it. A change made here is not echoed back: diagram-js fires the event while the viewbox is set (without its
 * `deferUpdate`), so a flag marks it, and a viewbox already equal to the other's is left alone (a deferred event).
 */
export function syncViewboxes(leader: SyncedCanvas, follower: SyncedCanvas): () => void {
  let applying = false;
  const follow = (from: SyncedCanvas, to: SyncedCanvas) => {
    if (applying) return;
    const box = from.canvas.viewbox();
    const current = to.canvas.viewbox();
    if (!box.scale || !current.outer.width || !current.outer.height) return;
    // the same scale and top left corner, over the other canvas's own size
    const target = { x: box.x, y: box.y, width: current.outer.width / box.scale, height: current.outer.height / box.scale };
    if (same(current, target)) return;
    applying = true;
    try {
      to.canvas.viewbox(target);
    } finally {
      applying = false;
    }
  };
  const leaderChanged = () => follow(leader, follower);
  const followerChanged = () => follow(follower, leader);
  leader.eventBus.on(VIEWBOX_CHANGED, leaderChanged);
  follower.eventBus.on(VIEWBOX_CHANGED, followerChanged);
  follow(leader, follower);
  return () => {
    leader.eventBus.off(VIEWBOX_CHANGED, leaderChanged);
    follower.eventBus.off(VIEWBOX_CHANGED, followerChanged);
  };
}

function same(a: { x: number; y: number; width: number; height: number }, b: { x: number; y: number; width: number; height: number }): boolean {
  return Math.abs(a.x - b.x) < EPSILON && Math.abs(a.y - b.y) < EPSILON
    && Math.abs(a.width - b.width) < EPSILON && Math.abs(a.height - b.height) < EPSILON;
}
