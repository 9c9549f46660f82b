import type EventBus from 'diagram-js/lib/core/EventBus';
import { whenIdleAfterPaint } from '../../dom/after-paint';
import { parseBpmn } from '../../../../engine/bpmn/moddle.js';
import { rulesWithWarningReports, stratumLintConfigWith, stratumResolver, type LintContext } from '../../../../engine/lint/config.js';
import type { ModdleElement } from 'bpmn-moddle';
import type { RuleFactory, Reporter, CheckFn } from '../../../../engine/lint/rule-api.js';
import { asDocumentationWarning, hasDocumentation, type DocumentationReport } from '../../../../engine/lint/documentation.js';
import { processSuppliesOf, type ProcessSupply } from '../../../../engine/lint/variable-supply.js';
import type { ProcessSummary } from '../../api/client';
import type { StratumConfig } from '../../config';
import type LibraryService from '../library/LibraryService';
import { LIBRARY_CHANGED } from '../library/LibraryService';
import { SESSION_READY, signedInUser, type SessionReady } from '../session/Session';
import { parseDmn } from '../../../../engine/dmn/dmn-model.js';
import { DMN_FILES_CHANGED, type default as DmnFiles } from '../decisions/DmnFiles';
import { DEPLOYED } from '../deploy/deployed-event';
import type DiagramIds from '../workspace/DiagramIds';
import { withServedDocumentation } from './documentation-link';


interface Linting {
  setLinterConfig(config: { config: unknown; resolver: unknown }): void;
}

/** The server role that may list task groups (GET /api/me's `roles`; an admin has it too). */
const DESIGNER_ROLE = 'designer';

/** The companion rule that carries an error rule's warnings in the modeler: `<rule>${WARNINGS_SUFFIX}`. */
export const WARNINGS_SUFFIX = '-warnings';

/**
 * Gives bpmn-js-bpmnlint the same rules the server applies at deploy (engine/lint/config.ts),
 * with what the server knows: the library's keys (a call activity naming an undeployed
 * process), what each deployed process supplies (a condition on a variable nothing
 * supplies) and the task groups that have members (a candidate group nobody is in).
 */
export default class LintRules {
  static $inject = ['eventBus', 'linting', 'libraryService', 'config.stratum', 'dmnFiles', 'diagramIds'];

  private processSupplies: ProcessSupply[] | undefined;
  private taskGroups: LintContext['taskGroups'];
  /** The decisions deployed and in this session's .dmn files; unknown (unchecked) until listed. */
  private knownDecisionIds: string[] | undefined;
  // A deployed version never changes: its supply is read once.
  private readonly supplyByVersion = new Map<string, Promise<ProcessSupply | undefined>>();

  private readonly resolver: ReturnType<typeof afterPaintResolver>;
  /** The rules the newest configuration runs with a warning companion (withWarningCompanions). */
  private splitRules: ReadonlySet<string> = new Set();

  constructor(
    eventBus: EventBus, private readonly linting: Linting, private readonly library: LibraryService, private readonly config: StratumConfig,
    private readonly dmnFiles: DmnFiles, diagramIds: DiagramIds,
  ) {
    // the rules read the canvas's model, which holds moddle's aliases: their messages name the file's ids
    this.resolver = afterPaintResolver(diagramIds.withFileIds, () => this.splitRules);
    linting.setLinterConfig(this.linterConfig());
    eventBus.on(LIBRARY_CHANGED, () => {
      linting.setLinterConfig(this.linterConfig());
      void this.loadSupplies();
    });
    eventBus.on(SESSION_READY, (event: SessionReady) => void this.loadTaskGroups(event));
    // a business rule task calling a decision neither deployed nor opened from disk is refused at deploy: shown now
    eventBus.on(SESSION_READY, () => void this.loadDecisions());
    eventBus.on(DEPLOYED, () => void this.loadDecisions());
    eventBus.on(DMN_FILES_CHANGED, () => void this.loadDecisions());
  }

