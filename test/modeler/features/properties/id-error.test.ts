// The properties panel's id fields check an id as the file may hold it (any script, xsd:ID), against the canvas's ids.
import { describe, expect, it } from 'vitest';
import { idError } from '../../../../modeler/src/features/properties/id-error.js';

describe('an id typed into the properties panel', () => {
  const assigned = new Map<string, object>();
  const owner = { id: 'Pr_x00FC_fen', $type: 'bpmn:Process', $model: { ids: { assigned: (id: string) => assigned.get(id) ?? false } } };
  assigned.set('Pr_x00FC_fen', owner);
  assigned.set('Gr_x00F6__x00DF_e', { id: 'Gr_x00F6__x00DF_e' });

  it('may be in any script, and may stay the element\'s own', () => {
    expect(idError(owner, 'Prüfen', 'Pr_x00FC_fen')).toBeUndefined();
    expect(idError(owner, 'مهمة_٢', 'مهمة_٢')).toBeUndefined();
    expect(idError(owner, 'Task_1', 'Task_1')).toBeUndefined();
  });

  it('is refused when another element has it (under its alias), or it is no XML name', () => {
    expect(idError(owner, 'Größe', 'Gr_x00F6__x00DF_e')).toBe('ID must be unique.');
    expect(idError(owner, '', '')).toBe('ID must not be empty.');
    expect(idError(owner, 'Prü fen', 'Prü fen')).toBe('ID must not contain spaces.');
    expect(idError(owner, 'tns:Prüfen', 'tns:Prüfen')).toBe('ID must not contain prefix.');
    expect(idError(owner, '1_Prüfen', '1_Prüfen')).toMatch(/^ID must be an XML name/);
  });
});
