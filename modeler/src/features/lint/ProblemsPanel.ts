import type EventBus from 'diagram-js/lib/core/EventBus';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type Selection from 'diagram-js/lib/features/selection/Selection';
import type { ElementLike } from 'diagram-js/lib/model/Types';
import type { ModdleElement } from 'bpmn-moddle';
import { lintXml, ruleCrashMessage } from '../../../../engine/lint/lint-bpmn.js';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import { messageChangeElement, type MessageChange } from '../deploy/message-changes';
import { relatedConditionFlowLabel, type RelatedCondition } from '../deploy/related-conditions';
import type LibraryService from '../library/LibraryService';
import type StatusLine from '../shell/StatusLine';
import type DraftStore from '../workspace/DraftStore';
import type Workspace from '../workspace/Workspace';
import type DiagramIds from '../workspace/DiagramIds';
import type LintRules from './LintRules';
import { WARNINGS_SUFFIX } from './LintRules';
import { offCanvas } from './off-canvas';
import { ruleDocumentationUrl } from './documentation-link';
import { DOCUMENT_OPENED } from '../workspace/Workspace';
import { LIBRARY_CHANGED } from '../library/LibraryService';
import LibraryCheckResults from './LibraryCheckResults';

/** One finding as the panel lists it. */
export interface Problem {
  elementId: string | null;
  /** Where the element is: the open diagram, or another process of the library. */
  processKey: string | null;
  rule: string;
  severity: 'error' | 'warning';
  message: string;
  /** How the element is named when the open diagram cannot name it: a related condition's flow, from the report. */
  label?: string;
}

/** bpmn-js-bpmnlint's `linting.completed` issues: reports by the element they are shown on. */
export type LintIssues = Record<string, { id: string; actualElementId?: string; message: string; category: string; rule: string }[]>;

const STRATUM_PREFIX = 'stratum/';
/** bpmnlint's category for a rule that threw. */
const RULE_ERROR = 'rule-error';

/**
 * Every lint finding of the open diagram, listed below the canvas (as Camunda Modeler's
 * Problems panel): a click selects and shows the element. On demand, the findings of every
 * process of the library (drafts as drafted), linted in the browser with the same rules.
 * The lint button in the canvas corner opens and closes the panel; the rules always run.
 */
export default class ProblemsPanel {
  static $inject = ['eventBus', 'canvas', 'elementRegistry', 'selection', 'workspace', 'libraryService', 'draftStore', 'lintRules', 'statusLine', 'config.stratum', 'diagramIds', 'bpmnjs'];

  problems: Problem[] = [];
  private readonly checked = new LibraryCheckResults();
  private open = false;
  /** A check is running: its button waits, so one check's findings never land over another's. */
  private checking = false;
  private readonly button = el('button', {
    type: 'button', className: 'problems-toggle', 'data-action': 'toggle-problems', 'aria-expanded': 'false',
    title: 'Show or hide the problems of this diagram',
  });

  constructor(
    eventBus: EventBus,
    private readonly canvas: Canvas,
    private readonly elementRegistry: ElementRegistry,
    private readonly selection: Selection,
    private readonly workspace: Workspace,
    private readonly library: LibraryService,
    private readonly drafts: DraftStore,
    private readonly lintRules: LintRules,
    private readonly statusLine: StatusLine,
    private readonly config: StratumConfig,
    private readonly diagramIds: DiagramIds,
    private readonly bpmnjs: { getDefinitions(): ModdleElement | undefined },
  ) {
    this.button.addEventListener('click', () => this.toggle());
    canvas.getContainer().append(this.button);
    eventBus.on('linting.completed', (event: { issues: LintIssues }) => {
      this.problems = problemsOf(event.issues, workspace.meta.key)
        // named by the file's ids, as the library's findings and deploy's are
        .map((problem) => ({ ...problem, elementId: problem.elementId && this.diagramIds.fileIdOf(problem.elementId) }));
      this.render();
    });
    // what another document's edits moved is not this one's: checked again with Check the whole library
    eventBus.on(DOCUMENT_OPENED, () => {
      this.checked.documentOpened();
      this.render();
    });
    // a deploy (from here or elsewhere) or a draft that came or went: what the check found describes the library as it was
    eventBus.on(LIBRARY_CHANGED, () => {
      this.checked.libraryChanged();
      this.render();
    });
    // a check running sent the open diagram's XML as it was (opening a document clears the stack: no edit)
    eventBus.on('commandStack.changed', ({ trigger }: { trigger?: string | null }) => {
      if (trigger !== 'clear') this.checked.openDiagramEdited();
    });
    this.render();
  }

  toggle(open = !this.open): void {
    this.open = open;
    this.render();
  }

