// An error boundary event catches only an error thrown inside the activity it is attached to.
//
// bpmn-elements 17.3 hands a thrown error (an error end event's, or a worker's error thrown to an event sub-process,
// error-catch.ts) to every element of each scope it passes through, so an error boundary event attached to an activity
// on another path of the scope, naming the same error or none, caught it as well: that activity was left by its
// boundary event, the event sub-process that caught the error was discarded as if the boundary event had been the
// innermost catch (interrupting-event-sub-process.ts), and a job that threw stayed open. BPMN hands an error to the
// boundary events of the activities it was thrown in only. So a boundary event's error event definition ignores a
// throw whose source does not run inside the activity the event is attached to; all else is bpmn-elements' own. (An
// error raised as an activity's failure, a worker's error a boundary event catches, reaches the boundary events of
// that activity and the sub-processes around it only, by bpmn-elements' expect: unchanged.)
import * as elements from 'bpmn-elements';
import type { ElementMessage } from 'bpmn-elements';

/** bpmn-elements' ErrorEventDefinition, whose boundary events hear only what is thrown inside their activity. */
export class AttachedErrorEventDefinition extends elements.ErrorEventDefinition {
  protected override _onThrowApiMessage(routingKey: string, message: ElementMessage): unknown {
    const attachedTo = this.activity.attachedTo?.id;
    if (attachedTo && !thrownInside(message, attachedTo)) return undefined;
    return super._onThrowApiMessage(routingKey, message);
  }
}

/** True when the throw `message` comes from `activityId` or an element running inside it (at any depth). */
function thrownInside({ content }: ElementMessage, activityId: string): boolean {
  const parent = content.parent;
  return content.id === activityId || parent?.id === activityId || (parent?.path ?? []).some((step) => step.id === activityId);
}
