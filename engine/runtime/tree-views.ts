// The instance view of a step, from the step itself (issue 10): call trees
// kept as a read would give them back — their instances, waits and history,
// the JSON as the store hands it out — at the revisions they stood on. A
// transaction records what it writes to a kept tree (or to a tree it creates);
// before it commits it checks the kept tree against the database (every
// instance's revision and history count: every write a view shows changes one
// of them) and, once committed, keeps the tree with its writes applied. So
// the view a step hands back is exactly what a read after it would give, with
// no read. A tree not kept, or one that changed elsewhere (another server, a
// lost race), is read as before, and kept from that read.
import { ByteBudgetLru } from '../collections/byte-budget-lru.js';
import { cacheBudgetBytes } from './cache-budget.js';
import type { InstanceView, RuntimeCaches, ViewCacheEvent } from '../api.js';
import { canonicalTimestamp, canonicalTimestampOrNull } from '../store/iso-time.js';
import type { HistoryRow, InstanceRow, Store, StoreTx, TreeMemberRevision, WaitRow } from '../store/types.js';
import { instanceSummary, waitingElement, type ViewedInstance, type ViewedWait } from './views.js';
import { NO_HOLDS, readWaitHolds, waitHoldOf, type WaitHolds } from './wait-holds.js';
import type { OpenChangesRead } from '../orders/order-holds.js';

/** An instance of a kept tree: the fields a view shows, JSON as stored text (parsed for each view: no view shares an object). */
interface KeptInstance extends ViewedInstance {
  rootId: string;
  variables: string;
  incident: string | null;
  revision: number;
  historyRows: number;
  waits: KeptWait[];
}

/** A wait as views show it; candidate groups as stored JSON text. */
interface KeptWait extends Omit<ViewedWait, 'candidateGroups'> {
  candidateGroups: string | null;
  createdAt: string;
}

/** A history entry as the view's JSON text, with its seq (the order views list history in). */
interface KeptHistory {
  seq: number;
  instanceId: string;
  text: string;
}

/** One call tree as kept; never changed once kept (a step keeps a new one), so a view built from it later is still its state. */
export interface KeptTree {
  rootId: string;
  members: ReadonlyMap<string, KeptInstance>;
  /** By seq. */
  history: readonly KeptHistory[];
  bytes: number;
}

type TreeWrite =
  | { type: 'insert'; rootId: string; instance: KeptInstance }
  | { type: 'update'; rootId: string; id: string; before: number; changes: Pick<KeptInstance, 'status' | 'variables' | 'incident' | 'revision' | 'updatedAt' | 'endedAt'> }
  | { type: 'waits'; rootId: string; instanceId: string; waits: KeptWait[] }
  | { type: 'wait'; rootId: string; wait: KeptWait }
  | { type: 'history'; rootId: string; entry: KeptHistory };

/** What one transaction wrote to kept trees and to trees it created, in the order it wrote it. */
export class TreeWrites {
  readonly writes: TreeWrite[] = [];
  /** Instances this transaction inserted, with their roots. */
  readonly inserted = new Map<string, string>();
}

/**
 * A tree a transaction checked: the kept tree it built on (none for a new tree), the tree after its writes (none:
 * not kept) and what held its waits at that commit.
 */
export interface TreeUpdate {
  rootId: string;
  base: KeptTree | undefined;
  next: KeptTree | undefined;
  holds: WaitHolds;
}

/**
 * A tree a public call's step kept, with what held its waits at that step's commit. Holds are never kept with the
 * tree: an order change is settled, and an incident resolved, by steps that need not write this tree.
 */
interface KeptView {
  tree: KeptTree;
  holds: WaitHolds;
}

/** The trees a public call's steps kept, by root (undefined: the call moved it but it is not kept). */
export type KeptTrees = Map<string, KeptView | undefined>;

/**
 * Sized beside the engine cache: 1 % of the machine's memory, at most 32 MB —
 * an order of the shipped diagrams with its history is some 10 KB here.
 */
export function defaultViewCacheBytes(): number {
  return cacheBudgetBytes('STRATUM_VIEW_CACHE_MB', 0.01, 32);
}

export class TreeViews {
  /** Kept trees by root. */
  private readonly trees: ByteBudgetLru<string, KeptTree>;
  /** The root of every instance of a kept tree. */
  private readonly rootOf = new Map<string, string>();

  constructor(
    private readonly store: Pick<Store, 'storedJson'>,
    readonly budgetBytes: number,
    private readonly report: (event: ViewCacheEvent) => void = () => {},
  ) {
    this.trees = new ByteBudgetLru(budgetBytes, (_rootId, tree) => {
      for (const id of tree.members.keys()) this.rootOf.delete(id);
    });
  }

