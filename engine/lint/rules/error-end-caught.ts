// An error end event whose error nothing catches fails every instance reaching it (Camunda 8, and the runtime since
// uncaught-error-end.ts): the error goes up to the call activity that called the process, then to that caller's
// scopes and callers, and caught nowhere it is the `unhandled-error` incident at the end event. So an error end event
// naming an error with an `errorCode` is a warning when neither its own process (error-catches.ts, as
// runtime/error-catch.ts reads it) nor any call of it, up the calls at any depth, catches the code, and when no
// process calls its process at all. One call that catches it is enough: the rule does not follow each path on its own.
// The library comes from `processes` (the deployed latest versions, or what the modeler knows, with the document's
// own processes put in here); without it the rule reports nothing, since a caller it cannot see may catch the error.
// An error end event naming no error, or an error without errorCode, just ends its path: nothing to report.
// A warning, never a refusal: the designer may deploy the caller that catches it next. Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements, isExecutableProcess } from '../../bpmn/process-model.js';
import { displayName } from '../element-label.js';
import { catchesCode, errorsCaughtAt, thrownErrorCodeOf, type CallCatches } from '../error-catches.js';
import { is, type Reporter, type RuleFactory } from '../rule-api.js';
import { mergeSupplies, processSuppliesOf, type ProcessSupply } from '../variable-supply.js';

interface ErrorEndCaughtConfig {
  /** What the library's processes supply (variable-supply.ts), their call activities' catches among it; without it the rule reports nothing. */
  processes?: ProcessSupply[];
}

const errorEndCaught: RuleFactory = (config?: ErrorEndCaughtConfig) => {
  const library = Array.isArray(config?.processes) ? config.processes : undefined;
  // the call graph is worked out once per lint of a document, not once per process (call-outcome-kept does the same)
  const byDocument = new WeakMap<object, Callers>();
  function callersIn(definitions: ModdleElement): Callers {
    let found = byDocument.get(definitions);
    if (!found) {
      found = callersOf(mergeSupplies(library ?? [], processSuppliesOf(definitions)));
      byDocument.set(definitions, found);
    }
    return found;
  }

  function check(node: ModdleElement, reporter: Reporter) {
    if (is(node, 'bpmn:Definitions')) byDocument.delete(node);
    if (!library || !is(node, 'bpmn:Process') || !node.$parent || !isExecutableProcess(node)) return;
    for (const element of allFlowElements(node)) {
      const code = thrownErrorCodeOf(element);
      if (code === undefined || catchesCode(errorsCaughtAt(element), code)) continue;
      const up = upTheCalls(String(node.id), code, callersIn(node.$parent));
      if (!up.caught) reporter.report(element.id, messageFor(element, code, String(node.id), up));
    }
  }

  return { check, meta: { documentation: { url: 'docs/validation.md#error-end-caught-warning' } } };
};

export default errorEndCaught;

// helpers

/** A call activity of a process of the library. */
interface Call {
  caller: string;
  call: CallCatches;
}

/** The calls of each key; `any`: those naming the process they call by an expression, which may call every one. */
interface Callers {
  byKey: Map<string, Call[]>;
  any: Call[];
}

function callersOf(processes: readonly ProcessSupply[]): Callers {
  const callers: Callers = { byKey: new Map(), any: [] };
  for (const process of processes) {
    for (const call of process.callCatches ?? []) {
      const into = call.calls === undefined ? callers.any : callers.byKey.get(call.calls) ?? [];
      into.push({ caller: process.key, call });
      if (call.calls !== undefined) callers.byKey.set(call.calls, into);
    }
  }
  return callers;
}

/** Where the error went up the calls: caught by one of them, or not, with the calls it met (`further`: some of them call a caller). */
interface UpTheCalls {
  caught: boolean;
  met: Call[];
  further: boolean;
}

/** Follows `code`, uncaught in `key`, to every call of it and, uncaught there, to the calls of its caller, at any depth. */
function upTheCalls(key: string, code: string, callers: Callers): UpTheCalls {
  const seen = new Set([key]);
  const queue = [key];
  const met: Call[] = [];
  let further = false;
  while (queue.length) {
    const called = queue.shift()!;
    for (const call of [...callers.byKey.get(called) ?? [], ...callers.any]) {
      if (met.includes(call)) continue;
      met.push(call);
      further ||= called !== key;
      if (catchesCode(call.call, code)) return { caught: true, met, further };
      if (!seen.has(call.caller)) {
        seen.add(call.caller);
        queue.push(call.caller);
      }
    }
  }
  return { caught: false, met, further };
}

function messageFor(event: ModdleElement, code: string, key: string, { met, further }: UpTheCalls): string {
  const name = displayName(event);
  const thrower = name ? `Error end event "${name}"` : `Error end event ${event.id}`;
  const incident = 'an instance reaching it stops with the unhandled-error incident there';
  if (!met.length) {
    return `${thrower} throws ${code}, which nothing catches: not this process, and no process of the library calls "${key}" — ${incident}; ` +
      'catch the code with an error event sub-process, or an error boundary event on a sub-process around it';
  }
  const calls = met.map(({ caller, call }) => `${caller} › ${call.label}`).join(', ');
  return `${thrower} throws ${code}, which nothing catches: not this process, and no call of "${key}" in the library${further ? ' nor further up the calls' : ''} ` +
    `(${calls}) — ${incident}; catch the code with an error boundary event on the call activity, or an error event sub-process`;
}
