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
