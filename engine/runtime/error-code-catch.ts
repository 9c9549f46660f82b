// A catching error event takes a thrown error by its code, as BPMN and Camunda 7 and 8 match errors.
//
// bpmn-elements 17.3 matches a delegated throw (an error end event's, or a worker's error thrown to an event
// sub-process) to a catching error event definition by the bpmn:Error's id. A diagram may hold two bpmn:Error
// elements of one errorCode (a copy of an error, or one merged from another file), and the runtime decides by code
// whether anything catches an error (error-catch.ts, uncaught-error-end.ts): an event sub-process whose start event
// names the twin was taken for the catch, yet its start ignored the throw, and the path ended as if nothing had been
// thrown. So a catch naming an error with a code takes a throw of another error with the same code; one naming the
// thrown error itself, or none, goes as before (catch-all-error-start.ts picks such an event sub-process's start).
import type { ElementMessage } from 'bpmn-elements';
import { AttachedErrorEventDefinition, heardBy } from './attached-boundary-catch.js';

/** bpmn-elements' reference info of an event definition (ErrorEventDefinition's `Symbol.for('referenceInfo')`). */
const REFERENCE_INFO = Symbol.for('referenceInfo');

interface ErrorRef {
  id?: string;
  code?: string | number;
}

/** The error event definition of Stratum's runtime: a boundary event's hears its activity only (attached-boundary-catch.ts), and any catch matches by code. */
export class ErrorCodeCatchEventDefinition extends AttachedErrorEventDefinition {
  protected override _onThrowApiMessage(routingKey: string, message: ElementMessage): unknown {
    const own = (this as unknown as Record<symbol, { message?: ErrorRef } | undefined>)[REFERENCE_INFO]?.message;
    const thrown = (message.content as { message?: ErrorRef }).message;
    if (own?.id && thrown?.id && own.id !== thrown.id && sameCode(own, thrown) && heardBy(this.activity, message)) return this._catchError(routingKey, message, thrown);
    return super._onThrowApiMessage(routingKey, message);
  }
}

const sameCode = (own: ErrorRef, thrown: ErrorRef) =>
  own.code !== undefined && own.code !== null && thrown.code !== undefined && thrown.code !== null && String(own.code) === String(thrown.code);
