// The sentence of each four-eyes refusal, in one place: the runtime's refusal
// and both impact replays word it alike, so the block a designer reads in an
// impact report is the sentence the approver would get.

/** The actor started the order (posted it, started it, or sent the message that started it). */
export function starterRefusal(actor: string, order: string, task: string): string {
  return `four eyes: ${actor} started order ${order}, so another person must decide "${task}"`;
}

/** The actor requested a change of the order (`changeId`, their latest). */
export function changeRequesterRefusal(actor: string, changeId: string, order: string, task: string): string {
  return `four eyes: ${actor} requested change ${changeId} of order ${order}, so another person must decide "${task}"`;
}

/** The actor decided another iteration of this activation of the multi-instance task (`element`: processKey/elementId). */
export function otherIterationRefusal(actor: string, task: string, element: string, order: string): string {
  return `four eyes: ${actor} already decided another iteration of "${task}" (${element}) of order ${order}, so another person must decide this one`;
}

/** The actor decided another separated task of the order (`decidedElement`: processKey/elementId). */
export function otherTaskRefusal(actor: string, decided: string, decidedElement: string, order: string, task: string): string {
  return `four eyes: ${actor} already decided "${decided}" (${decidedElement}) of order ${order}, so another person must decide "${task}"`;
}

/** The actor decided another of the tasks the same instance has decided by distinct people (`process`: its key). */
export function distinctDeciderRefusal(actor: string, decided: string, process: string, order: string, task: string): string {
  return `four eyes: ${actor} already decided "${decided}" in this ${process} of order ${order}, so another person must decide "${task}"`;
}
