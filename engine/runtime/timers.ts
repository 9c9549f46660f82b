// Due timers: the scheduler calls `fireDue`; each due timer is its own step,
// skipped when the instance moved past it meanwhile.
import type { StepExecutor } from './step-executor.js';

const BATCH = 50;

export class DueTimers {
  constructor(private readonly steps: StepExecutor) {}

  /** Fires every timer due by the clock; returns how many moved their instance. */
  async fireDue(): Promise<number> {
    const { steps } = this;
    let fired = 0;
    for (;;) {
      const due = await steps.store.read((tx) => tx.dueTimers(steps.clock.now().toISOString(), BATCH));
      if (due.length === 0) return fired;
      for (const timer of due) {
        const moved = await steps.step('timer', async (tx, moving) => {
          const instance = await tx.getInstance(timer.instanceId, { lock: true });
          const wait = await tx.getWait(timer.id);
          if (!instance || !wait || instance.status !== 'running') return false;
          moving(instance);
          const entry = steps.rows.waitHistory(wait, null, 'timer.fired', null, { dueAt: wait.dueAt });
          await steps.runQueue(tx, [{
            instance, isNew: false, kind: 'timer', history: [entry],
            action: { type: 'timer', elementId: wait.elementId, executionId: wait.executionId },
          }]);
          return true;
        });
        if (moved) fired++;
      }
      if (due.length < BATCH) return fired;
    }
  }
}
