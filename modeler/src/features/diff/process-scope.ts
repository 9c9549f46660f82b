// Which elements of a file belong to one of its processes, for a comparison of that
// process's versions: a file may hold several processes (pools of a collaboration, or
// a caller with the process it calls), and the History of one of them lists its own
// changes only. Ids are moddle's (aliases where moddle refuses the file's id).

/** What the scope reads of a moddle element. */
export interface ScopedElement {
  $type: string;
  $parent?: ScopedElement;
  id?: string;
  rootElements?: ScopedElement[];
  [property: string]: unknown;
}

/**
 * The ids of process `processId` of `definitions` and of what belongs to it: everything the process contains
 * (flow elements, lanes, annotations …), the pool that shows it, and the message flows and associations of the
 * collaboration that touch it. The collaboration itself belongs to no single process, another pool and its
 * message flows to theirs. (Messages, errors and signals bpmn-js-differ does not compare.)
 */
export function processScope(definitions: ScopedElement, processId: string): Set<string> {
  const scope = new Set<string>();
  const roots = definitions.rootElements ?? [];
  const process = roots.find((root) => root.$type === 'bpmn:Process' && root.id === processId);
  if (!process) return scope;
  const visit = (element: ScopedElement) => {
    if (element.id) scope.add(element.id);
    for (const child of children(element)) visit(child);
  };
  visit(process);
  const collaborations = roots.filter((root) => root.$type === 'bpmn:Collaboration');
  for (const collaboration of collaborations) {
    for (const participant of list(collaboration.participants)) {
      if ((participant.processRef as ScopedElement | undefined)?.id === processId) visit(participant);
    }
  }
  // the collaboration's connections with one end in the process, and what an association's other end annotates
  for (const collaboration of collaborations) {
    for (const connection of [...list(collaboration.messageFlows), ...list(collaboration.artifacts)]) {
      const ends = [connection.sourceRef, connection.targetRef] as (ScopedElement | undefined)[];
      if (!ends.some((end) => end?.id && scope.has(end.id))) continue;
      visit(connection);
      if (connection.$type === 'bpmn:Association') for (const end of ends) if (end?.id && end.$parent === collaboration) scope.add(end.id);
    }
  }
  return scope;
}

// helpers

/** The moddle elements `element` contains: its properties' elements whose parent it is (references point elsewhere). */
function children(element: ScopedElement): ScopedElement[] {
  const found: ScopedElement[] = [];
  for (const value of Object.values(element)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (isElement(item) && item.$parent === element) found.push(item);
    }
  }
  return found;
}

function list(value: unknown): ScopedElement[] {
  return Array.isArray(value) ? value.filter(isElement) : [];
}

function isElement(value: unknown): value is ScopedElement {
  return typeof value === 'object' && value !== null && typeof (value as { $type?: unknown }).$type === 'string';
}
