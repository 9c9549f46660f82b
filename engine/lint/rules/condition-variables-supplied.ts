// A condition is evaluated strictly: a variable nothing supplies makes it fail
// (or, worse, an order waits for ever). So every variable a condition reads
// (sequence flows, conditional events; Camunda 7 `${…}` after translation),
// every variable a message catch's `messagesReceivedSince` reads (evaluated
// as strictly when the catch opens: failing, it takes no kept message), and
// every variable a user task's assignment expression reads (candidate groups,
// candidate users, assignee: failing, the task is not created and the instance
// has an incident; `=vice-president` reads `vice` and `president`), must be
// supplied by a declared output, a business rule task's decision
// result or a multi-instance activity's output collection, somewhere in the
// process's call tree where the runtime passes it to the process (a call
// activity may pass a called process only what its camunda:in elements name, or
// with propagateAllParentVariables="false" only its zeebe:inputs, and hand back
// only its outputs: variable-supply.ts). Where the process declares its start
// variables, or is called only from processes that do (or through call
// activities that pass only what they name), an unsupplied variable is an error;
// a process whose start event declares nothing accepts any start variables
// (Camunda semantics), so there it is only a warning.
// Flow-insensitive: a variable only a later element writes counts as supplied.
// Config `{ processes }`: the supply of the library's other processes (see
// variable-supply.ts); without it the document alone is the world.
import type { ModdleElement } from 'bpmn-moddle';
import { variablesReadBy } from '../../feel/feel-expression.js';
import type { Narrowing } from '../call-activity-variables.js';
import { readExpressionsOf } from '../read-expressions.js';
import { quotedNames } from '../quoted-names.js';
import { processOf, type Reporter, type RuleFactory } from '../rule-api.js';
import { mergeSupplies, processSuppliesOf, supplyAtEachProcess, type ProcessSupply, type StartOrigin, type SupplyAtProcess } from '../variable-supply.js';

interface ConditionVariablesSuppliedConfig {
  /** What the library's processes supply (deployed latest versions, the other files of a deployment). */
  processes?: ProcessSupply[];
}

