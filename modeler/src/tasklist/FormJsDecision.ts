// A form-js form from the diagram (`zeebe:userTaskForm`), loaded only when a task has one.
import { Form } from '@bpmn-io/form-js-viewer';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import { el } from '../dom/element';
import { missingReason, type DecisionForm } from './decision-contract';

export async function formJsDecision(schema: Record<string, unknown>, declared: string[], filled: Record<string, unknown> = {}): Promise<DecisionForm> {
  const element = el('div', { className: 'formjs-form', 'data-form': 'form-js' });
  const form = new Form({ container: element });
  let data: Record<string, unknown> = { ...filled };
  form.on('changed', (state: { data: Record<string, unknown> }) => {
    data = state.data;
  });
  await form.importSchema(schema, filled);
  nameChoiceGroups(element);
  return {
    element,
    read() {
      const { data, errors } = form.submit();
      if (Object.keys(errors).length) return { invalid: 'Fill in the fields the form marks.' };
      // form-js hands back every field; only what the task declares may be sent
      const variables = Object.fromEntries(Object.entries(data).filter(([name, value]) => declared.includes(name) && value !== undefined && value !== ''));
      const reason = missingReason(variables, declared);
      if (reason) return { invalid: reason };
      return { variables };
    },
    draft() {
      return Object.fromEntries(Object.entries(data).filter(([name, value]) => declared.includes(name) && value !== undefined && value !== null && value !== ''));
    },
    setDisabled(disabled) {
      form.setProperty('disabled', disabled);
    },
    destroy() {
      form.destroy();
      element.remove();
    },
  };
}

// helpers

/**
 * form-js writes a radio group's and a checklist's question ("Your decision") as a label tied to no control, so a
 * screen reader reads "Approve the order, radio button" without it: each such field becomes a radiogroup (group)
 * named by its question. Preact keeps attributes it did not set on the nodes it keeps, so they last through re-renders.
 */
function nameChoiceGroups(root: HTMLElement): void {
  const groups: [string, string][] = [['.fjs-form-field-radio', 'radiogroup'], ['.fjs-form-field-checklist', 'group']];
  for (const [selector, role] of groups) {
    for (const field of root.querySelectorAll<HTMLElement>(selector)) {
      const question = field.querySelector<HTMLElement>(':scope > label.fjs-form-field-label');
      const name = field.querySelector('input')?.name;
      if (!question || !name) continue;
      question.id ||= `${name}-question`;
      field.setAttribute('role', role);
      field.setAttribute('aria-labelledby', question.id);
      if (role === 'radiogroup' && field.querySelector('input[required]')) field.setAttribute('aria-required', 'true');
    }
  }
}
