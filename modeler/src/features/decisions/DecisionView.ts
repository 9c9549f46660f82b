import type Canvas from 'diagram-js/lib/core/Canvas';
import { el, replaceChildren } from '../../dom/element';
import type { ReadOnlyDmn } from './dmn-viewer';
import './decisions.css';

/** Where a shown DMN file came from, for its title. */
export interface DmnSource {
  /** `Risk rules (risk-rules), version 3` or the file name. */
  title: string;
  /** The decision to show first; else the file's first view (its DRD when it has one). */
  decisionId?: string;
}

/**
 * A DMN file shown read-only over the canvas with dmn-js's viewer: the DRD and each
 * decision's table or expression, one at a time, chosen by the tabs above it. The BPMN
 * diagram underneath stays as it is; Close returns to it.
 */
export default class DecisionView {
  static $inject = ['canvas'];

  private readonly tabs = el('div', { className: 'dmn-view-tabs', role: 'tablist' });
  private readonly title = el('span', { className: 'dmn-view-title' });
  private readonly body = el('div', { className: 'dmn-view-body' });
  private readonly overlay = el('section', { className: 'dmn-view', hidden: true, 'aria-label': 'Decision (read-only)' },
    el('div', { className: 'dmn-view-header' },
      this.title,
      el('span', { className: 'dmn-view-readonly', title: 'Decisions are shown, not edited, in this modeler' }, 'read-only'),
      this.tabs,
      el('button', { type: 'button', className: 'link-button dmn-view-close', onclick: () => this.close() }, 'Close')),
    this.body);
  private shown: ReadOnlyDmn | null = null;

  constructor(canvas: Canvas) {
    // over the BPMN canvas, beside diagram-js's container in bpmn-js's (both fill #canvas)
    canvas.getContainer().parentElement!.append(this.overlay);
  }

  get isOpen(): boolean {
    return !this.overlay.hidden;
  }

  /** Shows `xml`; a file dmn-js cannot read rejects, and what was shown before stays. */
  async show(xml: string, source: DmnSource): Promise<void> {
    const { showDmn } = await import('./dmn-viewer');
    const container = el('div', { className: 'dmn-view-container' });
    replaceChildren(this.body, container);
    this.overlay.hidden = false;
    this.shown?.destroy();
    this.shown = null;
    try {
      this.shown = await showDmn(container, xml, source.decisionId);
    } catch (error) {
      this.close();
      throw error;
    }
    this.title.textContent = source.title;
    this.renderTabs();
  }

  close(): void {
    this.shown?.destroy();
    this.shown = null;
    replaceChildren(this.body);
    replaceChildren(this.tabs);
    this.overlay.hidden = true;
  }

  private renderTabs(): void {
    const shown = this.shown;
    if (!shown) return;
    const active = shown.active?.id;
    replaceChildren(this.tabs, shown.views.map((view) => el('button', {
      type: 'button',
      role: 'tab',
      className: `dmn-view-tab${view.id === active ? ' active' : ''}`,
      'aria-selected': String(view.id === active),
      'data-view': view.id,
      title: view.type === 'drd' ? 'The decision requirements diagram' : `Decision ${view.id}`,
      onclick: () => void shown.open(view.id).then(() => this.renderTabs()),
    }, view.type === 'drd' ? 'DRD' : view.name)));
  }
}
