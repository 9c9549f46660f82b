// Which processes run inside orders, derived once for every reader of the call
// graph: lint (lint/order-call-tree.ts, call-outcome-kept), the fast replay's
// candidate library (impact/fast-replay.ts) and a call reached at run time
// (call-border.ts). The processes taking orders start only through order entry;
// they and every process they call, at any depth, run inside orders. A cycle or
// a self-call adds nothing; a process taking orders that another one calls is
// both a root and inside. Browser-safe.
import { reachable } from '../lint/variable-supply.js';

/** A process of the call graph: its key, the keys its (latest) version calls, and whether it takes orders. */
export interface OrderGraphProcess {
  key: string;
  calls: readonly string[];
  takesOrders?: boolean;
}

export interface OrderBorder {
  /** The processes taking orders, in the order given. */
  takingOrders: string[];
  /** The processes taking orders and every process they call, at any depth. */
  inOrders: Set<string>;
  /** The processes taking orders that call `key` at any depth (`key` itself when it takes orders), sorted. */
  above(key: string): string[];
}

export function orderBorder(processes: readonly OrderGraphProcess[]): OrderBorder {
  const takingOrders = processes.filter((process) => process.takesOrders).map((process) => process.key);
  const calls = new Map(processes.map((process) => [process.key, process.calls]));
  const taking = new Set(takingOrders);
  return {
    takingOrders,
    inOrders: reachable(takingOrders, (key) => calls.get(key) ?? []),
    above: (key) => [...callersAtAnyDepth(key, processes)].filter((caller) => taking.has(caller)).sort(),
  };
}

/** A process whose taking orders is read only when asked (the runtime compiles a model to know). */
export interface LazyOrderGraphProcess {
  key: string;
  calls: readonly string[];
  takesOrders(): Promise<boolean>;
}

/** `orderBorder(…).above(key)`, asking only `key` and its callers at any depth whether they take orders, one at a time. */
export async function orderProcessesAbove(key: string, processes: readonly LazyOrderGraphProcess[]): Promise<string[]> {
  const byKey = new Map(processes.map((process) => [process.key, process]));
  const above: string[] = [];
  for (const caller of callersAtAnyDepth(key, processes)) {
    if (await byKey.get(caller)?.takesOrders()) above.push(caller);
  }
  return above.sort();
}

// helpers

/** `key` and every process calling it at any depth. */
function callersAtAnyDepth(key: string, processes: readonly Pick<OrderGraphProcess, 'key' | 'calls'>[]): Set<string> {
  const callers = new Map<string, string[]>();
  for (const process of processes) {
    for (const called of process.calls) if (called !== process.key) callers.set(called, [...(callers.get(called) ?? []), process.key]);
  }
  return reachable(key, (called) => callers.get(called) ?? []);
}
