// A process marked isExecutable="false" (the customer's pool of a collaboration, a descriptive model) is
// documentation: deploy keeps it in the file but never runs it, as Camunda 7 and 8 do. What would not run in it is
// therefore only a warning. Every rule goes through `reportingDocumentationAsWarnings` (config.ts stratumResolver),
// so deploy, `stratum validate` and the modeler's canvas give such a finding the same severity and words.
// Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import traverse from 'bpmnlint/lib/traverse.js';
import { isExecutableProcess } from '../bpmn/process-model.js';
import { processOf, type CheckFn, type Reporter, type RuleFactory } from './rule-api.js';

/** What a report on an element of a documentation process carries besides `severity: 'warn'`. */
export interface DocumentationReport {
  /** The id of the process marked isExecutable="false" the reported element is in. */
  documentationProcess?: string;
}

/** The process marked isExecutable="false" that holds the element, if any. */
function documentationProcessOf(element: ModdleElement | undefined): ModdleElement | undefined {
  const process = processOf(element);
  return process && !isExecutableProcess(process) ? process : undefined;
}

/** Whether the document has a process marked isExecutable="false" at all (most have none: nothing to look up). */
export function hasDocumentationProcess(definitions: ModdleElement): boolean {
  return (definitions.rootElements ?? []).some((root: ModdleElement) => root.$type === 'bpmn:Process' && !isExecutableProcess(root));
}

/** The message of an error made a warning because its element is in a documentation process. */
export function asDocumentationWarning(message: string, processId: string): string {
  return `${message} (in process "${processId}", marked isExecutable="false": documentation, not deployed)`;
}

/**
 * The rule factory whose reports on elements of a documentation process are marked `severity: 'warn'` (the mark
 * withReportSeverities and the modeler's warning companions read) with the process named. A report the rule already
 * marked a warning stays as it is.
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
        const process = documented && elementId && data.severity !== 'warn' ? documentationProcessOf(elementOf(elementId, node)) : undefined;
        if (!process) return reporter.report(elementId, message, path);
        const marked: DocumentationReport & Record<string, unknown> = { ...data, severity: 'warn', documentationProcess: process.id };
        reporter.report(elementId, message, marked);
      },
    });
    const wrap = (check: CheckFn | undefined): CheckFn | undefined => check && ((node, reporter) => {
      // bpmnlint walks the document from its root: the first node a rule sees is the definitions
      if (!root) {
        root = node;
        documented = hasDocumentationProcess(node);
      }
      return check(node, marking(reporter, node));
    });
    const check = typeof rule.check === 'function' ? wrap(rule.check)! : { enter: wrap(rule.check.enter), leave: wrap(rule.check.leave) };
    return { ...rule, check };
  };
}

// helpers

function elementsById(root: ModdleElement): Map<string, ModdleElement> {
  const elements = new Map<string, ModdleElement>();
  traverse(root, {
    enter(node: ModdleElement) {
      if (typeof node.id === 'string' && !elements.has(node.id)) elements.set(node.id, node);
    },
  });
  return elements;
}
