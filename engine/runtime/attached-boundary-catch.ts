// An error or escalation boundary event catches only what is thrown inside the activity it is attached to.
//
// bpmn-elements 17.3 hands a thrown error (an error end event's, or a worker's error thrown to an event sub-process,
// error-catch.ts) and a thrown escalation (an escalation throw or end event's) to every element of each scope it passes
// through, so a boundary event attached to an activity on another path of the scope, naming the same error or
// escalation or none, caught it as well: that activity was left by its boundary event, the event sub-process that
// caught the throw was discarded as if the boundary event had been the innermost catch (interrupting-event-sub-process.ts),
// and a job that threw stayed open. BPMN hands a throw to the boundary events of the activities it was thrown in only.
// So a boundary event's error or escalation event definition ignores a throw whose source does not run inside the
// activity the event is attached to; all else is bpmn-elements' own. (An error raised as an activity's failure, a
// worker's error a boundary event catches, reaches the boundary events of that activity and the sub-processes around it
// only, by bpmn-elements' expect: unchanged.)
import * as elements from 'bpmn-elements';
import type { Activity, ElementMessage } from 'bpmn-elements';

/** bpmn-elements' ErrorEventDefinition, whose boundary events hear only what is thrown inside their activity. */
export class AttachedErrorEventDefinition extends elements.ErrorEventDefinition {
  protected override _onThrowApiMessage(routingKey: string, message: ElementMessage): unknown {
    if (!heardBy(this.activity, message)) return undefined;
    return super._onThrowApiMessage(routingKey, message);
  }
}

/** bpmn-elements' EscalationEventDefinition, whose boundary events hear only what is escalated inside their activity. */
export class AttachedEscalationEventDefinition extends elements.EscalationEventDefinition {
  protected override _onCatchMessage(routingKey: string, message: ElementMessage): unknown {
    if (!heardBy(this.activity, message)) return undefined;
    return super._onCatchMessage(routingKey, message);
  }
}

/** Whether the catching event `activity` hears the throw `message`: any catch but a boundary event, which hears only its activity's. */
export function heardBy(activity: Activity, message: ElementMessage): boolean {
  const attachedTo = activity.attachedTo?.id;
  return !attachedTo || thrownInside(message, attachedTo);
}

/** True when the throw `message` comes from `activityId` or an element running inside it (at any depth). */
function thrownInside({ content }: ElementMessage, activityId: string): boolean {
  const parent = content.parent;
  return content.id === activityId || parent?.id === activityId || (parent?.path ?? []).some((step) => step.id === activityId);
}
