import type EventBus from 'diagram-js/lib/core/EventBus';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import type StatusLine from '../shell/StatusLine';
import type Workspace from '../workspace/Workspace';
import { DOCUMENT_OPENED } from '../workspace/Workspace';
import { compareVersions } from './VersionDiff';
import type { DiffItem, VersionComparison } from './VersionDiff';

const MARKERS = { added: 'stratum-diff-added', changed: 'stratum-diff-changed', layout: 'stratum-diff-layout' };

/**
 * Shows version `to` read-only with what changed since version `from` marked on the canvas,
 * and lists the changes (removed elements and changed conditions as text).
 */
export default class DiffView {
  static $inject = ['config.stratum', 'workspace', 'canvas', 'elementRegistry', 'eventBus', 'statusLine'];

  /** The summary element; the history panel shows it. */
  readonly summary = el('div', { className: 'diff-summary', hidden: true });
  private showing: string | null = null;

  constructor(
    private readonly config: StratumConfig,
    private readonly workspace: Workspace,
    private readonly canvas: Canvas,
    private readonly elementRegistry: ElementRegistry,
    eventBus: EventBus,
    private readonly statusLine: StatusLine,
  ) {
    eventBus.on(DOCUMENT_OPENED, () => {
      if (this.workspace.meta.context !== this.showing) this.hide();
    });
  }

  async show(key: string, from: number, to: number): Promise<void> {
    try {
      const [oldXml, newXml] = await Promise.all([this.config.api.getVersionXml(key, from), this.config.api.getVersionXml(key, to)]);
      const comparison = await compareVersions(oldXml, newXml);
      const detail = await this.config.api.getProcess(key);
      const context = `changes v${from} → v${to}`;
      this.showing = context;
      await this.workspace.open(newXml, {
        key, name: detail.name, version: to, latestVersion: detail.latestVersion, readOnly: true, origin: 'library', context,
      });
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
    const label = (item: DiffItem) => `${item.name ? `${item.name} ` : ''}(${item.type} ${item.id})`;
    const section = (title: string, kind: string, items: HTMLElement[]) => items.length
      ? el('div', { className: `diff-section ${kind}`, 'data-section': kind }, el('h4', {}, `${title} (${items.length})`), el('ul', {}, items))
      : null;
    const empty = !comparison.added.length && !comparison.removed.length && !comparison.changed.length && !comparison.conditions.length;
    replaceChildren(this.summary,
      el('div', { className: 'diff-title' }, el('strong', {}, `${key}: v${from} → v${to}`),
        el('span', { className: 'diff-legend' },
          el('span', { className: 'legend added' }, 'added'), el('span', { className: 'legend changed' }, 'changed'),
          el('span', { className: 'legend layout' }, 'moved'))),
      empty ? el('p', { className: 'empty' }, comparison.layoutChanged.length ? 'Only the layout changed.' : 'No semantic changes.') : null,
      section('Changed conditions', 'conditions', comparison.conditions.map((c) => el('li', { 'data-flow': c.flowId },
        el('strong', {}, c.label), el('br'),
        el('code', { className: 'old' }, c.oldCondition ?? '(none)'), ' → ', el('code', { className: 'new' }, c.newCondition ?? '(none)')))),
      section('Added', 'added', comparison.added.map((item) => el('li', { 'data-element': item.id }, label(item)))),
      section('Removed', 'removed', comparison.removed.map((item) => el('li', { 'data-element': item.id }, label(item)))),
      section('Changed', 'changed', comparison.changed.map((item) => el('li', { 'data-element': item.id }, label(item),
        el('ul', {}, (item.attributes ?? []).map((a) => el('li', {}, `${a.name}: `, el('code', {}, a.oldValue), ' → ', el('code', {}, a.newValue))))))));
    this.summary.hidden = false;
  }

  private hide(): void {
    this.showing = null;
    this.summary.hidden = true;
    replaceChildren(this.summary);
  }
}
