// Every place where an element of a diagram names a variable it writes, read
// as the runtime writes it: output mappings (Camunda 8 zeebe:output, Camunda 7
// output parameters and camunda:out), local inputs (a task's, an event's or a
// sub-process's, which every element inside reads in place of the process's
// variable), what a call activity passes the called process, a Camunda 7 form
// field, a decision's or a script's or a Camunda 7 delegate's result variable,
// a multi-instance output collection and element, and the decision a user task
// declaring nothing takes from the gateway after it (inferred-decision.ts),
// which its completer sends. order-fields-read-only and call-outcome-kept judge
// the same list, so a writer one of them knows the other knows too.
// Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { camunda7CallVariables } from '../bpmn/camunda7-call-variables.js';
import { describeElement, extensionValues, iterationVariablesOf } from '../bpmn/process-model.js';
import { declaredDecisionCall } from './business-rule-task.js';
import { is } from './rule-api.js';

/** One place where a diagram names a variable it writes. */
export interface Write {
  /** What the element does, written to follow its label: `has an output mapping to`. */
  what: string;
  target: string;
  /**
   * `output`: mapped into the process when the element completes (zeebe:output, Camunda 7 output parameter,
   * camunda:out); `input`: a local variable of the element or, with `callInput`, of the called process;
   * `set`: a value the runtime, a completer or a worker sets under that name.
   */
  kind: 'output' | 'input' | 'set';
  /** It writes the variable of the same name onto itself (`=amount` to `amount`), which changes nothing by itself. */
  copies?: boolean;
  /** What a mapping writes, as written (`=true`); undefined where the value is not the diagram's. */
  source?: string;
  /** It reads one variable as it is (`=changeAmount`), no literal or computation. */
  reference?: boolean;
  /** An input of a call activity: the called process gets it, the caller's variable stays. */
  callInput?: boolean;
}

/** What `has an output mapping to` reads as (a zeebe:output). */
export const OUTPUT_MAPPING = 'has an output mapping to';

/** Every variable the element writes into the process (or, for inputs, into its own scope or the called process). */
export function writesOf(node: ModdleElement): Write[] {
  const writes: Write[] = [];
  const call = is(node, 'bpmn:CallActivity');
  for (const mapping of extensionValues(node, 'zeebe:IoMapping')) {
    for (const output of mapping.outputParameters ?? []) {
      writes.push({ what: OUTPUT_MAPPING, target: text(output.target), kind: 'output', source: text(output.source), copies: isCopyOf(output.source, text(output.target)) });
    }
    for (const input of mapping.inputParameters ?? []) {
      writes.push({ what: call ? 'passes the called process' : 'has an input mapping (a local variable every element inside reads) to',
        target: text(input.target), kind: 'input', source: text(input.source), copies: isCopyOf(input.source, text(input.target)), reference: referenceIn(input.source) !== undefined,
        ...(call && { callInput: true }) });
    }
  }
  for (const inputOutput of extensionValues(node, 'camunda:InputOutput')) {
    for (const output of inputOutput.outputParameters ?? []) {
      writes.push({ what: 'has an output parameter', target: text(output.name), kind: 'output', source: text(output.value), copies: isCopyOf(output.value, text(output.name)) });
    }
    for (const input of inputOutput.inputParameters ?? []) {
      writes.push({ what: call ? 'passes the called process' : 'has an input parameter (a local variable every element inside reads)',
        target: text(input.name), kind: 'input', source: text(input.value), copies: isCopyOf(input.value, text(input.name)), reference: referenceIn(input.value) !== undefined,
        ...(call && { callInput: true }) });
    }
  }
  for (const form of extensionValues(node, 'camunda:FormData')) {
    for (const field of form.fields ?? []) writes.push({ what: 'has a form field, which its completer sets,', target: text(field.id), kind: 'set' });
  }
  const passed = camunda7CallVariables(node).mappings;
  for (const out of passed?.outs ?? []) {
    if ('target' in out) {
      const variable = 'variable' in out ? out.variable : referenceIn(`=${out.feel}`);
      writes.push({ what: 'hands back (camunda:out) into', target: out.target, kind: 'output', source: 'variable' in out ? out.variable : `=${out.feel}`, copies: variable === out.target });
    }
  }
  for (const into of passed?.ins ?? []) {
    if ('target' in into) {
      const variable = 'variable' in into ? into.variable : referenceIn(into.feel.startsWith('=') ? into.feel : `=${into.feel}`);
      writes.push({ what: 'passes the called process (camunda:in)', target: into.target, kind: 'input', source: 'variable' in into ? into.variable : `=${into.feel}`, copies: variable === into.target, reference: variable !== undefined, callInput: true });
    }
  }
  const decision = declaredDecisionCall(node);
  if (decision?.resultVariable) writes.push({ what: 'sets its decision\'s result variable', target: decision.resultVariable, kind: 'set' });
  const result = decision ? undefined : resultVariableOf(node);
  if (result) writes.push({ what: 'names as its result variable, which its script or worker sets,', target: result, kind: 'set' });
  const loop = node.loopCharacteristics;
  if (loop && is(loop, 'bpmn:MultiInstanceLoopCharacteristics')) {
    const gathered = text(extensionValues(loop, 'zeebe:LoopCharacteristics')[0]?.outputCollection);
    if (gathered) writes.push({ what: 'gathers its multi-instance output collection into', target: gathered, kind: 'set' });
    for (const element of iterationVariablesOf(node)) writes.push({ what: 'names its multi-instance element (a local variable of each iteration)', target: element, kind: 'input' });
  }
  if (is(node, 'bpmn:UserTask')) {
    for (const name of describeElement(node).inferredOutputs ?? []) {
      writes.push({ what: 'declares no outputs, so its completer decides what the gateway after it reads:', target: name, kind: 'set' });
    }
  }
  return writes.filter((write) => write.target !== '');
}

/** `=amount` (FEEL) or `${amount}` / `#{amount}` (Camunda 7) for the target `amount`. */
function isCopyOf(source: unknown, target: string): boolean {
  return referenceIn(source) === target;
}

/** The variable a source reads as it is: `changeAmount` of `=changeAmount`, `${changeAmount}` or `#{changeAmount}`. */
function referenceIn(source: unknown): string | undefined {
  const value = text(source);
  return /^=\s*([A-Za-z_][\w]*)$/.exec(value)?.[1] ?? /^[$#]\{\s*([A-Za-z_][\w]*)\s*\}$/.exec(value)?.[1];
}

// helpers

/** A script task's (zeebe:script resultVariable) or a Camunda 7 script's or delegate's (camunda:resultVariable). */
function resultVariableOf(node: ModdleElement): string | undefined {
  const script = text(extensionValues(node, 'zeebe:Script')[0]?.resultVariable);
  if (script) return script;
  const camunda: unknown = typeof node.get === 'function' ? node.get('camunda:resultVariable') : node.$attrs?.['camunda:resultVariable'];
  return text(camunda) || undefined;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value.trim() : '';
}