  /** `tx` with its writes to kept trees (and to the trees it creates) recorded in `writes`. */
  recording(tx: StoreTx, writes: TreeWrites): StoreTx {
    if (this.budgetBytes === 0) return tx;
    const rootOf = (instanceId: string) => this.rootOf.get(instanceId) ?? writes.inserted.get(instanceId);
    const tracked = (rootId: string) => (this.trees.has(rootId) || writes.inserted.has(rootId) ? rootId : undefined);
    const recorded: Partial<StoreTx> = {
      insertInstance: async (row) => {
        await tx.insertInstance(row);
        writes.inserted.set(row.id, row.rootId);
        writes.writes.push({ type: 'insert', rootId: row.rootId, instance: this.keptInstance(row) });
      },
      updateInstance: async (row) => {
        const saved = await tx.updateInstance(row);
        const rootId = tracked(row.rootId);
        if (saved && rootId) {
          writes.writes.push({
            type: 'update', rootId, id: row.id, before: row.revision - 1,
            changes: {
              status: row.status, variables: this.store.storedJson(row.variables), incident: this.jsonOrNull(row.incident),
              revision: row.revision, updatedAt: canonicalTimestamp(row.updatedAt, 'updatedAt'), endedAt: canonicalTimestampOrNull(row.endedAt, 'endedAt'),
            },
          });
        }
        return saved;
      },
      replaceWaits: async (instanceId, waits) => {
        await tx.replaceWaits(instanceId, waits);
        const rootId = rootOf(instanceId);
        if (rootId) writes.writes.push({ type: 'waits', rootId, instanceId, waits: waits.map((wait) => this.keptWait(wait)) });
      },
      updateWait: async (row) => {
        await tx.updateWait(row);
        const rootId = tracked(row.rootId);
        if (rootId) writes.writes.push({ type: 'wait', rootId, wait: this.keptWait(row) });
      },
      appendHistory: async (rows) => {
        const seqs = await tx.appendHistory(rows);
        rows.forEach((row, index) => {
          const rootId = rootOf(row.instanceId);
          if (rootId) writes.writes.push({ type: 'history', rootId, entry: this.keptHistory(row, seqs[index]) });
        });
        return seqs;
      },
    };
    // the store's own methods, bound once (a transaction calls a few dozen)
    const bound = new Map<PropertyKey, unknown>();
    return new Proxy(tx, {
      get(target, name) {
        if (Object.hasOwn(recorded, name)) return recorded[name as keyof StoreTx];
        const known = bound.get(name);
        if (known) return known;
        const value: unknown = Reflect.get(target, name, target);
        if (typeof value !== 'function') return value;
        const method = (value as (...args: unknown[]) => unknown).bind(target);
        bound.set(name, method);
        return method;
      },
    });
  }

  /**
   * In the transaction, after its last write: each tree it wrote, with the writes applied to what was
   * kept, checked against the database. A tree that does not match what the transaction sees is not kept.
   */
  async check(tx: StoreTx, writes: TreeWrites, openChanges?: OpenChangesRead): Promise<TreeUpdate[]> {
    const byRoot = new Map<string, TreeWrite[]>();
    for (const write of writes.writes) {
      const list = byRoot.get(write.rootId);
      if (list) list.push(write);
      else byRoot.set(write.rootId, [write]);
    }
    const updates: TreeUpdate[] = [];
    for (const [rootId, treeWrites] of byRoot) {
      const base = this.trees.peek(rootId);
      // without a kept tree, only a tree this transaction created is known whole
      if (!base && !writes.inserted.has(rootId)) continue;
      let next = applied(base, rootId, treeWrites);
      if (next && base && !matches(next, await tx.treeRevisions(rootId))) next = undefined;
      updates.push({ rootId, base, next, holds: next ? await holdsIn(tx, next, openChanges) : NO_HOLDS });
    }
    return updates;
  }

  /** After the commit: keeps each checked tree, unless another step kept a newer one meanwhile. What a public call kept goes to `kept`. */
  commit(updates: TreeUpdate[], kept?: KeptTrees): void {
    for (const { rootId, base, next, holds } of updates) {
      const current = this.trees.peek(rootId);
      const keep = next && current === base;
      if (current && !keep) this.trees.delete(rootId);
      if (!keep) {
        this.emit('stale', 0);
        kept?.set(rootId, undefined);
        continue;
      }
      kept?.set(rootId, { tree: next, holds });
      this.keep(next);
    }
  }

  /** The view of `id` from a tree a public call kept; undefined when it kept none with that instance. */
  viewOf(id: string, kept: KeptTrees): InstanceView | undefined {
    for (const view of kept.values()) {
      if (!view?.tree.members.has(id)) continue;
      this.emit('hit', 0);
      return treeView(view, id);
    }
    this.emit('miss', 0);
    return undefined;
  }

