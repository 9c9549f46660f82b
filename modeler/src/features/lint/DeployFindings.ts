import type EventBus from 'diagram-js/lib/core/EventBus';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type Overlays from 'diagram-js/lib/features/overlays/Overlays';
import type Selection from 'diagram-js/lib/features/selection/Selection';
import type { Finding } from '../../api/client';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import { DOCUMENT_OPENED } from '../workspace/Workspace';
import { isAboutOpenFile } from './finding-file';

const OVERLAY_TYPE = 'stratum-deploy-finding';
const MARKER = 'stratum-deploy-finding';

/** What the server refused at deploy, shown on the elements it names and listed below the canvas. */
export default class DeployFindings {
  static $inject = ['eventBus', 'canvas', 'elementRegistry', 'overlays', 'selection', 'config.stratum'];

  private marked: string[] = [];

  constructor(
    eventBus: EventBus,
    private readonly canvas: Canvas,
    private readonly elementRegistry: ElementRegistry,
    private readonly overlays: Overlays,
    private readonly selection: Selection,
    private readonly config: StratumConfig,
  ) {
    eventBus.on(DOCUMENT_OPENED, () => this.clear());
    eventBus.on('elements.changed', (event: { elements: { id: string }[] }) => {
      for (const element of event.elements) if (this.marked.includes(element.id)) this.resolve(element.id);
    });
  }

  /** The designer changed an element the server named: its badge goes, its findings are struck through. */
  private resolve(elementId: string): void {
    this.overlays.remove({ element: elementId, type: OVERLAY_TYPE });
    this.canvas.removeMarker(elementId, MARKER);
    this.marked = this.marked.filter((id) => id !== elementId);
    for (const item of this.config.findings.querySelectorAll(`li[data-element="${CSS.escape(elementId)}"]`)) {
      item.classList.add('resolved');
      item.setAttribute('title', 'Changed since the server refused it');
    }
  }

  /**
   * Lists `findings` below the canvas and marks those of `openFile` (the open diagram as Deploy… sent it) on its
   * elements; another file's finding is listed with its file, never marked on an element of the same id here.
   */
  show(findings: Finding[], title: string, openFile?: string): void {
    this.clear();
    const drawnHere = (finding: Finding): finding is Finding & { elementId: string } => !!finding.elementId && isAboutOpenFile(finding, openFile) && !!this.elementRegistry.get(finding.elementId);
    const byElement = new Map<string, Finding[]>();
    for (const finding of findings) {
      if (!drawnHere(finding)) continue;
      byElement.set(finding.elementId, [...(byElement.get(finding.elementId) ?? []), finding]);
    }
    for (const [elementId, elementFindings] of byElement) {
      const severity = elementFindings.some((f) => f.severity === 'error') ? 'error' : 'warning';
      this.canvas.addMarker(elementId, MARKER);
      this.marked.push(elementId);
      this.overlays.add(elementId, OVERLAY_TYPE, {
        position: { top: -12, left: -12 },
        scale: false,
        html: el('div', {
          className: `stratum-finding-badge ${severity}`,
          'data-element': elementId,
          title: elementFindings.map((f) => `${f.rule}: ${f.message}`).join('\n'),
        }, String(elementFindings.length)),
      });
    }
    const list = el('ul', {}, findings.map((finding) => el('li', { className: finding.severity, 'data-rule': finding.rule, 'data-element': finding.elementId ?? '' },
      drawnHere(finding)
        ? el('button', { type: 'button', className: 'link-button', onclick: () => this.reveal(finding.elementId) }, finding.elementId)
        : el('span', { className: 'finding-element' }, finding.elementId ?? finding.file ?? 'document'),
      ` ${finding.message} `,
      el('span', { className: 'finding-rule' }, `(${finding.rule}${finding.file ? `, ${finding.file}` : ''})`))));
    replaceChildren(this.config.findings,
      el('div', { className: 'findings-header' },
        el('strong', {}, title),
        el('button', { type: 'button', className: 'link-button', onclick: () => this.clear() }, 'Dismiss')),
      list);
    this.config.findings.hidden = false;
  }

  clear(): void {
    this.overlays.remove({ type: OVERLAY_TYPE });
    for (const id of this.marked) {
      if (this.elementRegistry.get(id)) this.canvas.removeMarker(id, MARKER);
    }
    this.marked = [];
    replaceChildren(this.config.findings);
    this.config.findings.hidden = true;
  }

  private reveal(elementId: string): void {
    const element = this.elementRegistry.get(elementId);
    if (!element) return;
    this.canvas.scrollToElement(element);
    this.selection.select(element);
  }
}
