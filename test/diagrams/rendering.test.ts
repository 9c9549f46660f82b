// The shipped diagrams as a person sees them: bpmn-js imports each one without
// a warning, and no text is drawn over another shape, a connection, an icon or
// another label. Rendered in Debian's chromium with bpmn-js's own viewer, so
// the text geometry is the real one, not an estimate.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, sharedChromium } from '../support/browser.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIAGRAMS = join(ROOT, 'diagrams');
const VIEWER = join(ROOT, 'node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js');
const FILES = readdirSync(DIAGRAMS).filter((file) => file.endsWith('.bpmn')).sort();

interface Box {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Rendering {
  warnings: string[];
  shapes: Box[];
  texts: Box[]; // every drawn text: external labels and text inside shapes (id = owning element)
  icons: Box[]; // markers and icons drawn inside a shape (id = owning element)
  segments: { id: string; x1: number; y1: number; x2: number; y2: number }[];
  ownerOf: Record<string, string>; // label id → labelled element id
}

/** bpmn-js's navigated viewer as its bundle leaves it on the page's window, with what this test reads of it. */
interface ViewerElement {
  id: string;
  type: string;
  parent?: ViewerElement;
  labelTarget?: ViewerElement;
  waypoints?: { x: number; y: number }[];
  x: number;
  y: number;
  width: number;
  height: number;
}

interface PageViewer {
  importXML(xml: string): Promise<{ warnings: { message: string }[] }>;
  get(service: 'elementRegistry'): { getAll(): ViewerElement[]; getGraphics(element: ViewerElement): SVGGElement };
  destroy(): void;
}

type ViewerWindow = Window & { BpmnJS: new (options: { container: HTMLElement }) => PageViewer };

let page: Page;

describe.skipIf(!browserAvailable)('the shipped diagrams as rendered by bpmn-js', () => {
  beforeAll(async () => {
    const browser = await sharedChromium();
    page = await browser.newPage({ viewport: { width: 2400, height: 1000 } });
    await page.setContent('<html><body style="margin:0"><div id="canvas" style="width:2400px;height:1000px"></div></body></html>');
    await page.addScriptTag({ content: readFileSync(VIEWER, 'utf8') });
  });

  afterAll(async () => {
    await page?.context().close();
  });

  describe.each(FILES)('%s', (file) => {
    let rendering: Rendering;

    beforeAll(async () => {
      rendering = await render(readFileSync(join(DIAGRAMS, file), 'utf8'));
    });

    it('imports into bpmn-js without a warning', () => {
      expect(rendering.warnings).toEqual([]);
      expect(rendering.shapes.length).toBeGreaterThan(2);
    });

    it('draws no label over a shape, another label or a connection', () => {
      const clashes: string[] = [];
      const labels = rendering.texts.filter((text) => rendering.ownerOf[text.id]);
      for (const label of labels) {
        const owner = rendering.ownerOf[label.id];
        for (const shape of rendering.shapes) {
          if (shape.id !== owner && intersects(label, shape)) clashes.push(`label of ${owner} over ${shape.id}`);
        }
        for (const other of labels) {
          if (other.id < label.id && intersects(label, other)) {
            clashes.push(`label of ${owner} over label of ${rendering.ownerOf[other.id]}`);
          }
        }
        for (const segment of rendering.segments) {
          if (segmentCrosses(segment, label)) clashes.push(`label of ${owner} over flow ${segment.id}`);
        }
      }
      expect(clashes).toEqual([]);
    });

    it('draws no text inside a shape over its icon or marker', () => {
      const clashes: string[] = [];
      for (const text of rendering.texts.filter((t) => !rendering.ownerOf[t.id])) {
        for (const icon of rendering.icons.filter((i) => i.id === text.id)) {
          if (intersects(text, icon)) clashes.push(`text of ${text.id} over its icon`);
        }
      }
      expect(clashes).toEqual([]);
    });
  });
});

async function render(xml: string): Promise<Rendering> {
  return page.evaluate(async (xml) => {
    const container = document.getElementById('canvas')!;
    container.innerHTML = '';
    const viewer = new (window as unknown as ViewerWindow).BpmnJS({ container });
    const { warnings } = await viewer.importXML(xml);
    const registry = viewer.get('elementRegistry');

    const local = (element: Element, offset: { x: number; y: number }, id: string) => {
      const box = (element as SVGGraphicsElement).getBBox();
      return { id, x: offset.x + box.x, y: offset.y + box.y, width: box.width, height: box.height };
    };

    const shapes: Box[] = [];
    const texts: Box[] = [];
    const icons: Box[] = [];
    const segments: Rendering['segments'] = [];
    const ownerOf: Record<string, string> = {};

    for (const element of registry.getAll()) {
      const gfx = registry.getGraphics(element);
      const visual = gfx.querySelector('.djs-visual')!;
      if (element.waypoints) {
        for (let i = 1; i < element.waypoints.length; i++) {
          const [a, b] = [element.waypoints[i - 1], element.waypoints[i]];
          segments.push({ id: element.id, x1: a.x, y1: a.y, x2: b.x, y2: b.y });
        }
        continue;
      }
      if (!element.parent) continue; // the root
      if (element.type === 'label') {
        ownerOf[element.id] = element.labelTarget!.id;
        for (const text of visual.querySelectorAll('text')) {
          if (text.textContent?.trim()) texts.push(local(text, element, element.id));
        }
        continue;
      }
      shapes.push({ id: element.id, x: element.x, y: element.y, width: element.width, height: element.height });
      for (const child of visual.children) {
        if (child.tagName === 'text') {
          if (child.textContent?.trim()) texts.push(local(child, element, element.id));
        } else if (child.tagName === 'path' && !/Gateway$|Event$/.test(element.type)) {
          icons.push(local(child, element, element.id));
        }
      }
    }
    viewer.destroy();
    return { warnings: warnings.map((warning) => warning.message), shapes, texts, icons, segments, ownerOf };
  }, xml);
}

// helpers

function intersects(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

/** Orthogonal segment against a box. */
function segmentCrosses(s: { x1: number; y1: number; x2: number; y2: number }, box: Box): boolean {
  const [left, right] = [Math.min(s.x1, s.x2), Math.max(s.x1, s.x2)];
  const [top, bottom] = [Math.min(s.y1, s.y2), Math.max(s.y1, s.y2)];
  return left < box.x + box.width && right > box.x && top < box.y + box.height && bottom > box.y;
}
