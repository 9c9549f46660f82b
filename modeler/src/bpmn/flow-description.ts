// A sequence flow as a designer names it. Most flows have no name, and their ids (Flow_0abc12) are bpmn-js's
// invention, so lists that named flows by id said nothing a designer recognises: the flow's name, else its
// condition (what a conditional flow stands for, =amount > 1000000), else where it leads from and to.

/** What is read of a flow: the moddle element (bpmn-moddle's names), as bpmn-js's business object holds it. */
export interface FlowLike {
  id?: string;
  name?: string;
  conditionExpression?: { body?: unknown };
  sourceRef?: { id?: string; name?: string };
  targetRef?: { id?: string; name?: string };
}

/**
 * The flow's name; else, unless `condition: false` (a list that shows the condition beside it), its condition's
 * text; else `from <source> to <target>`, each by its name or, unnamed, its id. The flow's own id is for a tooltip.
 */
export function describeFlow(flow: FlowLike, { condition = true } = {}): string {
  const name = flow.name?.trim();
  if (name) return name;
  const body = flow.conditionExpression?.body;
  if (condition && typeof body === 'string' && body.trim()) return body.trim();
  return flowEnds(flow);
}

/** `from <source> to <target>`, each by its name or, unnamed, its id. */
export function flowEnds(flow: FlowLike): string {
  return `from ${endName(flow.sourceRef)} to ${endName(flow.targetRef)}`;
}

function endName(end: { id?: string; name?: string } | undefined): string {
  return end?.name?.trim() || end?.id || '?';
}
