// Where a finding's element is when it has no shape on the canvas: a choreography (bpmn-js draws none), a message or
// an error a file defines beside its processes, the process of a pool, an event's definition, or no element at all
// (a finding about the whole file). A click on such a finding selects what stands for it on the canvas, if anything
// does, and says where it is, rather than doing nothing.
import type { ModdleElement } from 'bpmn-moddle';
import traverse from 'bpmnlint/lib/traverse.js';
import { ElementLabel, elementLabel } from '../../../../engine/lint/element-label.js';

/** What a click on a finding without a shape of its own selects (canvas ids, maybe none), and the sentence saying why. */
export interface OffCanvas {
  select: string[];
  sentence: string;
}

/**
 * For the finding on `elementId` (the canvas's id; null: the whole file) of `definitions`, whose drawn elements
 * `isDrawn` tells: its pool, the drawn element that holds it, or the drawn elements that use it (a message's catches,
 * an error's boundary events), and what to say.
 */
export function offCanvas(definitions: ModdleElement | undefined, elementId: string | null, isDrawn: (id: string) => boolean): OffCanvas {
  if (elementId === null) return { select: [], sentence: 'This finding is about the whole file, not one element of it: there is nothing to select' };
  const element = definitions && findById(definitions, elementId);
  if (!element) return { select: [], sentence: `${elementId} is not in the diagram on the canvas` };
  const label = ElementLabel(element);

  if (element.$type === 'bpmn:Process') {
    const pool = participantsOf(definitions).find((participant) => participant.processRef === element && isDrawn(String(participant.id)));
    if (pool) return { select: [String(pool.id)], sentence: `${label} is drawn as its pool ${elementLabel(pool)}: selected` };
  }
  const holder = drawnAncestor(element, isDrawn);
  if (holder) return { select: [String(holder.id)], sentence: `${label} is not drawn itself: selected ${elementLabel(holder)}, which holds it` };

  const root = rootOf(element);
  if (root !== element) return { select: [], sentence: `${label} is not drawn: it is inside ${elementLabel(root)}, kept in the file` };
  const users = drawnUsersOf(definitions, element, isDrawn);
  if (!users.length) return { select: [], sentence: `${label} is not drawn: kept in the file` };
  return {
    select: users.map((user) => String(user.id)),
    sentence: `${label} is not drawn: kept in the file; selected what uses it: ${users.map(elementLabel).join(', ')}`,
  };
}

// helpers

function findById(definitions: ModdleElement, id: string): ModdleElement | undefined {
  let found: ModdleElement | undefined;
  traverse(definitions, {
    enter(node: ModdleElement) {
      if (node.id === id) found ??= node;
      return found ? false : undefined; // nothing below once found
    },
  });
  return found;
}

function participantsOf(definitions: ModdleElement): ModdleElement[] {
  return (definitions.rootElements ?? []).flatMap((root: ModdleElement) => (root.$type === 'bpmn:Collaboration' ? root.participants ?? [] : []));
}

/** The nearest element above `element` that is drawn; a root element's parent (the definitions) never is. */
function drawnAncestor(element: ModdleElement, isDrawn: (id: string) => boolean): ModdleElement | undefined {
  for (let node = element.$parent; node && node.$type !== 'bpmn:Definitions'; node = node.$parent) {
    if (typeof node.id === 'string' && isDrawn(node.id)) return node;
  }
  return undefined;
}

function rootOf(element: ModdleElement): ModdleElement {
  let node = element;
  while (node.$parent && node.$parent.$type !== 'bpmn:Definitions') node = node.$parent;
  return node;
}

/**
 * The drawn elements referring to `target` (a message's catches and message flows, an error's events: through their
 * event definitions, which are not drawn themselves), in file order, each once.
 */
function drawnUsersOf(definitions: ModdleElement, target: ModdleElement, isDrawn: (id: string) => boolean): ModdleElement[] {
  const users: ModdleElement[] = [];
  traverse(definitions, {
    enter(node: ModdleElement) {
      if (!refersTo(node, target)) return;
      const user = typeof node.id === 'string' && isDrawn(node.id) ? node : drawnAncestor(node, isDrawn);
      if (user && !users.includes(user)) users.push(user);
    },
  });
  return users;
}

/** moddle's description of an element's type, which the published types leave out. */
interface Described {
  $descriptor?: { properties?: { name: string; isReference?: boolean }[] };
  [property: string]: unknown;
}

/**
 * Whether one of `node`'s references (the properties its type declares as such; moddle keeps them unlisted) is
 * `target`. Read as set, not with get(), which would add an empty collection to the model.
 */
function refersTo(node: ModdleElement, target: ModdleElement): boolean {
  const described = node as unknown as Described;
  return (described.$descriptor?.properties ?? []).some((property) => {
    if (!property.isReference) return false;
    const value = described[property.name];
    return value === target || (Array.isArray(value) && value.includes(target));
  });
}
