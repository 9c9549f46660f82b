import type EventBus from 'diagram-js/lib/core/EventBus';
import { whenIdleAfterPaint } from '../../dom/after-paint';
import { parseBpmn } from '../../../../engine/bpmn/moddle.js';
import { stratumLintConfigWith, stratumResolver, withReportSeverities, type LintContext } from '../../../../engine/lint/config.js';
import { processSuppliesOf, type ProcessSupply } from '../../../../engine/lint/variable-supply.js';
import type { ProcessSummary } from '../../api/client';
import type { StratumConfig } from '../../config';
import type LibraryService from '../library/LibraryService';
import { LIBRARY_CHANGED } from '../library/LibraryService';
import { SESSION_READY } from '../session/Session';

interface Linting {
  setLinterConfig(config: { config: unknown; resolver: unknown }): void;
  toggle(active?: boolean): void;
  isActive(): boolean;
  update(): void;
  lint(): Promise<Record<string, { category?: string; severity?: unknown }[]>>;
}

/**
 * Gives bpmn-js-bpmnlint the same rules the server applies at deploy (engine/lint/config.ts),
 * with what the server knows: the library's keys (a call activity naming an undeployed
 * process), what each deployed process supplies (a condition on a variable nothing
 * supplies) and the task groups that have members (a candidate group nobody is in).
 */
export default class LintRules {
  static $inject = ['eventBus', 'linting', 'libraryService', 'config.stratum'];

  private processSupplies: ProcessSupply[] | undefined;
  private taskGroups: LintContext['taskGroups'];
  // A deployed version never changes: its supply is read once.
  private readonly supplyByVersion = new Map<string, Promise<ProcessSupply | undefined>>();

  constructor(eventBus: EventBus, private readonly linting: Linting, private readonly library: LibraryService, private readonly config: StratumConfig) {
    lintAfterPaint(linting);
    withMarkedSeverities(linting);
    linting.setLinterConfig(this.linterConfig());
    eventBus.on(LIBRARY_CHANGED, () => {
      linting.setLinterConfig(this.linterConfig());
      void this.loadSupplies();
    });
    eventBus.on(SESSION_READY, () => void this.loadTaskGroups());
  }

  private linterConfig() {
    const knownProcessKeys = this.library.processes.length ? this.library.keys() : undefined;
    const context: LintContext = {
      ...(knownProcessKeys && { knownProcessKeys }),
      ...(this.processSupplies && { processSupplies: this.processSupplies }),
      ...(this.taskGroups && { taskGroups: this.taskGroups }),
    };
    return { config: stratumLintConfigWith(context), resolver: stratumResolver };
  }

  /** What the library's latest versions supply, read from their deployed XML. */
  private async loadSupplies(): Promise<void> {
    const processes = this.library.processes;
    const supplies = await Promise.all(processes.map((process) => this.supplyOf(process)));
    if (processes !== this.library.processes) return; // a newer list is being read
    this.processSupplies = supplies.filter((supply): supply is ProcessSupply => supply !== undefined);
    this.linting.setLinterConfig(this.linterConfig());
  }

  private supplyOf(process: ProcessSummary): Promise<ProcessSupply | undefined> {
    const id = `${process.key}@${process.latestVersion}`;
    let supply = this.supplyByVersion.get(id);
    if (!supply) {
      supply = this.config.api.getVersionXml(process.key, process.latestVersion)
        .then(parseBpmn)
        .then((parsed) => processSuppliesOf(parsed.definitions).find((candidate) => candidate.key === process.key))
        .catch(() => {
          this.supplyByVersion.delete(id); // try again with the next library change
          return undefined;
        });
      this.supplyByVersion.set(id, supply);
    }
    return supply;
  }

  /** The task groups with members; only designers may ask, and without them groups are not checked. */
  private async loadTaskGroups(): Promise<void> {
    try {
      const { groups, demo } = await this.config.api.listGroups();
      this.taskGroups = { known: groups, severity: demo ? 'warn' : 'error' };
    } catch {
      this.taskGroups = undefined;
    }
    this.linting.setLinterConfig(this.linterConfig());
  }
}

/** A rule may mark a finding as only a warning (engine/lint/config.ts), as deploy does. */
function withMarkedSeverities(linting: Linting): void {
  const lint = linting.lint.bind(linting);
  linting.lint = () => lint().then(withReportSeverities);
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
