// Due timers: the scheduler calls `fireDue`; each due timer is its own step,
// skipped when the instance moved past it meanwhile, and held (left due) while
// a caller of its instance has failed (wait-locks.ts): it fires once the caller
// runs again.
import type { StepExecutor } from './step-executor.js';
import { failedCallerOf } from './wait-locks.js';

const BATCH = 50;

export class DueTimers {
  constructor(private readonly steps: StepExecutor) {}

  /**
   * Fires every timer due by the clock when the round began; returns how many moved their instance. A timer that
   * falls due while the round runs (a cycle its firing armed again) is the next round's: read by the clock as each
   * page is, 60 reminders every second that took more than a second to fire were due again before the round ended,
   * fired twice in it, and more of them kept the round (and the scheduler's next tick) from ever ending.
   */
  async fireDue(): Promise<number> {
    const { steps } = this;
    let fired = 0;
    const dueBy = steps.clock.now().toISOString();
    // a held timer stays due (as would one whose wait outlived its instance): each page asks for as many more rows
    // as the round has passed over, so they never hide the timers behind them, and the loop ends
    const passed = new Set<string>();
    for (;;) {
      const limit = BATCH + passed.size;
      const rows = await steps.store.read((tx) => tx.dueTimers(dueBy, limit));
      const due = rows.filter((timer) => !passed.has(timer.id));
      for (const timer of due) {
        const outcome = await steps.step('timer', async (tx, moving) => {
          const instance = await tx.getInstance(timer.instanceId, { lock: true });
          const wait = await tx.getWait(timer.id);
          if (!instance || !wait || instance.status !== 'running') return 'gone';
          if (await failedCallerOf(tx, instance)) return 'held';
          moving(instance);
          const entry = steps.rows.waitHistory(wait, null, 'timer.fired', null, { dueAt: wait.dueAt });
          await steps.runQueue(tx, [{
            instance, isNew: false, kind: 'timer', history: [entry],
            action: { type: 'timer', elementId: wait.elementId, executionId: wait.executionId },
          }]);
          return 'fired';
        });
        if (outcome === 'fired') fired++;
        else passed.add(timer.id);
      }
      if (rows.length < limit) return fired;
    }
  }
}
