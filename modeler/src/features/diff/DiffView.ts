import type EventBus from 'diagram-js/lib/core/EventBus';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import type StatusLine from '../shell/StatusLine';
import type Workspace from '../workspace/Workspace';
import { DOCUMENT_OPENED } from '../workspace/Workspace';
import { withServerProperties } from './server-properties';
import { compareVersions, itemLabel } from './VersionDiff';
import { syncViewboxes } from './viewbox-sync';
import type { DiffItem, VersionComparison } from './VersionDiff';
import { importBpmn } from '../../../../engine/interop/index.js';
import { canvasIds } from '../../bpmn/canvas-ids';
import { diagramOfProcess } from '../../bpmn/process-diagram';

const MARKERS = { added: 'stratum-diff-added', changed: 'stratum-diff-changed', layout: 'stratum-diff-layout' };

/**
 * Shows version `to` read-only with what changed since version `from` marked on the canvas,
 * and lists the changes (removed elements and changed conditions as text).
 */
export default class DiffView {
  static $inject = ['config.stratum', 'workspace', 'canvas', 'elementRegistry', 'eventBus', 'statusLine', 'selection'];

  /** The summary element; the history panel shows it. */
  readonly summary = el('div', { className: 'diff-summary', hidden: true });
  private showing: string | null = null;
  /** The older version, for the side-by-side view. */
  private older: { key: string; version: number; xml: string; comparison: VersionComparison } | null = null;
  private sideBySide: { pane: HTMLElement; destroy(): void } | null = null;

  constructor(
    private readonly config: StratumConfig,
    private readonly workspace: Workspace,
    private readonly canvas: Canvas,
    private readonly elementRegistry: ElementRegistry,
    private readonly eventBus: EventBus,
    private readonly statusLine: StatusLine,
    private readonly selection: { select(element: unknown): void },
  ) {
    eventBus.on(DOCUMENT_OPENED, () => {
      if (this.workspace.meta.context !== this.showing) this.hide();
    });
  }

  async show(key: string, from: number, to: number): Promise<void> {
    try {
      const [oldXml, newXml] = await Promise.all([this.config.api.getVersionXml(key, from), this.config.api.getVersionXml(key, to)]);
      // the server names what changed in extension elements (a call's called process …), which the differ only marks
      const [local, serverDiff] = await Promise.all([compareVersions(oldXml, newXml, key), this.config.api.getVersionDiff(key, from, to)]);
      const comparison = withServerProperties(local, serverDiff);
      const detail = await this.config.api.getProcess(key);
      const context = `changes v${from} → v${to}`;
      this.showing = context;
      await this.workspace.open(newXml, {
        key, name: detail.name, version: to, latestVersion: detail.latestVersion, readOnly: true, origin: 'library', context,
      }, { detail });
      this.older = { key, version: from, xml: oldXml, comparison };
      this.mark(comparison);
      this.render(key, from, to, comparison);
    } catch (error) {
      this.statusLine.error(error, `Comparing ${key} v${from} with v${to}`);
    }
  }

  private mark(comparison: VersionComparison): void {
    const mark = (items: DiffItem[], marker: string) => {
      for (const item of items) if (this.elementRegistry.get(item.id)) this.canvas.addMarker(item.id, marker);
    };
    mark(comparison.added, MARKERS.added);
    mark(comparison.changed, MARKERS.changed);
    mark(comparison.layoutChanged.filter((item) => !comparison.changed.some((c) => c.id === item.id) && !comparison.conditions.some((c) => c.flowId === item.id)), MARKERS.layout);
    for (const condition of comparison.conditions) {
      if (this.elementRegistry.get(condition.flowId)) this.canvas.addMarker(condition.flowId, MARKERS.changed);
    }
  }

