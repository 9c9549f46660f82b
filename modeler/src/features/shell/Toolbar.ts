import type EventBus from 'diagram-js/lib/core/EventBus';
import { el } from '../../dom/element';
import type { StratumConfig } from '../../config';

export interface ToolbarButton {
  id: string;
  group: string;
  label: string;
  title?: string;
  action: () => void | Promise<void>;
  /** Re-evaluated whenever the document, its edits or the mode change. */
  isEnabled?: () => boolean;
  /** Marks toggle buttons (simulation, waiting counts) as pressed. */
  isActive?: () => boolean;
}

const REFRESH_EVENTS = ['stratum.document.opened', 'commandStack.changed', 'tokenSimulation.toggleMode', 'stratum.toolbar.refresh'];

/** The row of actions above the canvas; features register their buttons here. */
export default class Toolbar {
  static $inject = ['config.stratum', 'eventBus'];

  private readonly buttons: { spec: ToolbarButton; node: HTMLButtonElement }[] = [];
  private readonly groups = new Map<string, HTMLElement>();

  constructor(
    private readonly config: StratumConfig,
    eventBus: EventBus,
  ) {
    // after the other listeners: token simulation, for one, records its new mode only after firing
    for (const event of REFRESH_EVENTS) eventBus.on(event, () => queueMicrotask(() => this.refresh()));
  }

  addButton(spec: ToolbarButton): void {
    const node = el('button', {
      type: 'button',
      className: 'toolbar-button',
      'data-action': spec.id,
      title: spec.title ?? spec.label,
      onclick: () => void spec.action(),
    }, spec.label);
    this.group(spec.group).append(node);
    this.buttons.push({ spec, node });
    this.refresh();
  }

  refresh(): void {
    for (const { spec, node } of this.buttons) {
      node.disabled = spec.isEnabled ? !spec.isEnabled() : false;
      node.classList.toggle('active', spec.isActive ? spec.isActive() : false);
    }
  }

  private group(name: string): HTMLElement {
    let group = this.groups.get(name);
    if (!group) {
      group = el('div', { className: 'toolbar-group', 'data-group': name });
      this.config.toolbar.append(group);
      this.groups.set(name, group);
    }
    return group;
  }
}
