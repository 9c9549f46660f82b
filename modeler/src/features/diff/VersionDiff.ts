import { BpmnModdle } from 'bpmn-moddle';
import { diff } from 'bpmn-js-differ';
import zeebeSchema from 'zeebe-bpmn-moddle/resources/zeebe.json';
import { describeFlow } from '../../bpmn/flow-description';
import { importBpmn } from '../../../../engine/interop/index.js';
import { canvasIds } from '../../bpmn/canvas-ids';
import { processScope, type ScopedElement } from './process-scope';
import { withServerProperties } from './server-properties.js';
import { parseBpmn } from '../../../../engine/bpmn/moddle.js';
import { diffProcesses, processOf } from '../../../../engine/impact/process-diff.js';

export interface DiffItem {
  id: string;
  type: string;
  name: string | null;
  /** An unnamed sequence flow as a designer sees it (flow-description.ts): its condition, or from and to where it leads. */
  description?: string;
  /** Changed attributes with their old and new value, as text. */
  attributes?: { name: string; oldValue: string; newValue: string }[];
}

interface ConditionChange {
  flowId: string;
  label: string;
  oldCondition: string | null;
  newCondition: string | null;
}

export interface VersionComparison {
  added: DiffItem[];
  removed: DiffItem[];
  changed: DiffItem[];
  layoutChanged: DiffItem[];
  conditions: ConditionChange[];
}

/** What this comparison reads of a moddle element. */
interface ModdleElement {
  $type: string;
  id?: string;
  name?: string;
  body?: unknown;
  flowElements?: ModdleElement[];
  rootElements?: ModdleElement[];
  conditionExpression?: { body?: string };
  sourceRef?: ModdleElement;
  targetRef?: ModdleElement;
}

// bpmn-moddle's declared types are not visible to the modeler's build (types/modules.d.ts declares the module bare).
type Moddle = new (packages: Record<string, unknown>) => { fromXML(xml: string): Promise<{ rootElement: ModdleElement }> };

/**
 * Compares two versions semantically with bpmn-js-differ, and their flow conditions as text. With `processKey`
 * (the file's id), only what belongs to that process of the file (process-scope.ts): a file with several processes
 * holds the others' changes too, which are not this process's history. What the differ does not see — a change
 * inside an element's extension elements, or to a message, error, escalation or signal its elements refer to — is
 * named by the server's semantic diff, run here on the same two versions (engine/impact/process-diff.ts), on every
 * element it touches; it needs no server, so a deploy dialog whose impact check failed names it too.
 */
export async function compareVersions(oldXml: string, newXml: string, processKey?: string): Promise<VersionComparison> {
  const [differs, semantic] = await Promise.all([differComparison(oldXml, newXml, processKey), semanticDiffs(oldXml, newXml, processKey)]);
  return semantic.reduce(withServerProperties, differs);
}

/** The semantic diff of each process of the two versions (of `processKey` only, when given); none when a version does not parse. */
async function semanticDiffs(oldXml: string, newXml: string, processKey?: string) {
  const [older, newer] = await Promise.all([parseBpmn(oldXml), parseBpmn(newXml)]);
  const processIds = (definitions: typeof older.definitions) => (definitions.rootElements ?? []).filter((root) => root.$type === 'bpmn:Process').map((root) => String(root.id));
  const keys = processKey !== undefined ? [processKey] : [...new Set([...processIds(older.definitions), ...processIds(newer.definitions)])];
  return keys.map((key) => diffProcesses(key, processOf(older.definitions, key), processOf(newer.definitions, key)));
}

/** What bpmn-js-differ and the conditions' text say changed. */
async function differComparison(oldXml: string, newXml: string, processKey?: string): Promise<VersionComparison> {
  const [older, newer] = await Promise.all([parse(oldXml), parse(newXml)]);
  const [oldDefinitions, newDefinitions] = [older.definitions, newer.definitions];
  const changes = diff(oldDefinitions, newDefinitions);
  // both versions name an element alike, alias or not; the file's id is what the user and the server know
  const fileIdOf = (id: string) => (newer.fileIdOf(id) !== id ? newer.fileIdOf(id) : older.fileIdOf(id));
  const inScope = scopeOf(processKey, older, newer);
  const scoped = <T extends ModdleElement>(elements: Record<string, T>): T[] => Object.values(elements).filter((element) => !!element.id && inScope(element.id));
  const item = (element: ModdleElement): DiffItem => ({
    id: element.id ? fileIdOf(element.id) : '?', type: shortType(element.$type), name: element.name ?? null,
    ...(element.$type === 'bpmn:SequenceFlow' && !element.name?.trim() && { description: describeFlow(element) }),
  });
  const describe = (value: unknown) => describeValue(value, fileIdOf);

  const changed = Object.values(changes._changed as Record<string, { model: ModdleElement; attrs: Record<string, { oldValue: unknown; newValue: unknown }> }>)
    .filter(({ model }) => !!model.id && inScope(model.id))
    .map(({ model, attrs }) => ({
      ...item(model),
      // bpmn-js-differ 3.2 hands jsondiffpatch's [old, new] to `changed(model, key, newValue, oldValue)`,
      // so its attrs carry the two values swapped; the spec pins the order down.
      // what changed inside extension elements the semantic diff names (compareVersions); the differ would only say
      // "extensionElements: ExtensionElements → —"
      attributes: Object.entries(attrs).filter(([name]) => name !== 'extensionElements')
        .map(([name, value]) => ({ name, oldValue: describe(value.newValue), newValue: describe(value.oldValue) })),
    }));

  const conditions = conditionChanges(oldDefinitions, newDefinitions, fileIdOf).filter((change) => inScope(change.canvasId)).map(({ canvasId: _, ...change }) => change);
  const onlyCondition = (entry: DiffItem) => !entry.attributes?.length && conditions.some((c) => c.flowId === entry.id);
  return {
    added: scoped(changes._added as Record<string, ModdleElement>).filter(isFlowElement).map(item),
    removed: scoped(changes._removed as Record<string, ModdleElement>).filter(isFlowElement).map(item),
    changed: changed.filter((entry) => entry.type !== 'Definitions' && !onlyCondition(entry)),
    layoutChanged: scoped(changes._layoutChanged as Record<string, ModdleElement>).map(item),
    conditions,
  };
}