  /** What the rules know of the library and the users, for linting other documents the same way. */
  context(): LintContext {
    const knownProcessKeys = this.library.processes.length ? this.library.keys() : undefined;
    return {
      ...(knownProcessKeys && { knownProcessKeys }),
      ...(this.processSupplies && { processSupplies: this.processSupplies }),
      ...(this.taskGroups && { taskGroups: this.taskGroups }),
      ...(this.knownDecisionIds && { knownDecisionIds: this.knownDecisionIds }),
    };
  }

  private linterConfig() {
    const { config, split } = withWarningCompanions(stratumLintConfigWith(this.context()));
    this.splitRules = split;
    return { config, resolver: this.resolver };
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

  /**
   * The decisions a business rule task may call: those deployed (GET /api/decisions) and those of the .dmn files
   * opened in this session, which Deploy… can take along. Unlisted (the server unreachable), decisions go unchecked,
   * as before, rather than every call being marked missing.
   */
  private async loadDecisions(): Promise<void> {
    try {
      const deployed = await this.config.api.listDecisions();
      const fromDisk = await Promise.all(this.dmnFiles.all().map(async (file) => {
        try {
          return [...(await parseDmn(file.xml)).decisions.keys()];
        } catch {
          return []; // shown by the Decisions tab, which says what is wrong with it
        }
      }));
      this.knownDecisionIds = [...deployed.map((decision) => decision.id), ...fromDisk.flat()];
    } catch {
      this.knownDecisionIds = undefined;
    }
    this.linting.setLinterConfig(this.linterConfig());
  }

  /**
   * The task groups with members. Only designers may ask (GET /api/groups answers anyone else 403, which the
   * browser would log), so the user's server roles are looked at first (as the token check read them); without the list
   * groups are not checked.
   */
  private async loadTaskGroups(session: SessionReady): Promise<void> {
    try {
      const me = await signedInUser(session, this.config.api);
      if (me.roles.includes(DESIGNER_ROLE)) {
        const { groups, demo } = await this.config.api.listGroups();
        this.taskGroups = { known: groups, severity: demo ? 'warn' : 'error' };
      } else {
        this.taskGroups = undefined;
      }
    } catch {
      this.taskGroups = undefined;
    }
    this.linting.setLinterConfig(this.linterConfig());
  }
}

/**
 * bpmnlint gives every report of a rule the rule's category; deploy marks a report that says
 * `severity: 'warn'` down afterwards (withReportSeverities): one a rule marks itself
 * (rulesWithWarningReports), and any on an element of documentation, a process marked
 * isExecutable="false" or a choreography (engine/lint/documentation.ts), which may come from every rule. In the modeler each
 * error rule runs twice under bpmnlint's public configuration: itself without its warnings,
 * and a companion `<rule>-warnings` at "warn" that reports only them. A companion of a rule
 * that never marks warnings itself looks at a document only when it holds documentation.
 */
function withWarningCompanions(config: { rules: Record<string, unknown> }) {
  const rules = { ...config.rules };
  const split = new Set<string>();
  for (const [name, entry] of Object.entries(config.rules)) {
    if ((Array.isArray(entry) ? entry[0] : entry) !== 'error') continue;
    split.add(name);
    rules[`${name}${WARNINGS_SUFFIX}`] = Array.isArray(entry) ? ['warn', entry[1]] : 'warn';
  }
  return { config: { rules }, split };
}

/**
 * The resolver bpmn-js-bpmnlint's linter asks for each rule. bpmn-js-bpmnlint lints inside the
 * import and on every change, before the browser paints; on a large diagram that is most of the
 * wait. bpmnlint accepts a resolver that answers with a promise, so the rules are handed over once
 * the diagram is on screen and the browser is idle: the same findings, a moment later. A lint
 * overtaken by a newer one (a burst of edits) gets rules that check nothing, since
 * bpmn-js-bpmnlint keeps only the newest lint's result anyway.
 */
function afterPaintResolver(withFileIds: (text: string) => string, splitRules: () => ReadonlySet<string>) {
  let generation = 0;
  let batch: { generation: number; ready: Promise<void> } | undefined;
  const nextBatch = () => {
    if (!batch) {
      // all rules of one lint are resolved in the same task
      const current = { generation: ++generation, ready: new Promise<void>((resolve) => whenIdleAfterPaint(resolve, 300)) };
      batch = current;
      queueMicrotask(() => { if (batch === current) batch = undefined; });
    }
    return batch;
  };
  return {
    resolveConfig: (pkg: string, configName: string) => stratumResolver.resolveConfig(pkg, configName),
    resolveRule(pkg: string, ruleName: string): Promise<RuleFactory> {
      const { generation: mine, ready } = nextBatch();
      const configName = (name: string) => (pkg === 'bpmnlint-plugin-stratum' ? `stratum/${name}` : name);
      const baseName = ruleName.endsWith(WARNINGS_SUFFIX) ? ruleName.slice(0, -WARNINGS_SUFFIX.length) : ruleName;
      const companion = baseName !== ruleName && splitRules().has(configName(baseName));
      const base = stratumResolver.resolveRule(pkg, companion ? baseName : ruleName);
      const split = companion || splitRules().has(configName(ruleName));
      const marksWarnings = pkg === 'bpmnlint-plugin-stratum' && (rulesWithWarningReports as readonly string[]).includes(baseName);
      return ready.then(() => (config?: unknown) => {
        if (mine !== generation) return { check: () => false };
        const rule = (base as RuleFactory<unknown>)(config);
        return withServedDocumentation(withReports(split ? onlyReports(rule, companion, marksWarnings) : rule, (reporter) => namingFileIds(reporter, withFileIds)));
      });
    },
  };
}

/**
 * The rule with only its warnings (`warnings`, worded as deploy words them) or only its other reports. The warnings of
 * a rule that marks none itself come from documentation only, so without any its companion skips the document.
 */
function onlyReports(rule: ReturnType<RuleFactory>, warnings: boolean, marksWarnings: boolean): ReturnType<RuleFactory> {
  const filtered = withReports(rule, (reporter) => ({
    report(elementId, message, path) {
      const data = !!path && !Array.isArray(path) ? path as DocumentationReport & { severity?: unknown } : undefined;
      const isWarning = data?.severity === 'warn';
      if (isWarning !== warnings) return;
      const note = warnings ? data?.documentationNote : undefined;
      reporter.report(elementId, note === undefined ? message : asDocumentationWarning(message, note), path);
    },
  }));
  if (!warnings) return filtered;
  let skipped: boolean | undefined;
  const unlessUndocumented = (check: CheckFn) => ((node: ModdleElement, reporter: Reporter) => {
    skipped ??= !hasDocumentation(node);
    return skipped ? false : check(node, reporter);
  });
  return leavingCrashesToItsRule(marksWarnings ? filtered : withChecks(filtered, unlessUndocumented));
}

/**
 * A companion whose check throws stops checking the document and reports nothing of it: its rule runs the same check
 * on the same document and fails the same way, and bpmnlint lists each rule's crash, so the Problems panel and the
 * canvas would show one crash twice (once as `<rule>-warnings`).
 */
function leavingCrashesToItsRule(companion: ReturnType<RuleFactory>): ReturnType<RuleFactory> {
  let crashed = false;
  return withChecks(companion, (check) => (node, reporter) => {
    if (crashed) return false;
    try {
      return check(node, reporter);
    } catch {
      crashed = true;
      return false;
    }
  });
}

/** Its messages with the file's ids; the element stays the canvas's, where bpmn-js-bpmnlint marks it. */
function namingFileIds(reporter: Reporter, withFileIds: (text: string) => string): Reporter {
  return { report: (elementId, message, path) => reporter.report(elementId, withFileIds(message), path) };
}

/** The rule, its reports going through `filtered` first. */
function withReports(rule: ReturnType<RuleFactory>, filtered: (reporter: Reporter) => Reporter): ReturnType<RuleFactory> {
  return withChecks(rule, (check) => (node, reporter) => check(node, filtered(reporter)));
}

/** The rule with each of its checks (one, or `enter` and `leave`) wrapped by `wrap`. */
function withChecks(rule: ReturnType<RuleFactory>, wrap: (check: CheckFn) => CheckFn): ReturnType<RuleFactory> {
  const check = typeof rule.check === 'function'
    ? wrap(rule.check)
    : { enter: rule.check.enter && wrap(rule.check.enter), leave: rule.check.leave && wrap(rule.check.leave) };
  return { ...rule, check };
}