  /**
   * Lints every process of the library (its draft where there is one) and lists their findings too, and the
   * conditions anywhere in the library that still compare with a constant the open diagram or a draft moves, and the
   * messages whose catching elements they change.
   */
  async checkLibrary(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    this.render();
    try {
      // the library as the server has it now, not as the last look found it
      await this.library.refresh();
      const since = this.checked.started();
      const context = this.lintRules.context();
      const [lists, related] = await Promise.all([Promise.all(this.library.processes
        .filter((process) => process.key !== this.workspace.meta.key)
        .map(async (process) => {
          const xml = this.drafts.get(process.key)?.xml ?? await this.config.api.getVersionXml(process.key, process.latestVersion);
          const findings = await lintXml(xml, context);
          return findings.map((finding): Problem => ({ ...finding, processKey: process.key }));
        })), this.serverWarnings()]);
      // a deploy elsewhere while the check read is found now, not at the library's next look: its findings are then stale
      await this.library.refresh();
      this.checked.record({ libraryProblems: lists.flat(), relatedProblems: related.conditions, messageProblems: related.messages }, since);
      this.open = true;
    } catch (error) {
      this.statusLine.error(error, 'Checking the library');
    } finally {
      this.checking = false;
      this.render();
    }
  }

  /**
   * The conditions of the library that still compare with a constant the open diagram or a draft moves (a tier
   * written in two processes; docs/impact.md, "Related conditions"), and the messages whose catching elements they
   * change (docs/impact.md, "Messages"), as warnings: asked of the server as `stratum validate --server` asks it
   * (POST /api/impact without the replay), the open diagram and the drafts as the files. None when nothing is
   * edited; a server that cannot say (a user who may not deploy) is named on the status line, and the lint
   * findings are listed anyway.
   */
  private async serverWarnings(): Promise<{ conditions: Problem[]; messages: Problem[] }> {
    const key = this.workspace.meta.key;
    const open = key && !this.workspace.meta.readOnly ? [{ name: `${key}.bpmn`, xml: await this.workspace.xml() }] : [];
    const drafts = this.drafts.all().filter(([draftKey]) => draftKey !== key).map(([draftKey, draft]) => ({ name: `${draftKey}.bpmn`, xml: draft.xml }));
    if (!open.length && !drafts.length) return { conditions: [], messages: [] };
    try {
      const report = await this.config.api.impact([...open, ...drafts], { replay: false });
      return {
        conditions: report.relatedConditions.map(relatedConditionProblem),
        messages: report.messages.map(messageProblem),
      };
    } catch (error) {
      this.statusLine.show(
        `The conditions of other processes that compare with a constant you moved, and the catchers of messages, could not be checked: ${(error as Error).message}`, 'info',
      );
      return { conditions: [], messages: [] };
    }
  }

  private reveal(problem: Problem): void {
    if (problem.processKey && problem.processKey !== this.workspace.meta.key) {
      void this.workspace.openLatest(problem.processKey)
        .then(() => this.select(problem.elementId))
        .catch((error) => this.statusLine.error(error, `Opening ${problem.processKey}`));
      return;
    }
    this.select(problem.elementId);
  }

  /** Selects and shows the finding's element; one without a shape of its own is said on the status line (off-canvas.ts). */
  private select(elementId: string | null): void {
    const element = elementId ? this.elementRegistry.get(elementId) : undefined;
    if (element) {
      this.show([element]);
      return;
    }
    const where = offCanvas(this.bpmnjs.getDefinitions(), elementId && this.diagramIds.canvasIdOf(elementId), (id) => !!this.elementRegistry.get(id));
    this.show(where.select.flatMap((id) => this.elementRegistry.get(id) ?? []));
    this.statusLine.show(this.diagramIds.withFileIds(where.sentence), 'info');
  }

  private show(elements: ElementLike[]): void {
    if (!elements.length) return;
    if (elements[0] !== this.canvas.getRootElement()) this.canvas.scrollToElement(elements[0]);
    this.selection.select(elements);
  }

