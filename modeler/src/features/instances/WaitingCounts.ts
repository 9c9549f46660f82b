import type EventBus from 'diagram-js/lib/core/EventBus';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type Overlays from 'diagram-js/lib/features/overlays/Overlays';
import type { StratumConfig } from '../../config';
import { el } from '../../dom/element';
import type StatusLine from '../shell/StatusLine';
import type Toolbar from '../shell/Toolbar';
import type Workspace from '../workspace/Workspace';
import type DiagramIds from '../workspace/DiagramIds';
import { DOCUMENT_OPENED } from '../workspace/Workspace';

const OVERLAY_TYPE = 'stratum-waiting-count';

/** For the open process: how many running instances wait at each element, as badges. */
export default class WaitingCounts {
  static $inject = ['config.stratum', 'workspace', 'elementRegistry', 'overlays', 'toolbar', 'statusLine', 'eventBus', 'diagramIds'];

  private shown = false;

  constructor(
    private readonly config: StratumConfig,
    private readonly workspace: Workspace,
    private readonly elementRegistry: ElementRegistry,
    private readonly overlays: Overlays,
    toolbar: Toolbar,
    private readonly statusLine: StatusLine,
    private readonly eventBus: EventBus,
    private readonly diagramIds: DiagramIds,
  ) {
    toolbar.addButton({
      id: 'waiting-counts', group: 'runtime', label: 'Waiting', title: 'Show how many running instances wait at each element',
      action: () => (this.shown ? this.hide() : this.show()),
      isEnabled: () => !!workspace.meta.key && workspace.meta.version !== null,
      isActive: () => this.shown,
    });
    eventBus.on(DOCUMENT_OPENED, () => this.hide());
  }

  async show(): Promise<void> {
    const key = this.workspace.meta.key;
    if (!key) return;
    try {
      const instances = await this.config.api.findInstances({ processKey: key, status: 'running', limit: 200 });
      const views = await inBatches(instances, 8, (instance) => this.config.api.getInstance(instance.id));
      const counts = new Map<string, number>();
      const add = (elementId: string) => counts.set(elementId, (counts.get(elementId) ?? 0) + 1);
      const callActivities = this.elementRegistry.filter((element) => element.type === 'bpmn:CallActivity');
      for (const view of views) {
        const own = view.waiting.filter((wait) => wait.instanceId === view.id).map((wait) => wait.elementId);
        for (const elementId of new Set(own)) add(elementId);
        for (const child of view.children.filter((c) => c.status === 'running')) {
          const caller = callActivities.find((activity) => this.diagramIds.calledKeyOf(activity) === child.processKey);
          // counted under the file's id, as the server names the waits
          if (caller && !own.includes(this.diagramIds.elementIdOf(caller))) add(this.diagramIds.elementIdOf(caller));
        }
      }
      this.hide();
      for (const [elementId, count] of counts) {
        if (!this.elementRegistry.get(elementId)) continue;
        this.overlays.add(elementId, OVERLAY_TYPE, {
          position: { top: -6, right: -4 }, // beside the shape's upper right corner, never over its label
          scale: false,
          html: el('div', { className: 'stratum-waiting-count', 'data-element': elementId, title: `${count} running instance(s) wait here` }, String(count)),
        });
      }
      this.shown = true;
      this.statusLine.show(`${views.length} running instance(s) of ${key}`, 'info');
    } catch (error) {
      this.statusLine.error(error, `Counting the waiting instances of ${key}`);
    }
    this.eventBus.fire('stratum.toolbar.refresh');
  }

  hide(): void {
    this.overlays.remove({ type: OVERLAY_TYPE });
    this.shown = false;
    this.eventBus.fire('stratum.toolbar.refresh');
  }
}

// helpers

/** Runs `load` for every item, at most `size` requests at a time, so a busy process does not flood the server. */
async function inBatches<T, R>(items: T[], size: number, load: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let start = 0; start < items.length; start += size) {
    results.push(...(await Promise.all(items.slice(start, start + size).map(load))));
  }
  return results;
}
