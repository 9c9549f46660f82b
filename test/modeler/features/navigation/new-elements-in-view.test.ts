// A shape a designer adds where nobody looks is brought into view (NewElementsInView.ts): a task near the canvas's
// edge replaced by an expanded sub-process (which grows past the edge), a paste placed off-screen. A shape added in
// sight moves nothing, and undo does not scroll. Built modeler, real server, Debian's chromium.
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { browserAvailable } from '../../../support/browser.js';
import { useModelerSession } from '../../../support/modeler-session.js';

interface Box { x: number; y: number; width: number; height: number }

describe.skipIf(!browserAvailable)('new shapes brought into view', () => {
  let page: Page;
  let consoleErrors: string[] = [];
  useModelerSession({}, (session) => {
    ({ page, consoleErrors } = session);
  });

  // the page's modeler is reached with code as text: the test does not type bpmn-js's services
  const inModeler = <T>(code: string) => page.evaluate<T>(`(() => { const m = window.stratumModeler; ${code} })()`);
  const viewbox = () => inModeler<Box>(`const { x, y, width, height } = m.get('canvas').viewbox(); return { x, y, width, height };`);
  const boxOf = (id: string) => inModeler<Box>(`const { x, y, width, height } = m.get('elementRegistry').get(${JSON.stringify(id)}); return { x, y, width, height };`);
  const selectedId = () => inModeler<string>(`return m.get('selection').get()[0].id;`);
  const inside = (view: Box, box: Box) => box.x >= view.x && box.y >= view.y && box.x + box.width <= view.x + view.width && box.y + box.height <= view.y + view.height;
  /** Pans so that `id`'s lower right corner sits 10 px inside the view's. */
  const panToCorner = (id: string) => inModeler<void>(`const c = m.get('canvas'); const vb = c.viewbox(); const s = m.get('elementRegistry').get(${JSON.stringify(id)});
    c.viewbox({ x: s.x + s.width + 10 - vb.width, y: s.y + s.height + 10 - vb.height, width: vb.width, height: vb.height });`);
  const centreOn = (id: string) => inModeler<void>(`const c = m.get('canvas'); const vb = c.viewbox(); const s = m.get('elementRegistry').get(${JSON.stringify(id)});
    c.viewbox({ x: s.x + s.width / 2 - vb.width / 2, y: s.y + s.height / 2 - vb.height / 2, width: vb.width, height: vb.height });`);

  async function replaceWithExpandedSubProcess(id: string): Promise<string> {
    await inModeler<void>(`m.get('selection').select(m.get('elementRegistry').get(${JSON.stringify(id)}));`);
    await page.locator('.djs-context-pad [data-action=replace]').click();
    await page.locator('.djs-popup [data-id=replace-with-expanded-subprocess]').click();
    await expect.poll(() => inModeler<string>(`return m.get('selection').get()[0]?.type;`)).toBe('bpmn:SubProcess');
    return selectedId();
  }

  it('scrolls to a task near the edge replaced by an expanded sub-process, and to a paste placed off-screen', async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.locator('[data-action=new]').click();
    await page.locator('[data-dialog=new-process] input[name=key]').fill('in-view');
    await page.locator('[data-dialog=new-process] input[name=name]').fill('In view');
    await page.locator('[data-dialog=new-process] button[type=submit]').click();
    await expect.poll(() => page.locator('.document-key').textContent()).toBe('in-view');
    await inModeler<void>(`m.get('selection').select(m.get('elementRegistry').filter((e) => e.type === 'bpmn:StartEvent')[0]);`);
    await page.locator('.djs-context-pad [data-action="append.append-task"]').click();
    const task = await selectedId();

    await panToCorner(task);
    const before = await viewbox();
    expect(inside(before, await boxOf(task))).toBe(true);
    const subProcess = await replaceWithExpandedSubProcess(task);
    await expect.poll(async () => inside(await viewbox(), await boxOf(subProcess))).toBe(true);
    expect(await viewbox()).not.toEqual(before);

    // undo restores the task where it was: the view stays where the designer is
    const afterReplace = await viewbox();
    await inModeler<void>(`m.get('commandStack').undo();`);
    expect(await viewbox()).toEqual(afterReplace);

    // a paste at a point off-screen (copy, then paste where the context names)
    await inModeler<void>(`const cp = m.get('copyPaste'); cp.copy([m.get('elementRegistry').get(${JSON.stringify(task)})]);
      const vb = m.get('canvas').viewbox(); cp.paste({ element: m.get('canvas').getRootElement(), point: { x: vb.x + vb.width + 600, y: vb.y + vb.height / 2 } });`);
    const pasted = await inModeler<string>(`return m.get('elementRegistry').filter((e) => e.type === 'bpmn:Task' && e.id !== ${JSON.stringify(task)})[0].id;`);
    await expect.poll(async () => inside(await viewbox(), await boxOf(pasted))).toBe(true);
    expect(consoleErrors).toEqual([]);
  });

  it('moves nothing when the new shape is in sight', async () => {
    const task = await inModeler<string>(`return m.get('elementRegistry').filter((e) => e.type === 'bpmn:Task')[0].id;`);
    await centreOn(task);
    const before = await viewbox();
    const subProcess = await replaceWithExpandedSubProcess(task);
    expect(inside(before, await boxOf(subProcess))).toBe(true);
    expect(await viewbox()).toEqual(before);

    await inModeler<void>(`const cp = m.get('copyPaste'); cp.copy([m.get('elementRegistry').get(${JSON.stringify(subProcess)})]);
      const vb = m.get('canvas').viewbox(); cp.paste({ element: m.get('canvas').getRootElement(), point: { x: vb.x + vb.width / 2, y: vb.y + vb.height - 120 } });`);
    expect(await viewbox()).toEqual(before);
  });
});
