// The form an approver decides with. A task that carries a Camunda 8 form is
// rendered with form-js; any other task gets a form built from its declared
// completion variables, so every task can be decided here.
import { el } from '../dom/element';
import type { TaskView } from './TasklistClient';
import { missingReason, type DecisionForm } from './decision-contract';

/** The task's form, filled with `filled` (what was filled in before the server stopped accepting the token). */
export async function decisionFormFor(task: TaskView, filled: Record<string, unknown> = {}): Promise<DecisionForm> {
  if (task.form?.kind === 'embedded') {
    const { formJsDecision } = await import('./FormJsDecision');
    return formJsDecision(task.form.schema, task.variables, filled);
  }
  return genericDecision(task, filled);
}

/**
 * One field per declared completion variable. Values are read as JSON where they
 * parse (true, false, numbers), else as text; an empty field is left out.
 */
function genericDecision(task: TaskView, filled: Record<string, unknown>): DecisionForm {
  const inputs = task.variables.map((name) => el('input', { type: 'text', name, id: `generic-${name}`, autocomplete: 'off' }));
  for (const input of inputs) {
    const value = filled[input.name];
    if (value !== undefined) input.value = typeof value === 'string' ? value : JSON.stringify(value);
  }
  const note = task.form?.kind === 'linked'
    ? el('p', { className: 'hint' }, `This task names the form "${task.form.formId}", deployed on its own; the task list shows its variables instead.`)
    : null;
  const element = el('div', { className: 'generic-form', 'data-form': 'generic' },
    note,
    task.variables.length
      ? inputs.map((input) => el('div', { className: 'field' },
          el('label', { for: input.id }, input.name),
          input,
          el('span', { className: 'hint' }, 'true or false, a number, or text')))
      : el('p', { className: 'hint' }, 'This task asks for no variables: sending completes it.'));
  return {
    element,
    read() {
      const variables: Record<string, unknown> = {};
      for (const input of inputs) {
        const text = input.value.trim();
        if (text) variables[input.name] = parseValue(text);
      }
      const reason = missingReason(variables, task.variables);
      if (reason) return { invalid: reason };
      return { variables };
    },
    draft() {
      return Object.fromEntries(inputs.filter((input) => input.value.trim()).map((input) => [input.name, parseValue(input.value.trim())]));
    },
    setDisabled(disabled) {
      for (const input of inputs) input.disabled = disabled;
    },
    destroy() {
      element.remove();
    },
  };
}

// helpers

function parseValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