const conditionVariablesSupplied: RuleFactory = (config?: ConditionVariablesSuppliedConfig) => {
  const library = Array.isArray(config?.processes) ? config.processes : [];
  // bpmnlint calls check for every node of one document: work the supply out once per document.
  const supplyByDocument = new WeakMap<object, Map<string, SupplyAtProcess>>();

  function supplyAt(node: ModdleElement): SupplyAtProcess | undefined {
    const process = processOf(node);
    if (!process) return undefined;
    const root = rootOf(process);
    let supply = supplyByDocument.get(root);
    if (!supply) {
      supply = supplyAtEachProcess(mergeSupplies(library, processSuppliesOf(root)));
      supplyByDocument.set(root, supply);
    }
    return supply.get(process.id);
  }

  /**
   * Reports each variable of `read` nothing supplies where `element` is. `what` names the expression
   * (`The condition of sequence flow "Approved"`), `path` where it is on the element.
   */
  function checkReads(element: ModdleElement, read: string[], what: string, path: string[] | undefined, reporter: Reporter) {
    if (read.length === 0) return;
    const supply = supplyAt(element);
    if (!supply) return;
    const process = processOf(element);
    if (!process) return;
    const camunda = isCamundaFlavoured(rootOf(process));
    for (const name of read.filter((variable) => !supply.variables.has(variable))) {
      const example = camunda ? `<camunda:formField id="${name}" />` : `<zeebe:output source="=${name}" target="${name}" />`;
      const where = `${what} reads "${name}"`;
      const warn = { ...(path && { path }), severity: 'warn' };
      const notPassed = supply.notPassed.get(name);
      if (notPassed) {
        const { because, fix } = notPassedBy(where, process.id, name, notPassed);
        if (supply.closed) reporter.report(element.id, `${because}. ${fix.charAt(0).toUpperCase()}${fix.slice(1)}`, path);
        else reporter.report(element.id, `${because}; ${fix}, or declare it as a start variable on ${startEventAt(supply.entries)}`, warn);
        continue;
      }
      // passed by camunda:in from a variable that may come with a caller's start: as in a process that accepts any
      const origins = supply.closed && supply.closed !== 'declares' ? supply.fromStart.get(name) : undefined;
      const renamed = origins?.find((origin) => origin.renamedBy.length);
      if (renamed) {
        reporter.report(element.id, renamedStartVariable(where, name, renamed, camunda), warn);
        continue;
      }
      const withheld = withheldFrom(supply, name, camunda);
      if (supply.closed && !origins) {
        const why = supply.closed === 'declares'
          ? `process "${process.id}" declares its start variables without it`
          : supply.closed === 'narrowed'
            ? `process "${process.id}" gets from its callers only what their call activities' ${namedBy(supply.narrowedBy ?? {})}, and none of them passes it`
            : `process "${process.id}" is only called from processes that declare their start variables (${quotedNames(supply.closedCallers ?? [])}), none of which supplies it`;
        reporter.report(
          element.id,
          withheld
            ? `${where}, which nothing supplies: ${why}, and ${withheld.because}. Declare it as an output of the call activity, e.g. ${withheld.example}`
            : `${where}, which nothing supplies: ${why}, and no task, job, message or other element of it, its callers or the processes it calls writes it as an output. ` +
              (supply.closed === 'narrowed' ? `Pass it in on the call activity, e.g. ${passingExamples(name, supply.narrowedBy ?? {})}, or declare` : 'Declare') +
              ` it as an output of the element that sets it, e.g. ${example}`,
          path,
        );
      } else {
        const entries = origins ? [...new Set(origins.flatMap((origin) => origin.entries))].sort() : supply.entries;
        const startEvent = startEventAt(entries);
        reporter.report(
          element.id,
          withheld
            ? `${where}, but nothing in the process, its callers or the processes it calls supplies "${name}": ${withheld.because}; ` +
              `declare it as an output of the call activity, e.g. ${withheld.example}, or as a start variable on ${startEvent}`
            : `${where}, but nothing in the process${entries.length ? ', its callers or the processes it calls' : ''} supplies "${name}"; ` +
              `declare it as a start variable on ${startEvent}, with ${example}, or as an output of the task, job or message that sets it`,
          warn,
        );
      }
    }
  }

  function check(node: ModdleElement, reporter: Reporter) {
    for (const { what, path, feel } of readExpressionsOf(node)) {
      if (feel !== undefined) checkReads(node, variablesReadBy(feel), what, path, reporter);
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#condition-variables-supplied-error-or-warning' } } };
};

export default conditionVariablesSupplied;

// helpers

/**
 * A variable a caller has that call activities on the way do not pass (Camunda 7 camunda:in elements, Camunda 8
 * propagateAllParentVariables="false"): why it is missing, and how to pass it.
 */
function notPassedBy(where: string, processKey: string, name: string, narrowing: Narrowing): { because: string; fix: string } {
  const passOnly = (callActivities: string[], what: (their: string) => string) => {
    const several = callActivities.length > 1;
    return `${callActivities.join(' and ')} ${several ? 'pass' : 'passes'} only ${what(several ? 'their' : 'its')}`;
  };
  const reasons = [
    ...(narrowing['camunda:in'] ? [passOnly(narrowing['camunda:in'], (their) => `what ${their} camunda:in elements name`)] : []),
    ...(narrowing.propagateAllParentVariables
      ? [passOnly(narrowing.propagateAllParentVariables, (their) => `${their} zeebe:input mappings (propagateAllParentVariables="false")`)]
      : []),
  ];
  return {
    because: `${where}, which does not reach process "${processKey}": ${reasons.join(', and ')}, not "${name}"`,
    fix: `pass it in on the call activity, e.g. ${passingExamples(name, narrowing)}`,
  };
}

/** What the call activities' narrowing elements pass, after "only what their call activities'". */
function namedBy(narrowing: Narrowing): string {
  return [
    ...(narrowing['camunda:in'] ? ['camunda:in elements name'] : []),
    ...(narrowing.propagateAllParentVariables ? ['zeebe:input mappings pass (propagateAllParentVariables="false")'] : []),
  ].join(' or ');
}

/** How to pass `name` in on call activities narrowed as `narrowing`. */
function passingExamples(name: string, narrowing: Narrowing): string {
  return [
    ...(narrowing['camunda:in'] ? [`<camunda:in source="${name}" target="${name}" />`] : []),
    ...(narrowing.propagateAllParentVariables ? [`<zeebe:input source="=${name}" target="${name}" />`] : []),
  ].join(' or ');
}

/** A variable camunda:in elements pass under another name from one that may come with a caller's start. */
function renamedStartVariable(where: string, name: string, origin: StartOrigin, camunda: boolean): string {
  const example = camunda ? `<camunda:formField id="${origin.name}" />` : `<zeebe:output source="=${origin.name}" target="${origin.name}" />`;
  return `${where}, but nothing in the process, its callers or the processes it calls supplies "${name}": ${origin.renamedBy.join(' and ')} ` +
    `${origin.renamedBy.length > 1 ? 'pass' : 'passes'} it from "${origin.name}", which nothing supplies either; declare "${origin.name}" as a start variable ` +
    `on ${startEventAt(origin.entries)}, with ${example}, or "${name}" as an output of the task, job or message that sets it`;
}

/** Where a start variable would enter: the start event of `entries`, or the process's own. */
function startEventAt(entries: string[]): string {
  return entries.length ? `the start event of ${entries.map((key) => `"${key}"`).join(' or ')}, where its variables enter` : 'the start event';
}

/** Why a variable a called process writes does not arrive, and how to hand it back; undefined when no process of the call tree writes it. */
function withheldFrom(supply: SupplyAtProcess, name: string, camunda: boolean): { because: string; example: string } | undefined {
  const writers = supply.withheld.get(name);
  if (!writers?.length) return undefined;
  const processes = writers.map((key) => `"${key}"`).join(' and ');
  return {
    because: `process ${processes} ${writers.length > 1 ? 'write' : 'writes'} it, but the call activities that call ${writers.length > 1 ? 'them' : 'it'} ` +
      `hand back only their outputs (${camunda ? 'camunda:out without variables="all"' : 'propagateAllChildVariables="false"'})`,
    example: camunda ? `<camunda:out source="${name}" target="${name}" />` : `<zeebe:output source="=${name}" target="${name}" />`,
  };
}


/** A Camunda 7 file (it binds Camunda 7's namespace, not zeebe's): its examples are Camunda 7 declarations. */
function isCamundaFlavoured(definitions: ModdleElement): boolean {
  const namespaces = Object.values(definitions?.$attrs ?? {});
  return namespaces.includes('http://camunda.org/schema/1.0/bpmn') && !namespaces.includes('http://camunda.org/schema/zeebe/1.0');
}

function rootOf(node: ModdleElement): ModdleElement {
  let root = node;
  while (root.$parent) root = root.$parent;
  return root;
}
