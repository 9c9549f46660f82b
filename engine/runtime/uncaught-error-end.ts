// An error end event whose error nothing in its own process catches, which Camunda 8 hands up the calls or raises as an incident.
//
// bpmn-elements 17.3 ends the path of an error end event that no boundary event or event sub-process catches as a
// none end event ends it (Camunda 7's behaviour): a called process throwing CreditRejected to an error boundary event
// of its caller's call activity completed, and the caller went on along the call's normal flow, so a rejection read
// as a normal completion. Zeebe hands such an error to the call activity that called the process (its error boundary
// events, then the caller's event sub-processes and scopes, called-error.ts), as a worker's uncaught error goes, and
// raises an incident (UNHANDLED_ERROR_EVENT) at the end event when nothing catches it anywhere. So the step that
// reaches one fails there with the `unhandled-error` incident (instance-step.ts), unless a caller catches the error:
// then the step executor throws it on that caller's call activity, whose step ends the called tree (abandoned-calls.ts).
// Whether its own process catches it is read as for a worker's error (error-catch.ts), by the error's code. An error
// end event naming no error, or an error without errorCode, ends its path as before: Zeebe refuses to deploy those.
import { errorCatchOf } from './error-catch.js';

/** The parts of moddle-context-serializer's compiled context read here. */
interface CompiledContext {
  getActivityById(id: string): CompiledElement | undefined;
}

interface CompiledElement {
  type: string;
  behaviour?: {
    name?: string;
    errorCode?: string;
    eventDefinitions?: { type?: string; behaviour?: { errorRef?: { id?: string } } }[];
  };
}

/** An error thrown by an error end event that its process does not catch. */
export interface UncaughtError {
  elementId: string;
  code: string;
  message: string;
}

/** The error the end event `elementId` throws when nothing in its process catches it; undefined for any other element. */
export function uncaughtErrorOf(sourceContext: unknown, elementId: string): UncaughtError | undefined {
  const context = sourceContext as CompiledContext;
  const event = context.getActivityById(elementId);
  if (event?.type !== 'bpmn:EndEvent') return undefined;
  const errorId = event.behaviour?.eventDefinitions?.find((definition) => definition.type === 'bpmn:ErrorEventDefinition')?.behaviour?.errorRef?.id;
  const error = errorId ? context.getActivityById(errorId) : undefined;
  const code = error?.behaviour?.errorCode;
  if (!code || errorCatchOf(sourceContext, elementId, code)) return undefined;
  const named = error.behaviour?.name ? ` (${error.behaviour.name})` : '';
  return { elementId, code, message: `error end event ${elementId} throws ${code}${named}, which nothing in its process catches` };
}
