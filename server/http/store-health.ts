// The store half of /healthz, the same on the API port and on the management
// port's thread: the store answers a read.
import type { Store } from '../../engine/store/types.js';

/** Resolves when the store answers a read; rejects with its error when it does not. */
export async function storeAnswers(store: Store): Promise<void> {
  await store.read((tx) => tx.latestVersion('healthz'));
}
