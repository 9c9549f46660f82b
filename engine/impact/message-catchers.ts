// Messages whose catchers a change alters. A designer renames the message a catch
// waits for (prepaid-entry-control's "Payment received": PaymentReceived →
// PaymentArrived), adds or removes a catch, or correlates one by another key: the
// diff names it on the element, but what it does to the senders (the ERP) is in the
// rest of the library. Per message name whose catching elements (process, element,
// correlation key) differ between the library's latest deployed versions and the
// library after the change, the report names the catchers before and after and the
// library's own senders; the running orders waiting for it come from the one pass
// over the running orders (running-orders.ts), the messages buffered under it from
// one query for all names. Only a changed process can change a name's catchers, so a
// change that touches no catch reads no other process.
import type { ModdleElement } from 'bpmn-moddle';
import { allFlowElements, type ElementInfo, type ProcessModel } from '../bpmn/process-model.js';
import type { Store } from '../store/types.js';
import type { CandidateLibrary } from './candidate-library.js';
import type { BufferedUnderName, MessageCatcher, MessageChange, MessageSender } from './impact-report.js';
import { messageChangeSentence } from './message-change-words.js';
import { processOf } from './process-diff.js';

/** The message names whose catchers differ between a changed process's latest deployed version and its candidate. */
export async function changedMessageNames(library: CandidateLibrary): Promise<Set<string>> {
  const names = new Set<string>();
  for (const candidate of library.candidates) {
    const previous = library.deployed.find((row) => row.key === candidate.key);
    const before = previous ? catchersOf((await library.graph(candidate.key, previous.version)).model, previous.version) : [];
    const after = catchersOf(candidate.model, candidate.version);
    for (const name of new Set([...before, ...after].map((catcher) => catcher.messageName))) {
      const was = before.filter((catcher) => catcher.messageName === name).map(identity).sort();
      const is = after.filter((catcher) => catcher.messageName === name).map(identity).sort();
      if (was.join('\n') !== is.join('\n')) names.add(name);
    }
  }
  return names;
}

/**
 * Per name of `names`, the messages published under it and buffered at `now`, not yet correlated: one query for all
 * names, however many orders they were sent for.
 */
export async function bufferedUnder(store: Store, names: ReadonlySet<string>, now: Date): Promise<Map<string, BufferedUnderName>> {
  const rows = names.size ? await store.read((tx) => tx.bufferedMessages([...names], now.toISOString())) : [];
  return new Map([...names].map((name) => {
    const keys = rows.filter((row) => row.name === name)
      .map(({ correlationKey, count, lastExpiresAt }) => ({ correlationKey, count, lastExpiresAt }))
      .sort((a, b) => (a.correlationKey < b.correlationKey ? -1 : a.correlationKey > b.correlationKey ? 1 : 0));
    return [name, { count: keys.reduce((sum, key) => sum + key.count, 0), keys }];
  }));
}

/**
 * Per name of `names`, its catchers in the library before and after the change, its senders after it, the
 * running orders waiting for it (`waiting`: order numbers by message name, from running-orders.ts) and the
 * messages buffered under it (`buffered`, from bufferedUnder).
 */
export async function messageChanges(
  library: CandidateLibrary, names: ReadonlySet<string>, waiting: ReadonlyMap<string, string[]>, buffered: ReadonlyMap<string, BufferedUnderName>,
): Promise<MessageChange[]> {
  if (names.size === 0) return [];
  const before: NamedCatcher[] = [];
  const after: NamedCatcher[] = [];
  const senders: NamedSender[] = [];
  for (const row of library.deployed) {
    const { model, process } = await library.graph(row.key, row.version);
    before.push(...catchersOf(model, row.version));
    if (library.candidate(row.key)) continue;
    after.push(...catchersOf(model, row.version));
    senders.push(...sendersOf(model, process, row.version));
  }
  for (const candidate of library.candidates) {
    after.push(...catchersOf(candidate.model, candidate.version));
    senders.push(...sendersOf(candidate.model, processOf(candidate.parsed.definitions, candidate.key), candidate.version));
  }
  return [...names].sort().map((name) => {
    const orders = waiting.get(name) ?? [];
    const change = {
      name,
      before: before.filter((catcher) => catcher.messageName === name).sort(byPlace).map(withoutName),
      after: after.filter((catcher) => catcher.messageName === name).sort(byPlace).map(withoutName),
      senders: senders.filter((sender) => sender.messageName === name).sort(byPlace).map(withoutName),
      waiting: { count: orders.length, orders },
      buffered: buffered.get(name) ?? { count: 0, keys: [] },
    };
    // the name an element caught before and catches now: a catch renamed to another message
    const nowWaitsFor = (catcher: MessageCatcher) => after.find((other) => other.processKey === catcher.processKey && other.elementId === catcher.elementId)?.messageName;
    const waitedFor = (catcher: MessageCatcher) => before.find((other) => other.processKey === catcher.processKey && other.elementId === catcher.elementId)?.messageName;
    return { ...change, message: messageChangeSentence(change, { nowWaitsFor, waitedFor }) };
  });
}

// helpers

type NamedCatcher = MessageCatcher & { messageName: string };
type NamedSender = MessageSender & { messageName: string };

const CATCHING_TYPES = new Set(['bpmn:StartEvent', 'bpmn:IntermediateCatchEvent', 'bpmn:BoundaryEvent', 'bpmn:ReceiveTask']);
/** Throw events carry their message in the model; a send task's is read from its element (the model keeps a task's message for waits only). */
const THROWING_TYPES = new Set(['bpmn:IntermediateThrowEvent', 'bpmn:EndEvent']);

function catchersOf(model: ProcessModel, version: number): NamedCatcher[] {
  return [...model.elements.values()]
    .filter((element): element is ElementInfo & { message: NonNullable<ElementInfo['message']> } => CATCHING_TYPES.has(element.type) && Boolean(element.message))
    .map((element) => ({
      processKey: model.key, elementId: element.id, name: element.name ?? null, version, type: element.type,
      correlationKey: element.message.correlationKey ?? null, messageName: element.message.name,
    }));
}

function sendersOf(model: ProcessModel, process: ModdleElement | undefined, version: number): NamedSender[] {
  const sender = (elementId: string, name: string | undefined, type: string, messageName: string): NamedSender =>
    ({ processKey: model.key, elementId, name: name ?? null, version, type, messageName });
  const thrown = [...model.elements.values()]
    .filter((element) => THROWING_TYPES.has(element.type) && element.message)
    .map((element) => sender(element.id, element.name, element.type, element.message!.name));
  const sent = process ? [...allFlowElements(process)].flatMap((element) => {
    const message = element.$type === 'bpmn:SendTask' ? element.messageRef : undefined;
    return message?.id ? [sender(element.id, element.name, element.$type, message.name ?? message.id)] : [];
  }) : [];
  return [...thrown, ...sent];
}

/** What makes a catcher the same one: its place and the key it correlates by. */
function identity(catcher: MessageCatcher): string {
  return [catcher.processKey, catcher.elementId, catcher.correlationKey ?? ''].join('\u0000');
}

function byPlace(a: MessageCatcher | MessageSender, b: MessageCatcher | MessageSender): number {
  return a.processKey.localeCompare(b.processKey) || a.elementId.localeCompare(b.elementId);
}

function withoutName<T extends { messageName: string }>({ messageName, ...rest }: T): Omit<T, 'messageName'> {
  void messageName;
  return rest;
}