// helpers

/** A version as the modeler reads it: ids moddle refuses under their aliases (interop pipeline), and the way back. */
async function parse(xml: string): Promise<Version> {
  const document = await importBpmn(xml, { readModel: false });
  const moddle = new (BpmnModdle as Moddle)({ zeebe: zeebeSchema as object });
  const { rootElement } = await moddle.fromXML(document.xmlForModdle);
  return { definitions: rootElement, ...canvasIds(document.idAliases) };
}

interface Version {
  definitions: ModdleElement;
  canvasIdOf: (fileId: string) => string;
  fileIdOf: (canvasId: string) => string;
}

/** Whether a changed element (by moddle's id) is one of process `processKey`'s in either version; all are without a key. */
function scopeOf(processKey: string | undefined, older: Version, newer: Version): (id: string) => boolean {
  if (processKey === undefined) return () => true;
  const ids = new Set([
    ...processScope(older.definitions as unknown as ScopedElement, older.canvasIdOf(processKey)),
    ...processScope(newer.definitions as unknown as ScopedElement, newer.canvasIdOf(processKey)),
  ]);
  return (id) => ids.has(id);
}

function conditionChanges(oldDefinitions: ModdleElement, newDefinitions: ModdleElement, fileIdOf: (id: string) => string): (ConditionChange & { canvasId: string })[] {
  const before = flowsById(oldDefinitions);
  const after = flowsById(newDefinitions);
  const changes: (ConditionChange & { canvasId: string })[] = [];
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const oldFlow = before.get(id);
    const newFlow = after.get(id);
    const oldCondition = oldFlow?.conditionExpression?.body?.trim() ?? null;
    const newCondition = newFlow?.conditionExpression?.body?.trim() ?? null;
    if (oldCondition === newCondition) continue;
    const flow = (newFlow ?? oldFlow)!;
    // the conditions are listed beside it, old → new: a flow without a name is named by where it leads
    const label = describeFlow(flow, { condition: false });
    changes.push({ flowId: fileIdOf(id), label, oldCondition, newCondition, canvasId: id });
  }
  return changes;
}

function flowsById(definitions: ModdleElement): Map<string, ModdleElement> {
  const flows = new Map<string, ModdleElement>();
  const visit = (container: ModdleElement) => {
    for (const element of container.flowElements ?? []) {
      if (element.$type === 'bpmn:SequenceFlow' && element.id) flows.set(element.id, element);
      if (element.flowElements) visit(element);
    }
  };
  for (const root of definitions.rootElements ?? []) {
    if (root.$type === 'bpmn:Process') visit(root);
  }
  return flows;
}

function isFlowElement(element: ModdleElement): boolean {
  return !!element.id && !element.$type.startsWith('bpmndi:') && !element.$type.startsWith('dc:') && !element.$type.startsWith('di:');
}

function shortType(type: string): string {
  return type.replace(/^bpmn:/, '');
}

/** How bpmn-js-differ writes a reference (a flow's sourceRef or targetRef, a gateway's default): "#ref:<id>". */
const DIFFER_REFERENCE = '#ref:';

function describeValue(value: unknown, fileIdOf: (id: string) => string): string {
  if (value === undefined || value === null) return '—';
  if (typeof value === 'object') {
    const element = value as ModdleElement;
    if (typeof element.body === 'string') return element.body;
    if (element.id) return fileIdOf(element.id);
    if (element.$type) return element.$type.replace(/^bpmn:/, '');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return value.startsWith(DIFFER_REFERENCE) ? fileIdOf(value.slice(DIFFER_REFERENCE.length)) : value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : typeof value;
}

/**
 * A listed element as the History diff and the deploy dialog name it: its name (an unnamed flow's description),
 * then its type and id as secondary text, so an unnamed flow is never only `(SequenceFlow Flow_0abc12)`.
 */
export function itemLabel(item: DiffItem): string {
  const shown = item.name?.trim() || item.description;
  return `${shown ? `${shown} ` : ''}(${item.type} ${item.id})`;
}
