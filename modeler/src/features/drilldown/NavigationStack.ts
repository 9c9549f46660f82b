import type EventBus from 'diagram-js/lib/core/EventBus';
import type StatusLine from '../shell/StatusLine';
import type Workspace from '../workspace/Workspace';
import type { DocumentDeployed, DocumentSnapshot } from '../workspace/Workspace';
import { DOCUMENT_DEPLOYED, DOCUMENT_OPENED } from '../workspace/Workspace';
import { afterDeployment } from './deployed-entries';

export const NAVIGATION_CHANGED = 'stratum.navigation.changed';

/**
 * The processes the designer drilled through, outermost first. Each entry keeps the XML as it was
 * (unsaved edits included), whether it was dirty and where the canvas looked, so going back
 * restores the parent exactly. A running simulation goes on along the way (as in bpmn-js's
 * drill-down into a subprocess): the designer follows the order into a called process and back. Deploying keeps the
 * stack: a parent deployed together with the open process comes back as the version it became (afterDeployment).
 */
export default class NavigationStack {
  static $inject = ['workspace', 'eventBus', 'statusLine'];

  entries: DocumentSnapshot[] = [];
  private navigating = false;

  constructor(
    private readonly workspace: Workspace,
    private readonly eventBus: EventBus,
    private readonly statusLine: StatusLine,
  ) {
    eventBus.on(DOCUMENT_OPENED, () => {
      if (this.navigating) return;
      this.entries = [];
      this.changed();
    });
    eventBus.on(DOCUMENT_DEPLOYED, ({ deployed }: DocumentDeployed) => {
      this.entries = afterDeployment(this.entries, deployed);
      this.changed();
    });
  }

  /** Opens the called process, remembering the current one. */
  async drillInto(key: string): Promise<void> {
    const parent = await this.workspace.snapshot();
    await this.navigate(async () => {
      await this.workspace.openLatest(key, { keepSimulation: true });
      this.entries.push(parent);
    }, `Opening ${key}`);
  }

  /** Goes back to the entry at `index`, dropping it and everything after it from the stack. */
  async back(index: number): Promise<void> {
    const target = this.entries[index];
    if (!target) return;
    await this.navigate(async () => {
      await this.workspace.restore(target, { keepSimulation: true });
      this.entries = this.entries.slice(0, index);
    }, `Going back to ${target.meta.key}`);
  }

  private async navigate(step: () => Promise<void>, doing: string): Promise<void> {
    this.navigating = true;
    try {
      await step();
    } catch (error) {
      this.statusLine.error(error, doing);
    } finally {
      this.navigating = false;
      this.changed();
    }
  }

  private changed(): void {
    this.eventBus.fire(NAVIGATION_CHANGED, { entries: this.entries });
  }
}