  /** Keeps a tree as a read gave it whole (the view of its root), unless one is kept already. */
  keepRead(instances: InstanceRow[], waits: WaitRow[], history: HistoryRow[]): void {
    if (this.budgetBytes === 0 || !instances.length) return;
    const rootId = instances[0].rootId;
    if (this.trees.has(rootId)) return;
    const members = new Map<string, KeptInstance>();
    for (const row of instances) members.set(row.id, this.keptInstance(row));
    for (const wait of waits) members.get(wait.instanceId)?.waits.push(this.keptWait(wait));
    const entries: KeptHistory[] = [];
    for (const row of history) {
      const member = members.get(row.instanceId);
      if (!member || row.seq === undefined) return;
      member.historyRows++;
      entries.push(this.keptHistory(row, row.seq));
    }
    this.keep(withBytes({ rootId, members, history: entries, bytes: 0 }));
  }

  private keep(tree: KeptTree): void {
    // replaced, not added to (and moved to the recently used end)
    const evicted = this.trees.set(tree.rootId, tree, tree.bytes);
    if (evicted === undefined) return;
    for (const id of tree.members.keys()) this.rootOf.set(id, tree.rootId);
    this.emit('kept', evicted);
  }

  private keptInstance(row: InstanceRow): KeptInstance {
    return {
      id: row.id,
      processKey: row.processKey,
      version: row.version,
      businessKey: row.businessKey ?? null,
      status: row.status,
      parentId: row.parentId ?? null,
      rootId: row.rootId,
      createdAt: canonicalTimestamp(row.createdAt, 'createdAt'),
      updatedAt: canonicalTimestamp(row.updatedAt, 'updatedAt'),
      endedAt: canonicalTimestampOrNull(row.endedAt, 'endedAt'),
      variables: this.store.storedJson(row.variables),
      incident: this.jsonOrNull(row.incident),
      revision: row.revision,
      historyRows: 0,
      waits: [],
    };
  }

  private keptWait(row: WaitRow): KeptWait {
    return {
      id: row.id,
      instanceId: row.instanceId,
      kind: row.kind,
      elementId: row.elementId,
      name: row.name ?? null,
      candidateGroups: this.jsonOrNull(row.candidateGroups),
      messageName: row.messageName ?? null,
      dueAt: canonicalTimestampOrNull(row.dueAt, 'dueAt'),
      jobType: row.jobType ?? null,
      createdAt: canonicalTimestamp(row.createdAt, 'createdAt'),
    };
  }

  /** The entry as historyEntry (views.ts) makes it from the stored row, as JSON text. */
  private keptHistory(row: HistoryRow, seq: number): KeptHistory {
    const fields = JSON.stringify({
      at: canonicalTimestamp(row.at, 'at'),
      instanceId: row.instanceId,
      event: row.event,
      actor: row.actor ?? null,
      ...(row.via && { via: row.via }),
      elementId: row.elementId ?? null,
      elementType: row.elementType ?? null,
    });
    return { seq, instanceId: row.instanceId, text: `${fields.slice(0, -1)},"data":${this.jsonOrNull(row.data) ?? 'null'}}` };
  }

  private jsonOrNull(value: unknown): string | null {
    return value === null || value === undefined ? null : this.store.storedJson(value);
  }

  /** Sizes and budget now, as an event reports them (a scrape before the first step reads these). */
  get state(): RuntimeCaches['view'] {
    return { entries: this.trees.size, bytes: this.trees.bytes, budgetBytes: this.budgetBytes };
  }

  private emit(result: ViewCacheEvent['result'], evicted: number): void {
    this.report({ result, evicted, ...this.state });
  }
}

// helpers

/** `base` (or nothing, for a new tree) with `writes` applied as the store applies them; undefined when they do not fit it. */
function applied(base: KeptTree | undefined, rootId: string, writes: TreeWrite[]): KeptTree | undefined {
  const members = new Map(base?.members);
  const history = [...(base?.history ?? [])];
  const member = (id: string) => members.get(id);
  for (const write of writes) {
    switch (write.type) {
      case 'insert':
        if (members.has(write.instance.id)) return undefined;
        members.set(write.instance.id, write.instance);
        break;
      case 'update': {
        const current = member(write.id);
        if (current?.revision !== write.before) return undefined;
        members.set(write.id, { ...current, ...write.changes });
        break;
      }
      case 'waits': {
        const current = member(write.instanceId);
        if (!current) return undefined;
        // a kept wait keeps its createdAt (replaceWaits leaves it to the store)
        const before = new Map(current.waits.map((wait) => [wait.id, wait]));
        const waits = write.waits.map((wait) => {
          const kept = before.get(wait.id);
          return kept ? { ...wait, createdAt: kept.createdAt } : wait;
        });
        members.set(write.instanceId, { ...current, waits });
        break;
      }
      case 'wait': {
        const current = member(write.wait.instanceId);
        const index = current?.waits.findIndex((wait) => wait.id === write.wait.id) ?? -1;
        if (!current || index < 0) return undefined;
        const waits = [...current.waits];
        waits[index] = { ...write.wait, createdAt: waits[index].createdAt };
        members.set(current.id, { ...current, waits });
        break;
      }
      case 'history': {
        const current = member(write.entry.instanceId);
        if (!current) return undefined;
        members.set(current.id, { ...current, historyRows: current.historyRows + 1 });
        history.push(write.entry);
        break;
      }
    }
  }
  // another transaction's rows may have taken seqs between this one's (PostgreSQL)
  history.sort((a, b) => a.seq - b.seq);
  return withBytes({ rootId, members, history, bytes: 0 });
}

