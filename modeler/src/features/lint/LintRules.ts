import type EventBus from 'diagram-js/lib/core/EventBus';
import { whenIdleAfterPaint } from '../../dom/after-paint';
import { stratumLintConfigWith, stratumResolver } from '../../../../engine/lint/config.js';
import type LibraryService from '../library/LibraryService';
import { LIBRARY_CHANGED } from '../library/LibraryService';

interface Linting {
  setLinterConfig(config: { config: unknown; resolver: unknown }): void;
  toggle(active?: boolean): void;
  isActive(): boolean;
  update(): void;
}

/**
 * Gives bpmn-js-bpmnlint the same rules the server applies at deploy (engine/lint/config.ts),
 * including the library's keys, so a call activity naming an undeployed process shows at once.
 */
export default class LintRules {
  static $inject = ['eventBus', 'linting', 'libraryService'];

  constructor(eventBus: EventBus, linting: Linting, private readonly library: LibraryService) {
    lintAfterPaint(linting);
    linting.setLinterConfig(this.linterConfig());
    eventBus.on(LIBRARY_CHANGED, () => {
      linting.setLinterConfig(this.linterConfig());
    });
  }

  private linterConfig() {
    const knownProcessKeys = this.library.processes.length ? this.library.keys() : undefined;
    return { config: stratumLintConfigWith({ knownProcessKeys }), resolver: stratumResolver };
  }
}

/**
 * bpmn-js-bpmnlint lints inside the import and on every change, before the
 * browser paints; on a large diagram that is most of the wait. Linting once
 * the diagram is on screen and the browser is idle (and once for a burst of
 * changes) shows the same findings a moment later.
 */
function lintAfterPaint(linting: Linting): void {
  const lintNow = linting.update.bind(linting);
  let scheduled = false;
  linting.update = () => {
    if (scheduled) return;
    scheduled = true;
    whenIdleAfterPaint(() => {
      scheduled = false;
      lintNow();
    }, 300);
  };
}
