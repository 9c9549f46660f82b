// Parsed, executable definitions per process version. Parsing and serializing
// a BPMN file costs far more than a step, so it happens once per version and
// process; the stored engine state never embeds it.
import Serializer, { TypeResolver } from 'moddle-context-serializer';
import type { ModdleElement, ParseResult } from 'bpmn-moddle';
import { parseBpmn, type ExtensionFlavour } from '../bpmn/moddle.js';
import { compileProcessModels, type ProcessModel } from '../bpmn/process-model.js';
import { STRATUM_ELEMENT_TYPES } from './execution-environment.js';
import { endDiscardsAtMerges } from './merge-discards.js';

export interface ExecutableDefinition {
  key: string;
  version: number;
  model: ProcessModel;
  /** bpmn-engine's serialized source context in which only `key` is executable. */
  sourceContext: unknown;
  /** Camunda 7 (`camunda`) or Camunda 8 (`zeebe`) file: decides how vendor-specific notations (cron weekdays) read. */
  flavour: ExtensionFlavour;
}

export class DefinitionCache {
  private readonly entries = new Map<string, Promise<ExecutableDefinition>>();

  constructor(private readonly capacity = 500) {}

  get(key: string, version: number, loadXml: () => Promise<string>): Promise<ExecutableDefinition> {
    const id = `${key}@${version}`;
    let entry = this.entries.get(id);
    if (entry) {
      // refresh recency: Map keeps insertion order, the oldest is evicted first
      this.entries.delete(id);
      this.entries.set(id, entry);
      return entry;
    }
    entry = loadXml().then((xml) => compileExecutable(key, version, xml));
    entry.catch(() => this.entries.delete(id));
    this.entries.set(id, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}

export async function compileExecutable(key: string, version: number, xml: string): Promise<ExecutableDefinition> {
  const parsed = await parseBpmn(xml);
  const model = compileProcessModels(parsed.definitions).find((candidate) => candidate.key === key);
  if (!model) throw new Error(`process ${key} is not in version ${version} of its file`);
  // A file may hold several processes (pools); run only the one asked for.
  for (const element of parsed.definitions.rootElements ?? []) {
    if (element.$type === 'bpmn:Process') element.isExecutable = element.id === key;
  }
  withoutCollaborations(parsed.definitions, parsed.moddleContext);
  withoutUnassignedResourceRoles(parsed.definitions);
  withoutDescriptiveRoots(parsed.definitions);
  const sourceContext = serializedOnce(endDiscardsAtMerges(Serializer(parsed.moddleContext, TypeResolver(STRATUM_ELEMENT_TYPES))));
  return { key, version, model, sourceContext, flavour: parsed.flavour };
}

/**
 * bpmn-engine's `getState` puts the source context's JSON (7–36 KB for the shipped library) into every state
 * it makes, each step, and LiveEngine.state strips it again: a compiled context never changes, so its text is
 * made once and handed out again (a string is immutable; every caller gets the text it would have made).
 */
function serializedOnce<Context extends { serialize(): string }>(context: Context): Context {
  const serialize = context.serialize.bind(context);
  let text: string | undefined;
  context.serialize = () => (text ??= serialize());
  return context;
}

/**
 * A performer or potential owner that names a resource (`<potentialOwner><resourceRef>Clerk</resourceRef>`, as
 * Signavio, Trisotech and the MIWG models write it) has no `resourceAssignmentExpression`, and bpmn-engine's
 * serializer reads one from every resource role: starting such a process failed with a TypeError (500). Stratum
 * assigns tasks from the Camunda and Zeebe attributes, never from resource roles, so execution leaves those out; the
 * deployed file keeps them.
 */
function withoutUnassignedResourceRoles(definitions: ModdleElement) {
  const keepAssigned = (owner: ModdleElement) => {
    const roles = owner as unknown as { resources?: { resourceAssignmentExpression?: unknown }[] };
    if (roles.resources) roles.resources = roles.resources.filter((role) => role.resourceAssignmentExpression);
  };
  const visit = (container: ModdleElement) => {
    for (const element of container.flowElements ?? []) {
      keepAssigned(element);
      if (element.flowElements) visit(element);
    }
  };
  for (const root of definitions.rootElements ?? []) {
    if (root.$type !== 'bpmn:Process') continue;
    keepAssigned(root);
    visit(root);
  }
}

/** Root elements bpmn-engine's serializer maps without an element type of its own (it maps them all). */
const RUNTIME_ROOTS = new Set(['Process', 'Collaboration', 'Error', 'DataObjectReference']);

/**
 * Root elements that describe rather than run: resources, item definitions, interfaces, end points, correlation
 * properties, global tasks (B.1.0, C.3.0 and the MIWG invoice hold them). bpmn-engine's serializer takes every root
 * element for an activity and failed on one it has no type for ("Unknown activity type bpmn:Resource", a 500 when the
 * process was started); execution leaves them out, the deployed file keeps them.
 */
function withoutDescriptiveRoots(definitions: ModdleElement) {
  const known = (type: string) => {
    const local = type.slice(type.indexOf(':') + 1);
    return RUNTIME_ROOTS.has(local) || local in STRATUM_ELEMENT_TYPES;
  };
  definitions.rootElements = (definitions.rootElements ?? []).filter((element) => known(element.$type));
}

/**
 * Pools and message flows describe who talks to whom; Stratum correlates
 * messages itself, and the serializer cannot map message flows to pools
 * without a process (black-box pools), so execution leaves them out.
 */
function withoutCollaborations(definitions: ModdleElement, moddleContext: ParseResult) {
  const collaborations = (definitions.rootElements ?? []).filter((element) => element.$type === 'bpmn:Collaboration');
  if (collaborations.length === 0) return;
  const dropped = new Set<ModdleElement>();
  for (const collaboration of collaborations) {
    dropped.add(collaboration);
    for (const child of [...(collaboration.participants ?? []), ...(collaboration.messageFlows ?? [])]) dropped.add(child);
  }
  definitions.rootElements = (definitions.rootElements ?? []).filter((element) => !dropped.has(element));
  moddleContext.references = (moddleContext.references ?? []).filter((reference) => !dropped.has(reference.element));
  for (const [id, element] of Object.entries(moddleContext.elementsById ?? {})) {
    if (dropped.has(element)) delete moddleContext.elementsById[id];
  }
}
