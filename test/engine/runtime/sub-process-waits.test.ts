// What waits inside an embedded sub-process waits for the outside world like
// anything else: its job is published with the sub-process's variables, and
// completing it finishes the sub-process and the instance.
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { erp, openFixture, type Fixture } from '../../support/stratum-fixture.js';
import { objectWith } from '../../support/matchers.js';

const XML = readFileSync(new URL('../../fixtures/engine/sub-process-job.bpmn', import.meta.url), 'utf8');

let fixture: Fixture;
beforeEach(async () => { fixture = await openFixture({ deployShipped: false }); });
afterEach(async () => { await fixture?.dispose(); });

describe('an embedded sub-process', () => {
  it('publishes the job inside it and completes when the job does', async () => {
    await fixture.stratum.library.deploy([{ name: 'sub-process-job.bpmn', xml: XML }], { user: 'designer' });
    const { instance } = await fixture.stratum.runtime.start('sub-process-job', { variables: { parcel: 'P-1' } });
    expect(instance.waiting).toEqual([objectWith({ elementId: 'Pack', type: 'job' })]);
    const [job] = await fixture.stratum.runtime.fetchAndLockJobs({ type: 'pack', workerId: 'packer' });
    expect(job.variables).toMatchObject({ parcel: 'P-1', what: 'P-1' });
    const done = await fixture.stratum.runtime.completeJob(job.id, {}, erp, 'packer');
    expect(done.status).toBe('completed');
  });
});
