import type EventBus from 'diagram-js/lib/core/EventBus';
import { whenIdleAfterPaint } from '../../dom/after-paint';

/** Applied after every other provider's groups (the panel applies providers by falling priority). */
const LAST = 1;
/** What the panel re-renders on, the event its own `registerProvider` fires. */
const PROVIDERS_CHANGED = 'propertiesPanel.providersChanged';

interface PropertiesPanel {
  registerProvider(priority: number, provider: PropertiesAfterPaint): void;
}

/**
 * The properties panel renders the opened process's groups inside bpmn-js's import (on
 * `root.added` and `import.done`), before the diagram is painted; the diagram does not need
 * them to be seen. From the start of an import until the browser is idle after painting it, this
 * provider (registered through the panel's public `registerProvider`, applied last) hands the
 * panel no groups; then it fires the panel's `propertiesPanel.providersChanged`, and the panel
 * shows the same groups as before, a moment later.
 */
export default class PropertiesAfterPaint {
  static $inject = ['eventBus', 'propertiesPanel'];

  private importing = false;
  /** Counts imports, so the wait of one overtaken by the next does not end the next one's. */
  private imports = 0;

  constructor(eventBus: EventBus, propertiesPanel: PropertiesPanel) {
    propertiesPanel.registerProvider(LAST, this);
    eventBus.on('import.parse.start', () => {
      this.imports += 1;
      this.importing = true;
    });
    eventBus.on('import.done', () => {
      const current = this.imports;
      whenIdleAfterPaint(() => {
        if (current !== this.imports) return;
        this.importing = false;
        eventBus.fire(PROVIDERS_CHANGED);
      }, 300);
    });
  }

  getGroups() {
    return <G>(groups: G[]): G[] => (this.importing ? [] : groups);
  }
}
