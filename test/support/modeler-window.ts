// The modeler's page as the browser tests reach into it: modeler/src/main.ts
// leaves the bpmn-js modeler on `window.stratumModeler`, and the tests mark
// imports and opens on the window. page.evaluate sends a callback's source to
// the page, so a callback cannot call a helper from here: it casts
// `window as unknown as ModelerWindow` itself (a type only, gone at run time).
// The services list only what the tests call, with bpmn-js's signatures.
import type { ModdleElement } from 'bpmn-moddle';

/** A diagram element of the canvas (a shape, a connection or a label). */
export interface CanvasElement {
  id: string;
  type: string;
  businessObject: ModdleElement;
}

interface ElementRegistry {
  get(id: string): CanvasElement | undefined;
  filter(test: (element: CanvasElement) => boolean): CanvasElement[];
}

interface Selection {
  select(elements: CanvasElement | CanvasElement[] | null): void;
}

interface Modeling {
  updateLabel(element: CanvasElement, text: string): void;
  updateProperties(element: CanvasElement, properties: Record<string, unknown>): void;
  appendShape(source: CanvasElement, shape: { type: string }): CanvasElement;
  moveElements(elements: CanvasElement[], delta: { x: number; y: number }): void;
}

interface PageModeler {
  get(service: 'elementRegistry'): ElementRegistry;
  get(service: 'selection'): Selection;
  get(service: 'modeling'): Modeling;
  get(service: 'bpmnReplace'): { replaceElement(element: CanvasElement, target: { type: string }): CanvasElement };
  get(service: 'moddle'): { create(type: string, properties?: Record<string, unknown>): ModdleElement };
  get(service: 'commandStack'): { undo(): void };
  get(service: 'eventBus'): { once(event: string, callback: () => void): void };
  on(event: string, callback: () => void): void;
}

export interface ModelerWindow {
  stratumModeler: PageModeler;
  /** Set by openFileInModeler: how many imports the modeler finished since it started counting. */
  stratumImports?: number;
  stratumImportCounter?: boolean;
  /** Set by the canvas test: the document it opened has finished opening. */
  stratumOpened?: boolean;
  /** Set by saveFromModeler: the files the modeler's download links handed the browser, in order. */
  stratumSaves?: { fileName: string; blob: Blob | undefined }[];
}
