// How often an ISO 8601 cycle fires: `Rn` is the number of times, `R` for ever. `R0` (zero repetitions) is no error
// in Camunda: Zeebe parses it (RepeatingInterval.parse) and arms the timer when the boundary event's task is entered,
// fires it once and re-arms it only for more than one repetition (TimerTriggerProcessor.shouldReschedule:
// repetitions > 1 or infinite), so `R0/PT1S` fires once, a second after the task began, like `R1/PT1S`. Stratum does
// the same, and deploys it without a finding.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore, openStratum, type Stratum } from '../../../engine/index.js';

const reminded = (cycle: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="Definitions_cycle" targetNamespace="http://stratum.dev/test">
  <bpmn:process id="reminded" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="F1" sourceRef="Start" targetRef="Review" />
    <bpmn:userTask id="Review" name="Review" />
    <bpmn:sequenceFlow id="F2" sourceRef="Review" targetRef="End" />
    <bpmn:endEvent id="End" />
    <bpmn:boundaryEvent id="Remind" attachedToRef="Review" cancelActivity="false">
      <bpmn:timerEventDefinition><bpmn:timeCycle>${cycle}</bpmn:timeCycle></bpmn:timerEventDefinition>
    </bpmn:boundaryEvent>
    <bpmn:sequenceFlow id="F3" sourceRef="Remind" targetRef="Reminded" />
    <bpmn:endEvent id="Reminded" />
  </bpmn:process>
</bpmn:definitions>`;

let dataDir: string;
let stratum: Stratum;
let now: number;

beforeEach(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'stratum-cycle-repetitions-'));
  now = new Date('2026-01-05T09:00:00.000Z').getTime();
  stratum = await openStratum({ store: await openStore({ dataDir }), clock: { now: () => new Date(now) } });
});
afterEach(async () => {
  await stratum.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The reminders of one instance, round by round: the scheduler's round at each half second for five seconds. */
async function remindersOf(cycle: string): Promise<number[]> {
  const deployed = await stratum.library.deploy([{ name: 'reminded.bpmn', xml: reminded(cycle) }], { user: 'test' });
  expect(deployed.warnings.filter((finding) => finding.rule === 'timer-definition')).toEqual([]);
  const { instance } = await stratum.runtime.start('reminded', {});
  const rounds: number[] = [];
  for (let round = 1; round <= 10; round++) {
    now += 500;
    await stratum.runtime.fireDueTimers();
    const { history } = (await stratum.runtime.getInstance(instance.id))!;
    rounds.push(history.filter((entry) => entry.event === 'timer.fired').length);
  }
  return rounds;
}

describe('an ISO 8601 cycle\'s repetitions', () => {
  it('fires R0/PT1S once, a second after its task began, as Camunda 8 does, and never again', async () => {
    expect(await remindersOf('R0/PT1S')).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('fires R1/PT1S the same', async () => {
    expect(await remindersOf('R1/PT1S')).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it('fires R2/PT1S twice, a second apart', async () => {
    expect(await remindersOf('R2/PT1S')).toEqual([0, 1, 1, 2, 2, 2, 2, 2, 2, 2]);
  });
});
