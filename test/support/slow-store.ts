// Widening a race between two server processes: a store whose write
// transactions pause after a chosen read, so the other process acts in the
// window between a check and its commit (PostgreSQL tests).
import type { Store, StoreTx } from '../../engine/store/types.js';

type Arguments<M extends keyof StoreTx> = Parameters<Extract<StoreTx[M], (...args: never[]) => unknown>>;

/** How long a paused transaction waits for the other process's step before it goes on anyway. */
const GATE_CAP_MS = 10_000;

/**
 * A store whose transactions pause after each call of `method` that `matches`, calling `onCall` first: `pause` ms,
 * or until `pause()` settles (the other process's step it must let commit first: a fixed pause is too short for a
 * step on a loaded machine), at most 10 s.
 */
export function slowAfter<M extends keyof StoreTx>(
  store: Store, method: M, pause: number | (() => Promise<unknown>), onCall: () => void, matches: (...args: Arguments<M>) => boolean = () => true,
): Store {
  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  return Object.assign(Object.create(store) as Store, {
    transaction: <T>(work: (tx: StoreTx) => Promise<T>) =>
      store.transaction((tx) =>
        work(new Proxy(tx, {
          get(target, property, receiver) {
            const value: unknown = Reflect.get(target, property, receiver);
            if (typeof value !== 'function') return value;
            const bound = (value as (...args: unknown[]) => unknown).bind(target);
            if (property !== method) return bound;
            return async (...args: Arguments<M>) => {
              const found = await bound(...args);
              if (!matches(...args)) return found;
              onCall();
              await (typeof pause === 'number' ? wait(pause) : Promise.race([pause().catch(() => undefined), wait(GATE_CAP_MS)]));
              return found;
            };
          },
        })),
      ),
  });
}
