// dmn-js's viewer and its styles: loaded only when a decision is first shown, so the
// modeler's own bundle does not carry it (vite makes this module a chunk of its own).
import DmnViewer from 'dmn-js/lib/Viewer';
import { migrateDiagram } from '@bpmn-io/dmn-migrate';

import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-js-boxed-expression.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css';

const DMN13_URI = 'https://www.omg.org/spec/DMN/20191111/MODEL/';

interface DmnView {
  /** `drd`, `decisionTable`, `literalExpression`, `boxedExpression`. */
  type: string;
  id: string;
  name: string;
}

/** A read-only view of one DMN file: its DRD and each decision's table or expression. */
export interface ReadOnlyDmn {
  views: DmnView[];
  active: DmnView | null;
  open(id: string): Promise<void>;
  destroy(): void;
}

/**
 * Shows `xml` in `container` with dmn-js's viewer (no editing), opening the view of
 * `decisionId` when given, else the first (the DRD when the file has one). DMN 1.1 and 1.2
 * files, as Camunda Modeler wrote them before version 4, are migrated to 1.3 first, as the
 * engine reads them.
 */
export async function showDmn(container: HTMLElement, xml: string, decisionId?: string): Promise<ReadOnlyDmn> {
  const viewer = new DmnViewer({ container });
  try {
    await viewer.importXML(xml.includes(DMN13_URI) ? xml : await migrateDiagram(xml));
  } catch (error) {
    viewer.destroy();
    throw error;
  }
  const describe = (view: { type: string; element: { id: string; name?: string } }): DmnView => ({
    type: view.type, id: view.element.id, name: view.element.name || view.element.id,
  });
  const find = (id: string) => viewer.getViews().find((view) => view.element.id === id);
  const initial = decisionId ? find(decisionId) : undefined;
  if (initial) await viewer.open(initial);
  return {
    get views() { return viewer.getViews().map(describe); },
    get active() {
      const view = viewer.getActiveView();
      return view ? describe(view) : null;
    },
    async open(id: string) {
      const view = find(id);
      if (!view) throw new Error(`the file has no decision or diagram ${id}`);
      await viewer.open(view);
    },
    destroy() { viewer.destroy(); },
  };
}
