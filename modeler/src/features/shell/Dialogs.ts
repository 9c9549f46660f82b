import { el } from '../../dom/element';

interface FormField {
  name: string;
  label: string;
  type?: 'text' | 'textarea' | 'select' | 'password';
  value?: string;
  required?: boolean;
  placeholder?: string;
  options?: { value: string; label: string }[];
  /** Optional help line under the field. */
  hint?: string;
}

export interface FormSpec {
  id: string;
  title: string;
  intro?: string | Node;
  fields: FormField[];
  submitLabel: string;
  /** Extra buttons that resolve the dialog with preset values. */
  shortcuts?: { label: string; values: Record<string, string> }[];
  cancellable?: boolean;
}

/** Modal forms on top of the modeler (deploy note, new process, token …). */
export default class Dialogs {
  static $inject: string[] = [];

  form(spec: FormSpec): Promise<Record<string, string> | null> {
    return new Promise((resolve) => {
      const inputs = new Map<string, HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>();
      const fields = spec.fields.map((field) => {
        const id = `${spec.id}-${field.name}`;
        let input: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
        if (field.type === 'textarea') {
          input = el('textarea', { id, name: field.name, rows: 3, placeholder: field.placeholder, required: field.required });
          input.value = field.value ?? '';
        } else if (field.type === 'select') {
          input = el('select', { id, name: field.name },
            (field.options ?? []).map((option) => el('option', { value: option.value }, option.label)));
          input.value = field.value ?? field.options?.[0]?.value ?? '';
        } else {
          input = el('input', {
            id, name: field.name, type: field.type ?? 'text', placeholder: field.placeholder,
            required: field.required, autocomplete: 'off', spellcheck: 'false',
          });
          input.value = field.value ?? '';
        }
        inputs.set(field.name, input);
        return el('div', { className: 'form-field' },
          el('label', { for: id }, field.label), input,
          field.hint ? el('div', { className: 'form-hint' }, field.hint) : null);
      });

      const finish = (values: Record<string, string> | null) => {
        dialog.close();
        dialog.remove();
        resolve(values);
      };
      const collect = () => Object.fromEntries([...inputs].map(([name, input]) => [name, input.value.trim()]));

      const form = el('form', { method: 'dialog', className: 'dialog-form' },
        el('h2', {}, spec.title),
        spec.intro ? el('div', { className: 'dialog-intro' }, spec.intro) : null,
        fields,
        spec.shortcuts?.length
          ? el('div', { className: 'dialog-shortcuts' },
            spec.shortcuts.map((shortcut) => el('button', {
              type: 'button', className: 'shortcut', onclick: () => finish({ ...collect(), ...shortcut.values }),
            }, shortcut.label)))
          : null,
        el('div', { className: 'dialog-buttons' },
          spec.cancellable === false ? null : el('button', { type: 'button', className: 'secondary', onclick: () => finish(null) }, 'Cancel'),
          el('button', { type: 'submit', className: 'primary' }, spec.submitLabel)));
      form.addEventListener('submit', (event) => {
        event.preventDefault();
        if (!form.reportValidity()) return;
        finish(collect());
      });
      const dialog = el('dialog', { className: 'stratum-dialog', 'data-dialog': spec.id }, form);
      dialog.addEventListener('cancel', (event) => {
        if (spec.cancellable === false) event.preventDefault();
        else finish(null);
      });
      document.body.append(dialog);
      dialog.showModal();
      inputs.values().next().value?.focus();
    });
  }
}
