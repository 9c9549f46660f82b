// The element templates in modeler/element-templates/ (one JSON file each) and the embedded forms
// they name (forms/<name>.form, form-js JSON), bundled into the modeler.
import type { ElementTemplate } from './TemplatePalette';

const templateFiles = import.meta.glob<{ default: ElementTemplate }>('../../../element-templates/*.json', { eager: true });
const formFiles = import.meta.glob<string>('../../../element-templates/forms/*.form', { eager: true, query: '?raw', import: 'default' });

export const elementTemplates: ElementTemplate[] = Object.values(templateFiles).map((file) => file.default);

/** Form-js JSON by the id a template's `metadata.stratum.embeddedForm` names: the file name in camel case. */
export const embeddedForms: Record<string, string> = Object.fromEntries(Object.entries(formFiles).map(([path, text]) => {
  const name = path.split('/').pop()!.replace(/\.form$/, '');
  return [`UserTaskForm_${name.split('-').map((part) => part[0].toUpperCase() + part.slice(1)).join('')}`, JSON.stringify(JSON.parse(text))];
}));
