// Deploy… sends the open diagram with the drafts chosen to go with it, and the shipped library repeats element ids
// from file to file (EndEvent_OrderRejected, Flow_PlanProcurement_Complete; the template's StartEvent_1): a refused
// draft's finding was marked on the open diagram's element of the same id, and its click selected that element.
import { describe, expect, it } from 'vitest';
import { uploadNameOf } from '../../../../modeler/src/features/deploy/DeployPlan.js';
import { isAboutOpenFile } from '../../../../modeler/src/features/lint/finding-file.js';

describe('which server findings are marked on the open diagram after Deploy…', () => {
  const open = uploadNameOf('order-to-cash');

  it('are those of the open diagram\'s file, by the name Deploy… sent it under', () => {
    expect(open).toBe('order-to-cash.bpmn');
    expect(isAboutOpenFile({ file: 'order-to-cash.bpmn' }, open)).toBe(true);
  });

  it('are not those of a draft deployed with it, nor of a deployed caller, whatever ids they name', () => {
    expect(isAboutOpenFile({ file: 'sales-order-management.bpmn' }, open)).toBe(false);
    expect(isAboutOpenFile({ file: 'order-to-cash (deployed)' }, open)).toBe(false);
    expect(isAboutOpenFile({ file: 'approval-tier.dmn' }, open)).toBe(false);
  });

  it('are all of them when the server names no file', () => {
    expect(isAboutOpenFile({}, open)).toBe(true);
  });
});
