// Variables across a Camunda 8 call activity (runtime/call-variables.ts): the
// called process starts with every variable of its caller and the call
// activity's zeebe:inputs over them, or, with propagateAllParentVariables="false",
// with only the inputs (and a multi-instance iteration's element and loopCounter);
// it hands back every variable, or, with propagateAllChildVariables="false", only
// the call activity's outputs (test/support/call-variables-diagrams.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CALLER_VARIABLES, caller, OVER_REVIEWERS, REVIEW } from '../../support/call-variables-diagrams.js';
import { textContaining } from '../../support/matchers.js';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });
const runtime = () => fixture.stratum.runtime;

async function fetchJobs(type: string) {
  return runtime().fetchAndLockJobs({ type, workerId: 'worker', max: 10 });
}

/**
 * Deploys the review with a caller passing it everything, then the caller under test alone (as a designer
 * changes it: the deploy checks the caller's conditions, not the review's), and starts the caller: the
 * variables each review job (one per child) sees.
 */
async function start(...callerArgs: Parameters<typeof caller>) {
  await fixture.stratum.library.deploy([caller(''), REVIEW], { user: 'designer' });
  await fixture.stratum.library.deploy([caller(...callerArgs)], { user: 'designer' });
  const { instance } = await runtime().start('c8-caller', { variables: CALLER_VARIABLES });
  const reviews = await fetchJobs('review');
  expect(reviews.length, 'a review job').toBeGreaterThan(0);
  return { instance, reviews };
}

/** Completes the review job: the route the child's gateway takes (the job after it), or the child's incident. */
async function routeAfter(review: { id: string; instanceId: string }, variables: Record<string, unknown> = {}) {
  await runtime().completeJob(review.id, variables, erp, 'worker');
  const [incident] = (await runtime().findIncidents({ instanceId: review.instanceId })).items;
  if (incident) return { incident };
  const [next] = [...await fetchJobs('ship'), ...await fetchJobs('recheck')];
  return { route: next.type, next };
}

describe('what a Camunda 8 call activity passes the process it calls', () => {
  it.each([
    ['without propagateAllParentVariables (Camunda 8\'s default is true)', ''],
    ['with propagateAllParentVariables="true"', 'propagateAllParentVariables="true"'],
  ])('%s: every variable of the caller, the inputs over them; the called process routes on the caller\'s approved', async (_case, calledElement) => {
    const { reviews: [review] } = await start(calledElement, '<zeebe:input source="=amount * 2" target="doubled" />');
    expect(review.variables).toEqual({ ...CALLER_VARIABLES, doubled: 80 });
    expect((await routeAfter(review)).route).toBe('ship');
  });

  it('with propagateAllParentVariables="false" and no input: nothing, so the called process cannot route on approved (an incident names it as missing)', async () => {
    const { reviews: [review] } = await start('propagateAllParentVariables="false"');
    expect(review.variables).toEqual({});
    const { incident, route } = await routeAfter(review);
    expect(route).toBeUndefined();
    expect(incident).toMatchObject({ processKey: 'c8-review', elementId: 'Approved', reason: { kind: 'condition-failed', flowId: 'Flow_Approved' } });
    expect(incident!.message).toContain("Variable 'approved' not found");
  });

  it('with propagateAllParentVariables="false" and no input, the review deployed with its caller is refused naming the call activity (condition-variables-supplied)', async () => {
    await expect(fixture.stratum.library.deploy([caller('propagateAllParentVariables="false"'), REVIEW], { user: 'designer' })).rejects.toMatchObject({
      code: 'invalid',
      message: textContaining('reads "approved", which nothing supplies: process "c8-review" gets from its callers only what their call activities\' zeebe:input mappings pass'),
    });
  });

  it('with propagateAllParentVariables="false": only the inputs, evaluated over the caller\'s variables', async () => {
    const { reviews: [review] } = await start('propagateAllParentVariables="false"', '<zeebe:input source="=approved" target="approved" />');
    expect(review.variables).toEqual({ approved: true });
    expect((await routeAfter(review)).route).toBe('ship');
  });

  it('with propagateAllParentVariables="false": an input under the name the called process reads decides its route, not the caller\'s variable', async () => {
    const { reviews: [review] } = await start('propagateAllParentVariables="false"', '<zeebe:input source="=amount &gt; 100" target="approved" />');
    expect(review.variables).toEqual({ approved: false });
    expect((await routeAfter(review)).route).toBe('recheck');
  });

  it('multi-instance with propagateAllParentVariables="false": each child gets its element and loopCounter besides the inputs', async () => {
    const narrowed = await start('propagateAllParentVariables="false"', '<zeebe:input source="=reviewer + &quot; reviews&quot;" target="task" />', OVER_REVIEWERS);
    expect(narrowed.reviews.map((job) => job.variables).sort(byLoopCounter)).toEqual([
      { reviewer: 'ann', loopCounter: 1, task: 'ann reviews' }, { reviewer: 'bob', loopCounter: 2, task: 'bob reviews' },
    ]);
  });

  it('multi-instance by default: each child gets every variable of the caller, its element and loopCounter', async () => {
    const { reviews } = await start('', '', OVER_REVIEWERS);
    expect(reviews.map((job) => job.variables).sort(byLoopCounter)).toEqual([
      { ...CALLER_VARIABLES, reviewer: 'ann', loopCounter: 1 }, { ...CALLER_VARIABLES, reviewer: 'bob', loopCounter: 2 },
    ]);
  });
});

describe('what a Camunda 8 call activity hands back to its caller', () => {
  it.each([
    ['by default, every variable of the called process', '', '', { ...CALLER_VARIABLES, reviewedBy: 'ann', note: 'child only' }],
    ['with propagateAllChildVariables="false", only the call activity\'s outputs', 'propagateAllChildVariables="false"',
      '<zeebe:output source="=reviewedBy" target="reviewer" />', { ...CALLER_VARIABLES, reviewer: 'ann' }],
  ])('%s', async (_case, calledElement, mappings, expected) => {
    const { reviews: [review] } = await start(calledElement, mappings);
    const { next } = await routeAfter(review, { reviewedBy: 'ann', note: 'child only' });
    await runtime().completeJob(next!.id, {}, erp, 'worker');
    const [after] = await fetchJobs('after');
    expect(after.variables).toEqual(expected);
  });
});

// helpers

function byLoopCounter(a: Record<string, unknown>, b: Record<string, unknown>): number {
  return Number(a.loopCounter) - Number(b.loopCounter);
}
