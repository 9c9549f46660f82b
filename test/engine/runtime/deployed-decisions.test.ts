// The decisions a step's business rule tasks may call are read from the store, the latest version of each. A stored
// file the reader refuses (deployed before a check was added: a rule copied with its id) fails only the tasks calling
// its decisions, naming file and problem, never every step of every process with a business rule task.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DmnEvaluationError } from '../../../engine/dmn/dmn-error.js';
import type { ExecutableDefinition } from '../../../engine/runtime/definition-cache.js';
import { DeployedDecisions } from '../../../engine/runtime/deployed-decisions.js';
import type { DecisionVersionRow, StoreTx } from '../../../engine/store/types.js';

const read = (name: string) => readFileSync(new URL(`../../fixtures/dmn/${name}`, import.meta.url), 'utf8');
const row = (decisionId: string, fileName: string, xml: string, version = 1): DecisionVersionRow => ({
  decisionId, version, name: null, fileName, xml, hash: `${fileName}-${version}`, deploymentId: 'd', deployedBy: 'designer', deployedAt: '2026-12-01T00:00:00.000Z', note: null,
});
const definition = { model: { elements: new Map([['Decide', { type: 'bpmn:BusinessRuleTask' }]]) } } as unknown as ExecutableDefinition;

describe('deployed decisions', () => {
  it('names the latest version of each decision, and a stored file that no longer reads fails only its own decisions', async () => {
    const copiedRule = read('approval-tier.dmn').replace('<rule id="vice-president">', '<rule id="director">');
    const rows = [row('approval-tier', 'approval-tier.dmn', copiedRule, 3), row('discount', 'first-discount.dmn', read('first-discount.dmn'), 2)];
    const tx = { latestDecisionVersions: () => Promise.resolve(rows) } as unknown as StoreTx;
    const source = (await new DeployedDecisions().forStep(tx, definition))!;

    expect(source.modelFor('discount')?.decisions.has('discount')).toBe(true);
    expect(source.versionOf?.('discount')).toBe(2);
    expect(() => source.modelFor('approval-tier')).toThrow(DmnEvaluationError);
    expect(() => source.modelFor('approval-tier')).toThrow('decision approval-tier version 3 (approval-tier.dmn) cannot be read: the id "director" is used by two elements');
  });
});
