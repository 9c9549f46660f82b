// A form-js form from the diagram (`zeebe:userTaskForm`), loaded only when a task has one.
import { Form } from '@bpmn-io/form-js-viewer';
import '@bpmn-io/form-js-viewer/dist/assets/form-js.css';
import { el } from '../dom/element';
import { missingReason, type DecisionForm } from './decision-contract';

export async function formJsDecision(schema: Record<string, unknown>, declared: string[]): Promise<DecisionForm> {
  const element = el('div', { className: 'formjs-form', 'data-form': 'form-js' });
  const form = new Form({ container: element });
  await form.importSchema(schema, {});
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
    setDisabled(disabled) {
      form.setProperty('disabled', disabled);
    },
    destroy() {
      form.destroy();
      element.remove();
    },
  };
}
