// Side by side (viewbox-sync.ts): the older version's canvas takes the newer one's zoom and position, and each
// follows the other's zooming and scrolling, without echoing a change back (no feedback loop).
import { describe, expect, it } from 'vitest';
import { syncViewboxes, type SyncedCanvas } from '../../../../modeler/src/features/diff/viewbox-sync.js';

/** A canvas as diagram-js's: viewbox(box) scales to fit the box in its container and fires the change at once. */
function fakeCanvas(outer: { width: number; height: number }, start = { x: 0, y: 0, scale: 1 }) {
  const listeners = new Map<string, Set<() => void>>();
  let view = { ...start };
  let sets = 0;
  const viewbox = (box?: { x: number; y: number; width: number; height: number }) => {
    if (box) {
      sets++;
      view = { x: box.x, y: box.y, scale: Math.min(outer.width / box.width, outer.height / box.height) };
      for (const listener of listeners.get('canvas.viewbox.changed') ?? []) listener();
    }
    return { ...view, width: outer.width / view.scale, height: outer.height / view.scale, outer };
  };
  const synced: SyncedCanvas = {
    canvas: { viewbox },
    eventBus: {
      on: (event, callback) => { listeners.set(event, (listeners.get(event) ?? new Set()).add(callback)); },
      off: (event, callback) => { listeners.get(event)?.delete(callback); },
    },
  };
  return {
    synced,
    sets: () => sets,
    listeners: () => listeners.get('canvas.viewbox.changed')?.size ?? 0,
    /** What the user does: zoom or scroll, through the canvas's own viewbox(). */
    move: (x: number, y: number, scale: number) => viewbox({ x, y, width: outer.width / scale, height: outer.height / scale }),
    view: () => viewbox(),
  };
}

describe('two canvases side by side', () => {
  it('gives the older version the newer one\'s zoom and position at once, not a fit of its own', () => {
    const newer = fakeCanvas({ width: 600, height: 700 }, { x: 120, y: -40, scale: 0.9 });
    const older = fakeCanvas({ width: 600, height: 700 }, { x: 0, y: 0, scale: 0.3 });
    syncViewboxes(newer.synced, older.synced);
    expect(older.view()).toMatchObject({ x: 120, y: -40 });
    expect(older.view().scale).toBeCloseTo(0.9);
  });

  it('follows zooming and scrolling of either canvas, each change applied once', () => {
    const newer = fakeCanvas({ width: 600, height: 700 });
    const older = fakeCanvas({ width: 500, height: 700 });
    syncViewboxes(newer.synced, older.synced);
    const [newerSets, olderSets] = [newer.sets(), older.sets()];

    newer.move(300, 50, 1.5);
    expect(older.view()).toMatchObject({ x: 300, y: 50 });
    expect(older.view().scale).toBeCloseTo(1.5);
    older.move(-20, 10, 0.8);
    expect(newer.view()).toMatchObject({ x: -20, y: 10 });
    expect(newer.view().scale).toBeCloseTo(0.8);
    // each user move set the other canvas once and was not echoed back to the one moved
    expect(older.sets() - olderSets).toBe(2);
    expect(newer.sets() - newerSets).toBe(2);
  });

  it('stops following when stopped', () => {
    const newer = fakeCanvas({ width: 600, height: 700 });
    const older = fakeCanvas({ width: 600, height: 700 });
    const stop = syncViewboxes(newer.synced, older.synced);
    stop();
    expect([newer.listeners(), older.listeners()]).toEqual([0, 0]);
    newer.move(300, 50, 1.5);
    expect(older.view()).toMatchObject({ x: 0, y: 0, scale: 1 });
  });
});
