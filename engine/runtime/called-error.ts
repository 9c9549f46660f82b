// A BPMN error nothing in a called process catches goes up to the call activity that called it, as in Camunda 8.
//
// Zeebe hands an error no catch of the called process takes to the call activity in the caller: its error boundary
// events, then the caller's event sub-processes and scopes (error-catch.ts), and so on up the calls; the called
// instance ends there. Stratum failed the called instance with the `unhandled-error` incident and its caller at the
// call activity with a message, so an error boundary event naming the code on the call activity never caught it. So a
// worker's error that its own process does not catch is thrown on the call activity of the nearest caller that catches
// it; that caller's step leaves the call activity, which ends what it had called (abandoned-calls.ts). When no caller
// catches it either, the called instance fails with the incident as before.
import type { InstanceRow } from '../store/types.js';
import type { ExecutableDefinition } from './definition-cache.js';
import { errorCatchOf } from './error-catch.js';

/** The caller whose call activity (`elementId`, waiting under `executionId`) catches the error, locked. */
export interface CatchingCaller {
  caller: InstanceRow;
  elementId: string;
  executionId: string;
}

/**
 * The nearest running caller of `called` (at any depth) in which `code` thrown on its call activity is caught;
 * `instanceOf` reads a caller by its id (the runtime locks it), `definitionOf` a process version.
 */
export async function callerCatching(called: InstanceRow, code: string, instanceOf: (id: string) => Promise<InstanceRow | undefined>,
  definitionOf: (key: string, version: number) => Promise<ExecutableDefinition>): Promise<CatchingCaller | undefined> {
  for (let child = called; child.parentId && child.parentElementId && child.parentExecutionId;) {
    const caller = await instanceOf(child.parentId);
    if (!caller || caller.status !== 'running') return undefined;
    const definition = await definitionOf(caller.processKey, caller.version);
    if (errorCatchOf(definition.sourceContext, child.parentElementId, code)) return { caller, elementId: child.parentElementId, executionId: child.parentExecutionId };
    child = caller;
  }
  return undefined;
}
