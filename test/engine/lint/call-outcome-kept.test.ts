// Inside orders, a call activity does not replace what the process it calls decided.
import { describe, expect, it } from 'vitest';
import { lintFiles } from '../../../engine/lint/lint-bpmn.js';
import { arrayWith, objectWith } from '../../support/matchers.js';
import { enter, openFixture, order, shippedDiagrams, vicePresident } from '../../support/stratum-fixture.js';

const RULE = 'call-outcome-kept';
const shipped = shippedDiagrams();
const SOM = 'sales-order-management.bpmn';
const CALL = '<zeebe:calledElement processId="credit-order-approval" propagateAllChildVariables="true" bindingType="latest" />';
const withOutput = (source: string, target: string) => shipped.map((file) => (file.name === SOM
  ? { name: SOM, xml: file.xml.replace(CALL, `${CALL}<zeebe:ioMapping><zeebe:output source="${source}" target="${target}" /></zeebe:ioMapping>`) }
  : file));

describe(RULE, () => {
  it('refuses an output of the approval call that sets approved without reading it, naming the call and the decision', async () => {
    const findings = (await lintFiles(withOutput('=true', 'approved'))).filter((finding) => finding.rule === RULE);
    expect(findings).toEqual([objectWith({
      file: SOM, elementId: 'CallActivity_ApproveCreditOrder', severity: 'error',
      message: 'Call activity "Approve credit order" has an output mapping to approved from =true, which does not read it, while "credit-order-approval" decides approved: ' +
        'the caller would go on with this value in place of the called process\'s decision, a rejection included. Map the called process\'s value (source "=approved"), or give the output another name',
    })]);
  });

  it('accepts the value of the called process mapped as it is, and finds nothing in the shipped library', async () => {
    expect((await lintFiles(withOutput('=approved', 'approved'))).filter((finding) => finding.rule === RULE)).toEqual([]);
    expect((await lintFiles(shipped)).filter((finding) => finding.rule === RULE)).toEqual([]);
  });

  it('keeps a vice-president rejection: the deploy is refused and the order is rejected', async () => {
    const fixture = await openFixture();
    try {
      await expect(fixture.stratum.library.deploy(withOutput('=true', 'approved').filter((file) => file.name === SOM), { user: 'designer', note: 'smoother' }))
        .rejects.toMatchObject({ details: { findings: arrayWith([objectWith({ rule: RULE, elementId: 'CallActivity_ApproveCreditOrder' })]) } });
      await enter(fixture.stratum.runtime, order('SO-700000', 700_000));
      const [task] = await fixture.stratum.runtime.findTasks({ businessKey: 'SO-700000' });
      await fixture.stratum.runtime.completeTask(task.id, { approved: false, comment: 'too risky' }, vicePresident);
      expect((await fixture.stratum.orders.get('SO-700000'))?.status).toBe('rejected');
    } finally {
      await fixture.dispose();
    }
  });
});
