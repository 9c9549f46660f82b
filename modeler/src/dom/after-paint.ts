// Work that can wait until the diagram is on screen: when the browser is idle
// after painting (at the latest after `timeoutMs`), or a task after the next
// frame where requestIdleCallback does not exist (Safari).
export function whenIdleAfterPaint(work: () => void, timeoutMs = 1000): void {
  requestAnimationFrame(() => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => work(), { timeout: timeoutMs });
    else setTimeout(work, 0);
  });
}
