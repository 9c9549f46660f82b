import type EventBus from 'diagram-js/lib/core/EventBus';
import { stratumLintConfigWith, stratumResolver } from '../../../../engine/lint/config.js';
import type LibraryService from '../library/LibraryService';
import { LIBRARY_CHANGED } from '../library/LibraryService';

interface Linting {
  setLinterConfig(config: { config: unknown; resolver: unknown }): void;
  toggle(active?: boolean): void;
  isActive(): boolean;
}

/**
 * Gives bpmn-js-bpmnlint the same rules the server applies at deploy (engine/lint/config.ts),
 * including the library's keys, so a call activity naming an undeployed process shows at once.
 */
export default class LintRules {
  static $inject = ['eventBus', 'linting', 'libraryService'];

  constructor(eventBus: EventBus, linting: Linting, private readonly library: LibraryService) {
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