  private render(key: string, from: number, to: number, comparison: VersionComparison): void {
    const label = itemLabel;
    // a change on the canvas: a click selects (and shows) its element
    const selectable = (id: string) => ({ className: 'diff-entry', tabindex: 0, title: `Select ${id}`, onclick: () => this.select(id) });
    const section = (title: string, kind: string, items: HTMLElement[]) => items.length
      ? el('div', { className: `diff-section ${kind}`, 'data-section': kind }, el('h4', {}, `${title} (${items.length})`), el('ul', {}, items))
      : null;
    const empty = !comparison.added.length && !comparison.removed.length && !comparison.changed.length && !comparison.conditions.length;
    replaceChildren(this.summary,
      el('div', { className: 'diff-title' }, el('strong', {}, `${key}: v${from} → v${to}`),
        el('span', { className: 'diff-legend' },
          el('span', { className: 'legend added' }, 'added'), el('span', { className: 'legend changed' }, 'changed'),
          el('span', { className: 'legend layout' }, 'moved')),
        el('button', {
          type: 'button', className: 'link-button', 'data-action': 'diff-side-by-side',
          title: `Show v${from} beside v${to}`, onclick: () => void this.toggleSideBySide(),
        }, `Side by side with v${from}`)),
      empty ? el('p', { className: 'empty' }, comparison.layoutChanged.length ? 'Only the layout changed.' : 'No semantic changes.') : null,
      section('Changed conditions', 'conditions', comparison.conditions.map((c) => el('li', { 'data-flow': c.flowId, ...selectable(c.flowId) },
        el('strong', {}, c.label), el('br'),
        el('code', { className: 'old' }, c.oldCondition ?? '(none)'), ' → ', el('code', { className: 'new' }, c.newCondition ?? '(none)')))),
      section('Added', 'added', comparison.added.map((item) => el('li', { 'data-element': item.id, ...selectable(item.id) }, label(item)))),
      section('Removed', 'removed', comparison.removed.map((item) => el('li', { 'data-element': item.id }, label(item)))),
      section('Changed', 'changed', comparison.changed.map((item) => el('li', { 'data-element': item.id, ...selectable(item.id) }, label(item),
        el('ul', {}, (item.attributes ?? []).map((a) => el('li', {}, `${a.name}: `, el('code', {}, a.oldValue), ' → ', el('code', {}, a.newValue))))))));
    this.summary.hidden = false;
  }

  private select(id: string): void {
    const element = this.elementRegistry.get(id);
    if (!element) {
      this.statusLine.show(`${id} is not in this version (removed)`, 'info');
      return;
    }
    this.canvas.scrollToElement(element);
    this.selection.select(element);
  }

  /**
   * The older version in a viewer of its own, left of the newer one, removed and changed elements marked, at the
   * newer one's zoom and position and following either's zooming and scrolling (viewbox-sync.ts).
   */
  private async toggleSideBySide(): Promise<void> {
    if (this.sideBySide) {
      this.closeSideBySide();
      return;
    }
    const older = this.older;
    if (!older) return;
    const area = this.canvas.getContainer().closest('.canvas-area');
    if (!area) return;
    const host = el('div', { className: 'diff-side-canvas' });
    const pane = el('section', { className: 'diff-side-by-side', 'aria-label': `Version ${older.version}` },
      el('div', { className: 'diff-side-title' }, `v${older.version} (older)`), host);
    area.append(pane);
    area.classList.add('side-by-side');
    this.canvas.resized();
    // loaded only when asked for, so opening a diagram does not pay for a second viewer
    const { default: NavigatedViewer } = await import('bpmn-js/lib/NavigatedViewer');
    const viewer = new NavigatedViewer({ container: host });
    let stopSync = () => {};
    this.sideBySide = { pane, destroy: () => { stopSync(); viewer.destroy(); } };
    // read as the canvas reads a version: ids moddle refuses under their aliases; the comparison names the file's ids
    const file = await importBpmn(older.xml, { readModel: false });
    await viewer.importXML(file.xmlForModdle, diagramOfProcess(file, older.key));
    if (this.sideBySide?.pane !== pane) return; // closed while it loaded
    const oldCanvas = viewer.get<Canvas>('canvas');
    const oldRegistry = viewer.get<ElementRegistry>('elementRegistry');
    const { canvasIdOf } = canvasIds(file.idAliases);
    const markOld = (fileId: string, marker: string) => {
      if (oldRegistry.get(canvasIdOf(fileId))) oldCanvas.addMarker(canvasIdOf(fileId), marker);
    };
    for (const item of older.comparison.removed) markOld(item.id, 'stratum-diff-removed');
    for (const item of older.comparison.changed) markOld(item.id, MARKERS.changed);
    for (const condition of older.comparison.conditions) markOld(condition.flowId, MARKERS.changed);
    stopSync = syncViewboxes({ canvas: this.canvas, eventBus: this.eventBus }, { canvas: oldCanvas, eventBus: viewer.get<EventBus>('eventBus') });
  }

  private closeSideBySide(): void {
    if (!this.sideBySide) return;
    this.sideBySide.destroy();
    this.sideBySide.pane.closest('.canvas-area')?.classList.remove('side-by-side');
    this.sideBySide.pane.remove();
    this.sideBySide = null;
    this.canvas.resized();
  }

  private hide(): void {
    this.closeSideBySide();
    this.older = null;
    this.showing = null;
    this.summary.hidden = true;
    replaceChildren(this.summary);
  }
}
