// What a file keeps but Stratum never runs is documentation: a process marked isExecutable="false" (the customer's
// pool of a collaboration, a descriptive model; deploy skips it, as Camunda 7 and 8 do) and a choreography (kept in
// the file, neither run nor drawn). What would not run in it is therefore only a warning. Every rule goes through
// `reportingDocumentationAsWarnings` (config.ts stratumResolver), so deploy, `stratum validate` and the modeler's
// canvas give such a finding the same severity and words. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { isExecutableProcess } from '../bpmn/process-model.js';
import { elementsById, is, type CheckFn, type Reporter, type RuleFactory } from './rule-api.js';

/** What a report on an element of documentation carries besides `severity: 'warn'`. */
export interface DocumentationReport {
  /** Why it is only a warning, appended to the message when the rule's own severity is error. */
  documentationNote?: string;
}

/** Root elements that describe an exchange and hold no process to run: kept in the file, not run, not drawn. */
const KEPT_NOT_RUN = ['bpmn:Choreography', 'bpmn:GlobalChoreographyTask'];

/** Whether the element is a choreography (or a global choreography task), which a file keeps but Stratum never runs. */
export function isKeptNotRun(element: ModdleElement): boolean {
  return KEPT_NOT_RUN.some((type) => is(element, type));
}

/** Why findings on the element are warnings: it is in a process marked isExecutable="false" or in a choreography. */
function documentationNoteOf(element: ModdleElement | undefined): string | undefined {
  let current = element;
  while (current && !is(current, 'bpmn:Process') && !isKeptNotRun(current)) current = current.$parent;
  if (!current) return undefined;
  if (isKeptNotRun(current)) return `(in choreography "${current.id}": kept in the file, not run)`;
  return isExecutableProcess(current) ? undefined : `(in process "${current.id}", marked isExecutable="false": documentation, not deployed)`;
}

/** Whether the document holds documentation at all (most hold none: nothing to look up). */
export function hasDocumentation(definitions: ModdleElement): boolean {
  return (definitions.rootElements ?? []).some((root: ModdleElement) => isKeptNotRun(root) || (root.$type === 'bpmn:Process' && !isExecutableProcess(root)));
}

/** The message of an error made a warning because its element is documentation. */
export function asDocumentationWarning(message: string, note: string): string {
  return `${message} ${note}`;
}

/**
 * The rule factory whose reports on elements of documentation are marked `severity: 'warn'` (the mark
 * withReportSeverities and the modeler's warning companions read) with the reason. A report the rule already marked
 * a warning stays as it is.
 */
export function reportingDocumentationAsWarnings<Config>(factory: RuleFactory<Config>): RuleFactory<Config> {
  return (config?: Config) => {
    const rule = factory(config);
    let root: ModdleElement | undefined;
    let documented: boolean | undefined;
    let documentElements: Map<string, ModdleElement> | undefined;
    const elementOf = (id: string, node: ModdleElement): ModdleElement | undefined => {
      if (node.id === id) return node;
      documentElements ??= elementsById(root!);
      return documentElements.get(id);
    };
    const marking = (reporter: Reporter, node: ModdleElement): Reporter => ({
      report(elementId, message, path) {
        const data = Array.isArray(path) ? { path } : path ?? {};
        const note = documented && elementId && data.severity !== 'warn' ? documentationNoteOf(elementOf(elementId, node)) : undefined;
        if (!note) return reporter.report(elementId, message, path);
        const marked: DocumentationReport & Record<string, unknown> = { ...data, severity: 'warn', documentationNote: note };
        reporter.report(elementId, message, marked);
      },
    });
    const wrap = (check: CheckFn | undefined): CheckFn | undefined => check && ((node, reporter) => {
      // bpmnlint walks the document from its root: the first node a rule sees is the definitions
      if (!root) {
        root = node;
        documented = hasDocumentation(node);
      }
      return check(node, marking(reporter, node));
    });
    const check = typeof rule.check === 'function' ? wrap(rule.check)! : { enter: wrap(rule.check.enter), leave: wrap(rule.check.leave) };
    return { ...rule, check };
  };
}
