// Where-used: every deployed process version (and candidate) with a call
// activity that starts a given process, or a business rule task that calls a
// given decision, so a designer sees who a change reaches.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements } from '../bpmn/process-model.js';
import { decisionCallOf } from '../dmn/decision-call.js';
import { isFeel } from '../feel/feel-expression.js';
import type { CandidateLibrary, VersionGraph } from './candidate-library.js';
import type { Caller } from './impact-report.js';

interface CallingElement {
  id: string;
  name?: string | null;
}

export function whereUsed(library: CandidateLibrary, key: string): Promise<Caller[]> {
  return callersOf(library, ({ model }) => [...model.elements.values()].filter((element) => element.calledProcess === key));
}

/**
 * Every process version whose business rule tasks call `decisionId`: a decision is called by its latest version
 * (as the runtime binds it), so an order of any of them that reaches one evaluates the changed decision. A task
 * whose decision id is a `=FEEL` expression names no decision until it runs and is not counted.
 */
export function whereDecisionUsed(library: CandidateLibrary, decisionId: string): Promise<Caller[]> {
  return callersOf(library, (version) => [...decisionTasksOf(version).values()].filter((task) => task.decisionId === decisionId));
}

/** A business rule task that names the decision it calls. */
export interface DecisionTask extends CallingElement {
  decisionId: string;
}

const decisionTasks = new WeakMap<VersionGraph, Map<string, DecisionTask>>();

/** The business rule tasks of a version (also in sub-processes) that name their decision, by element id; read once per version. */
export function decisionTasksOf(version: VersionGraph): Map<string, DecisionTask> {
  let tasks = decisionTasks.get(version);
  if (!tasks) {
    tasks = new Map(businessRuleTasksOf(version.process).map((task) => [task.id, task]));
    decisionTasks.set(version, tasks);
  }
  return tasks;
}

async function callersOf(library: CandidateLibrary, callingElements: (version: VersionGraph) => CallingElement[]): Promise<Caller[]> {
  const callers: Caller[] = [];
  const keys = [...new Set([...library.deployed.map((row) => row.key), ...library.candidates.map((candidate) => candidate.key)])].sort();
  for (const callerKey of keys) {
    const latest = library.latestVersion(callerKey)!;
    const deployedLatest = library.deployed.find((row) => row.key === callerKey)?.version ?? 0;
    const versions = Array.from({ length: latest }, (_, index) => index + 1).filter((version) => version <= deployedLatest || version === latest);
    const elements = new Map<string, Caller['elements'][number]>();
    const calling: number[] = [];
    for (const version of versions) {
      const found = callingElements(await library.graph(callerKey, version));
      if (found.length === 0) continue;
      calling.push(version);
      for (const element of found) {
        const entry = elements.get(element.id) ?? { elementId: element.id, name: element.name ?? null, versions: [] };
        entry.versions.push(version);
        elements.set(element.id, entry);
      }
    }
    if (calling.length === 0) continue;
    callers.push({
      processKey: callerKey,
      versions: calling.filter((version) => version <= deployedLatest),
      latestCalls: calling.includes(latest),
      elements: [...elements.values()],
    });
  }
  return callers;
}

/** The keys whose latest version (after the change) calls `key`, directly or through others. */
export function transitiveCallers(calls: Map<string, string[]>, key: string): Set<string> {
  const callers = new Set<string>();
  const queue = [key];
  while (queue.length) {
    const callee = queue.pop()!;
    for (const [caller, callees] of calls) {
      if (callees.includes(callee) && !callers.has(caller) && caller !== key) {
        callers.add(caller);
        queue.push(caller);
      }
    }
  }
  return callers;
}

// helpers

/** The business rule tasks of a process (also in sub-processes) with the decision id each calls, when it names one. */
function businessRuleTasksOf(process: ModdleElement | undefined): DecisionTask[] {
  const tasks: DecisionTask[] = [];
  for (const element of process ? allFlowElements(process) : []) {
    if (element.$type !== 'bpmn:BusinessRuleTask') continue;
    let decisionRef: string | undefined;
    try {
      // decisionCallOf reads a moddle element (its parameter is typed loosely, for bpmn-elements' behaviour too)
      decisionRef = decisionCallOf(element as unknown as Parameters<typeof decisionCallOf>[0])?.decisionRef;
    } catch {
      continue; // a result mapping Camunda 7 does not know: lint reports it, and the task calls nothing
    }
    if (decisionRef && !isFeel(decisionRef)) tasks.push({ id: element.id, name: element.name ?? null, decisionId: decisionRef });
  }
  return tasks;
}