/** True when the database holds exactly the kept instances, at their revisions and with as many history rows. */
function matches(tree: KeptTree, stored: TreeMemberRevision[]): boolean {
  if (stored.length !== tree.members.size) return false;
  return stored.every((row) => {
    const member = tree.members.get(row.id);
    return member !== undefined && member.revision === Number(row.revision) && member.historyRows === Number(row.historyRows);
  });
}

/** An estimate of what a tree holds in memory: its text (two bytes a character, at worst) and some per object. */
function withBytes(tree: KeptTree): KeptTree {
  let bytes = 256;
  for (const member of tree.members.values()) {
    bytes += 512 + 2 * (member.variables.length + (member.incident?.length ?? 0));
    for (const wait of member.waits) bytes += 256 + 2 * (wait.candidateGroups?.length ?? 0);
  }
  for (const entry of tree.history) bytes += 96 + 2 * entry.text.length;
  return { ...tree, bytes };
}

/**
 * What holds the waits of a tree a step is about to commit, read in its transaction (wait-holds.ts): the tree's
 * members say which instances failed; the order's open changes are read when it waits for a job.
 */
async function holdsIn(tx: StoreTx, tree: KeptTree, openChanges?: OpenChangesRead): Promise<WaitHolds> {
  const members = [...tree.members.values()];
  const waits = members.flatMap((member) => member.waits.map((wait) => ({ instanceId: wait.instanceId, kind: wait.kind, businessKey: member.businessKey })));
  const orderNo = tree.members.get(tree.rootId)?.businessKey ?? null;
  return readWaitHolds(tx, members, waits, orderNo, orderNo === null ? undefined : openChanges?.known(orderNo));
}

/** What InstanceReads.getInstance reads for `id`, from the kept tree. */
function treeView({ tree, holds }: KeptView, id: string): InstanceView {
  const instance = tree.members.get(id)!;
  const subtree = subtreeOf(instance, [...tree.members.values()]);
  const keyOf = new Map(subtree.map((member) => [member.id, member.processKey]));
  const waits = subtree.flatMap((member) => member.waits);
  waits.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const history = tree.history.filter((entry) => keyOf.has(entry.instanceId)).map((entry) => entry.text);
  return {
    ...instanceSummary(instance),
    variables: JSON.parse(instance.variables) as Record<string, unknown>,
    incident: instance.incident === null ? null : JSON.parse(instance.incident) as InstanceView['incident'],
    waiting: waits.map((wait) => waitingElement(
      { ...wait, candidateGroups: wait.candidateGroups === null ? null : JSON.parse(wait.candidateGroups) as string[] },
      keyOf.get(wait.instanceId) ?? instance.processKey,
      waitHoldOf({ instanceId: wait.instanceId, kind: wait.kind, businessKey: tree.members.get(wait.instanceId)!.businessKey }, holds),
    )),
    children: subtree.filter((member) => member.parentId === instance.id).map(instanceSummary),
    history: JSON.parse(`[${history.join(',')}]`) as InstanceView['history'],
  };
}

/** `top` and the instances it called, directly or not, oldest first at each level (as instance-reads.ts orders them). */
export function subtreeOf<Member extends { id: string; parentId: string | null; createdAt: string }>(top: Member, family: Member[]): Member[] {
  const childrenOf = new Map<string, Member[]>();
  for (const member of family) {
    if (!member.parentId) continue;
    const siblings = childrenOf.get(member.parentId) ?? [];
    siblings.push(member);
    childrenOf.set(member.parentId, siblings);
  }
  const byCreation = (a: Member, b: Member) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  const tree = [top];
  for (let index = 0; index < tree.length; index++) tree.push(...(childrenOf.get(tree[index].id) ?? []).sort(byCreation));
  return tree;
}
