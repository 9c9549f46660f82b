import type { IncidentReason } from '../../api/client';

type AssignmentAttribute = Extract<IncidentReason, { kind: 'assignment-failed' }>['attribute'];

const ATTRIBUTE_WORDS: Record<AssignmentAttribute, string> = {
  assignee: 'assignee',
  candidateUsers: 'candidate users',
  candidateGroups: 'candidate groups',
};

/**
 * An incident's machine-readable reason (docs/api.md, "Incidents") as a sentence an operator reads.
 * `nameOf` names an element of the diagram (a flow, a gateway) where the diagram is known.
 * The switch is exhaustive: a new reason kind fails to compile until it has its sentence.
 */
export function describeReason(reason: IncidentReason, nameOf: (elementId: string) => string = (id) => id): string {
  switch (reason.kind) {
    case 'assignment-server-role':
      return `The ${ATTRIBUTE_WORDS[reason.attribute]} expression gave "${reason.given}", ${reason.serverRole === 'group'
        ? 'a group that grants a server role' : 'an account that holds only server roles'}: the task was not created`;
    case 'assignment-failed':
      return `The ${ATTRIBUTE_WORDS[reason.attribute]} expression could not be evaluated (or gave more than one assignee)`;
    case 'condition-failed':
      return `The condition on flow ${nameOf(reason.flowId)} could not be evaluated`;
    case 'no-flow-taken':
      return `None of the conditions on the outgoing flows of ${nameOf(reason.elementId)} is true, and it has no default flow`;
    case 'io-mapping-failed':
      return `The ${reason.direction} mapping to variable ${reason.target} could not be evaluated`;
    case 'called-element-failed':
      return `The call activity could not start process ${reason.calledElement}: none deployed, or not the version it binds`;
    case 'order-entry-only':
      return `The call activity may not start process ${reason.calledElement}: ${reason.border === 'takes-orders'
        ? 'it takes orders, and orders enter only through order entry' : 'it runs inside orders, and this instance belongs to no order'}`;
    case 'decision-not-found':
      return `Decision ${reason.decisionId} is not deployed`;
    case 'decision-id-failed':
      return 'The decision id expression could not be evaluated or gave no text: no decision was asked';
    case 'decision-failed':
      return `Decision ${reason.decisionId} gave no result`;
    case 'unhandled-error':
      return `A worker threw BPMN error ${reason.errorCode} and no error boundary event caught it`;
    case 'timer-failed':
      return 'The timer\'s date, duration or cycle could not be read';
    case 'correlation-key-failed':
      return `The correlation key of message ${reason.messageName} could not be evaluated`;
    case 'job-type-failed':
      return 'The job type expression could not be evaluated or gave no text: no job was created';
    case 'input-collection-failed':
      return 'The multi-instance input collection could not be evaluated or is not a list: no iteration started';
    case 'job-no-retries':
      return `No worker may take the job: its retries ran out (job type ${reason.jobType})`;
    default:
      return unknownKind(reason);
  }
}

// helpers

/** Compiles only while every kind above has its case; a server newer than the modeler still gets words. */
function unknownKind(reason: never): string {
  const { kind } = reason as { kind?: unknown };
  return `Reason ${typeof kind === 'string' ? kind : 'unknown'}`;
}
