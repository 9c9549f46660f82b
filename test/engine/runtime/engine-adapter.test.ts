// The typed adapter over bpmn-engine's internals: what the runtime relies on,
// checked against the installed bpmn-engine.
import { describe, expect, it, vi } from 'vitest';
import { compileExecutable } from '../../../engine/runtime/definition-cache.js';
import { errorElementId, LiveEngine, type ElementApi } from '../../../engine/runtime/engine-adapter.js';

const XML = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="defs" targetNamespace="http://example.com">
  <bpmn:message id="paid" name="paid" />
  <bpmn:error id="no-stock" errorCode="NO_STOCK" />
  <bpmn:process id="adapter" isExecutable="true">
    <bpmn:startEvent id="start" />
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="approve" />
    <bpmn:userTask id="approve" />
    <bpmn:sequenceFlow id="f2" sourceRef="approve" targetRef="pick" />
    <bpmn:serviceTask id="pick" />
    <bpmn:boundaryEvent id="out-of-stock" attachedToRef="pick">
      <bpmn:errorEventDefinition errorRef="no-stock" />
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="f3" sourceRef="pick" targetRef="wait" />
    <bpmn:sequenceFlow id="f4" sourceRef="out-of-stock" targetRef="wait" />
    <bpmn:intermediateCatchEvent id="wait">
      <bpmn:timerEventDefinition><bpmn:timeDuration>PT1H</bpmn:timeDuration></bpmn:timerEventDefinition>
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f5" sourceRef="wait" targetRef="payment" />
    <bpmn:intermediateCatchEvent id="payment">
      <bpmn:messageEventDefinition messageRef="paid" />
    </bpmn:intermediateCatchEvent>
    <bpmn:sequenceFlow id="f6" sourceRef="payment" targetRef="end" />
    <bpmn:endEvent id="end" />
  </bpmn:process>
</bpmn:definitions>`;

async function started(variables: Record<string, unknown> = { amount: 5 }) {
  const definition = await compileExecutable('adapter', 1, XML);
  const engine = new LiveEngine('i-1', definition.sourceContext);
  await engine.start(variables);
  return { definition, engine };
}

// A boundary event waits beside its activity, so waiting elements are compared as a set.
const waitingIds = (engine: LiveEngine) => engine.waiting().map((element) => element.id).sort();
const waitingFor = (engine: LiveEngine, id: string) => engine.waiting().find((element) => element.id === id)!;

describe('LiveEngine', () => {
  it('starts to the first wait and reports the waiting element with its execution id', async () => {
    const { engine } = await started();
    const [task] = engine.waiting();
    expect(task).toMatchObject({ id: 'approve', type: 'bpmn:UserTask' });
    expect(task.executionId).toMatch(/^approve_/);
    expect(engine.idle).toBe(false);
    expect(engine.sound).toBe(true);
  });

  it('sets and reads process variables, without bpmn-elements internals', async () => {
    const { engine } = await started();
    engine.setVariables({ approved: true });
    expect(engine.variables({})).toEqual({ amount: 5, approved: true });
  });

  it('stores a state without the definition source that a fresh engine recovers and resumes to the same wait', async () => {
    const { definition, engine } = await started();
    const [task] = engine.waiting();
    engine.signal(task.id, task.executionId);
    const state = (await engine.state()) as { definitions: Record<string, unknown>[] };
    expect(state.definitions.every((stored) => !('source' in stored))).toBe(true);

    const recovered = new LiveEngine('i-1', definition.sourceContext);
    await recovered.recover(JSON.parse(JSON.stringify(state)));
    expect(waitingIds(recovered)).toEqual(['out-of-stock', 'pick']);
    expect(recovered.variables({})).toEqual({ amount: 5 });
  });

  it('makes the definition source text bpmn-engine puts in every state once per compiled definition, not per state', async () => {
    const { definition: first } = await started();
    // every compiled context shares the serializer's prototype: count what it really serializes from here on
    const serialize = vi.spyOn(Object.getPrototypeOf(first.sourceContext) as { serialize(): string }, 'serialize');
    try {
      const definition = await compileExecutable('adapter', 2, XML);
      for (const id of ['i-2', 'i-3']) {
        const engine = new LiveEngine(id, definition.sourceContext);
        await engine.start({ amount: 5 });
        await engine.state();
        await engine.state();
      }
      expect(serialize).toHaveBeenCalledTimes(1);
      // the text handed out again is the text bpmn-engine would have made
      expect((definition.sourceContext as { serialize(): string }).serialize()).toBe(serialize.mock.results[0].value);
      expect(JSON.parse(serialize.mock.results[0].value as string)).toMatchObject({ id: 'defs' });
    } finally {
      serialize.mockRestore();
    }
  });

  it('lets a waiting job throw a BPMN error that its boundary event catches by code', async () => {
    const { engine } = await started();
    const [task] = engine.waiting();
    engine.signal(task.id, task.executionId);
    const job = waitingFor(engine, 'pick');
    job.throwError('out of stock', 'NO_STOCK');
    await new Promise((resolve) => setImmediate(resolve));
    expect(waitingIds(engine)).toEqual(['wait']);
  });

  it('fires a timer by cancelling it and delivers a message by its id, then ends idle', async () => {
    const { engine } = await started();
    const ended: string[] = [];
    engine.attach({ end: () => ended.push('end') });
    const [task] = engine.waiting();
    engine.signal(task.id, task.executionId);
    const job = waitingFor(engine, 'pick');
    engine.signal(job.id, job.executionId);
    engine.cancel('wait');
    await new Promise((resolve) => setImmediate(resolve)); // as the runtime does before it reads the waits
    // (bpmn-engine also lists the sequence flow into the catch; the runtime keeps only elements that wait)
    expect(waitingIds(engine)).toContain('payment');
    expect(waitingIds(engine)).not.toContain('wait');
    engine.signal('paid');
    await new Promise((resolve) => setImmediate(resolve));
    expect(ended).toEqual(['end']);
    expect(engine.idle).toBe(true);
    expect(engine.variables({})).toEqual({ amount: 5 }); // an ended process still tells its last variables
  });

  it('hands a step its listeners only until it detaches them', async () => {
    const { engine } = await started();
    const entered: string[] = [];
    const detach = engine.attach({ 'activity.enter': (api: ElementApi) => entered.push(api.id) });
    const [task] = engine.waiting();
    engine.signal(task.id, task.executionId);
    detach();
    const job = waitingFor(engine, 'pick');
    engine.signal(job.id, job.executionId);
    expect(entered.sort()).toEqual(['out-of-stock', 'pick']);
  });

  it('is no longer sound after an error, whoever listened', async () => {
    const { engine } = await started();
    const errors: unknown[] = [];
    engine.attach({ error: (error) => errors.push(error) });
    // Recovering a running engine is refused by bpmn-engine; an engine error is what marks it unsound.
    (engine as unknown as { engine: { emit(event: string, error: Error): void } }).engine.emit('error', Object.assign(new Error('boom'), { id: 'approve' }));
    expect(errors).toHaveLength(1);
    expect(errorElementId(errors[0])).toBe('approve');
    expect(engine.sound).toBe(false);
  });
});