  private render(): void {
    const errors = this.problems.filter((p) => p.severity === 'error').length;
    const warnings = this.problems.length - errors;
    this.button.className = `problems-toggle${errors ? ' has-errors' : warnings ? ' has-warnings' : ''}${this.open ? ' open' : ''}`;
    this.button.setAttribute('aria-expanded', String(this.open));
    replaceChildren(this.button,
      el('span', { className: 'count error', title: 'errors' }, `✖ ${errors}`),
      el('span', { className: 'count warning', title: 'warnings' }, `⚠ ${warnings}`),
      el('span', { className: 'problems-label' }, 'Problems'));

    const panel = this.config.problems;
    panel.hidden = !this.open;
    if (!this.open) return;
    const { libraryProblems, relatedProblems, messageProblems, stale } = this.checked;
    const others = (libraryProblems ?? []).filter((p) => p.processKey !== this.workspace.meta.key);
    replaceChildren(panel,
      el('div', { className: 'problems-header' },
        el('strong', {}, `Problems of ${this.workspace.meta.key ?? 'this diagram'}`),
        el('span', { className: 'problems-summary' }, `${errors} error(s), ${warnings} warning(s)`),
        el('button', {
          type: 'button', className: 'link-button', 'data-action': 'check-library', disabled: this.checking, 'aria-busy': String(this.checking),
          onclick: () => void this.checkLibrary(),
        }, this.checking ? 'Checking the library…' : 'Check the whole library'),
        el('button', { type: 'button', className: 'link-button', 'data-action': 'close-problems', onclick: () => this.toggle(false) }, 'Close')),
      this.list(this.problems, 'No problems in this diagram.'),
      stale
        ? el('p', { className: 'library-check-stale', 'data-section': 'library-check-stale' },
          'The library changed since it was checked: what follows describes it as it was. ',
          el('button', { type: 'button', className: 'link-button', 'data-action': 'check-library-again', disabled: this.checking, onclick: () => void this.checkLibrary() }, 'Check again'))
        : null,
      libraryProblems
        ? [el('h4', {}, `Other processes of the library (${others.length})`), this.list(others, 'No problems in the other processes.')]
        : null,
      relatedProblems.length
        ? el('div', { className: 'related-conditions', 'data-section': 'related-conditions' },
          el('h4', {}, `Conditions that still compare with a constant your edits move (${relatedProblems.length})`), this.list(relatedProblems, ''))
        : null,
      messageProblems.length
        ? el('div', { className: 'related-conditions', 'data-section': 'message-catchers' },
          el('h4', {}, `Messages whose catchers your edits change, for the systems that send them (${messageProblems.length})`), this.list(messageProblems, ''))
        : null);
  }

  private list(problems: Problem[], empty: string): HTMLElement {
    if (!problems.length) return el('p', { className: 'empty' }, empty);
    return el('ul', { className: 'problem-list' }, problems.map((problem) => el('li', {
      className: `problem ${problem.severity}`, 'data-rule': problem.rule, 'data-element': problem.elementId ?? '', 'data-process': problem.processKey ?? '',
    },
    el('button', {
      type: 'button', className: 'problem-open', title: problem.elementId ? `Select ${problem.elementId}` : 'The whole diagram',
      onclick: () => this.reveal(problem),
    },
    el('span', { className: `severity ${problem.severity}` }, problem.severity === 'error' ? '✖' : '⚠'),
    el('span', { className: 'problem-element' }, [problem.processKey !== this.workspace.meta.key ? `${problem.processKey} › ` : '', this.elementName(problem)].join('')),
    el('span', { className: 'problem-message' }, problem.message)),
    this.ruleName(problem.rule))));
  }

  /** The finding's rule, a link to its documentation (opened in a new tab) where it has one. */
  private ruleName(rule: string): HTMLElement {
    const url = ruleDocumentationUrl(rule);
    if (url === undefined) return el('span', { className: 'finding-rule' }, rule);
    return el('a', { className: 'finding-rule', href: url, target: '_blank', rel: 'noopener', title: `What ${rule} checks, and why` }, rule);
  }

  private elementName(problem: Problem): string {
    if (!problem.elementId) return 'document';
    if (problem.label) return problem.label;
    const element = problem.processKey === this.workspace.meta.key ? this.elementRegistry.get(problem.elementId) : undefined;
    const name = (element?.businessObject as { name?: string } | undefined)?.name;
    return name ? `${name} (${problem.elementId})` : problem.elementId;
  }
}

// helpers

/** A condition that still compares with a constant the edits move, named by its flow as the report describes it. */
export function relatedConditionProblem(related: RelatedCondition): Problem {
  return {
    elementId: related.flow.elementId, processKey: related.flow.processKey, rule: 'related-conditions', severity: 'warning', message: related.message,
    label: relatedConditionFlowLabel(related),
  };
}

/** A message whose catchers the edits change, listed at the catch it is about (message-changes.ts). */
function messageProblem(change: MessageChange): Problem {
  const element = messageChangeElement(change);
  return { elementId: element?.elementId ?? null, processKey: element?.processKey ?? null, rule: 'message-catchers', severity: 'warning', message: change.message };
}

/** The issues bpmn-js-bpmnlint found, errors first, in the rule names deploy uses. */
export function problemsOf(issues: LintIssues, processKey: string | null): Problem[] {
  const problems: Problem[] = [];
  for (const reports of Object.values(issues)) {
    for (const report of reports) {
      let rule = report.rule.startsWith(STRATUM_PREFIX) ? report.rule.slice(STRATUM_PREFIX.length) : report.rule;
      if (rule.endsWith(WARNINGS_SUFFIX)) rule = rule.slice(0, -WARNINGS_SUFFIX.length);
      if (report.category === RULE_ERROR) {
        // about the document, not the element bpmn-js-bpmnlint shows it on; worded as deploy words it
        problems.push({ elementId: null, processKey, rule, severity: 'error', message: ruleCrashMessage(rule, report.message) });
        continue;
      }
      problems.push({
        elementId: report.actualElementId ?? report.id ?? null,
        processKey,
        rule,
        severity: report.category === 'error' ? 'error' : 'warning',
        message: report.message,
      });
    }
  }
  return problems.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
}
