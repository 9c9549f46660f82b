// The library list after a change: a refresh asked for while a load runs gets the server's list as it is once
// refresh was called, not the running load's answer, which may predate the change (a deploy finishing while the
// Refresh button's load runs). Calls during one load share one next load.
import { describe, expect, it } from 'vitest';
import { FreshLoads } from '../../../../modeler/src/features/library/fresh-loads.js';

/** Loads of a server list whose answers the test gives one by one; `shown` is the last list loaded. */
function loads() {
  const answers: ((version: number) => void)[] = [];
  const state = { shown: 0 };
  const fresh = new FreshLoads(async () => {
    state.shown = await new Promise<number>((resolve) => answers.push(resolve));
  });
  return { fresh, answers, state };
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('FreshLoads', () => {
  it('loads again after a running load when refreshed during it, so a deploy\'s new version is listed', async () => {
    const { fresh, answers, state } = loads();
    const clicked = fresh.refresh();
    // the deploy finishes while the Refresh button's load is in flight
    const afterDeploy = fresh.refresh();
    expect(answers).toHaveLength(1);
    answers[0](1);
    await clicked;
    await settled();
    expect(answers).toHaveLength(2);
    answers[1](2);
    await afterDeploy;
    expect(state.shown).toBe(2);
  });

  it('shares one next load among the calls made during a load, and loads at once when none runs', async () => {
    const { fresh, answers, state } = loads();
    const first = fresh.refresh();
    const during = [fresh.refresh(), fresh.refresh(), fresh.refresh()];
    answers[0](1);
    await first;
    await settled();
    answers[1](2);
    await Promise.all(during);
    expect(answers).toHaveLength(2);
    const later = fresh.refresh();
    expect(answers).toHaveLength(3);
    answers[2](3);
    await later;
    expect(state.shown).toBe(3);
  });
});
