import type { Element } from 'diagram-js/lib/model/Types';

/** An element template as the files in modeler/element-templates/ declare it. */
export interface ElementTemplate {
  id: string;
  name: string;
  description?: string;
  elementType?: { value: string };
  keywords?: string[];
  metadata?: { stratum?: { embeddedForm?: string } };
}

interface ElementTemplates {
  getLatest(): ElementTemplate[];
  createElement(template: ElementTemplate): Element;
}

type Entries = Record<string, { group: string; className: string; title: string; action: Record<string, (event: Event) => void> }>;

const ICONS: Record<string, string> = { 'bpmn:UserTask': 'bpmn-icon-user-task', 'bpmn:ServiceTask': 'bpmn-icon-service-task' };

/**
 * Stratum's element templates (modeler/element-templates/) in the palette, and "append" entries in
 * a task's or event's context pad: one click adds a service task with its job type, or an approval
 * step with its candidate group, form and declared outputs.
 */
export default class TemplatePalette {
  static $inject = ['palette', 'contextPad', 'elementTemplates', 'create', 'autoPlace', 'eventBus'];

  constructor(
    palette: { registerProvider(priority: number, provider: { getPaletteEntries(): Entries }): void },
    contextPad: { registerProvider(priority: number, provider: { getContextPadEntries(element: Element): Entries }): void },
    private readonly elementTemplates: ElementTemplates,
    private readonly create: { start(event: Event, element: Element): void },
    private readonly autoPlace: { append(source: Element, shape: Element): void },
    eventBus: { once(event: string, callback: () => void): void },
  ) {
    // the templates load when the diagram starts, after the palette's first drawing; registering
    // then makes the palette draw its entries again
    eventBus.once('elementTemplates.changed', () => palette.registerProvider(500, { getPaletteEntries: () => this.paletteEntries() }));
    contextPad.registerProvider(500, { getContextPadEntries: (element) => this.contextPadEntries(element) });
  }

  private templates(): ElementTemplate[] {
    return this.elementTemplates.getLatest().filter((template) => template.id.startsWith('stratum.'));
  }

  private paletteEntries(): Entries {
    const entries: Entries = {};
    for (const template of this.templates()) {
      const start = (event: Event) => this.create.start(event, this.elementTemplates.createElement(template));
      entries[`create.template.${template.id}`] = {
        group: 'stratum-templates',
        className: `${ICONS[template.elementType?.value ?? ''] ?? 'bpmn-icon-task'} stratum-template-entry`,
        title: `${template.name} (template): ${template.description ?? ''}`.trim(),
        action: { click: start, dragstart: start },
      };
    }
    return entries;
  }

  private contextPadEntries(element: Element): Entries {
    const type = element.type as string;
    if (!/Task$|Event$|Gateway$|CallActivity$|SubProcess$/.test(type) || type === 'bpmn:EndEvent') return {};
    const entries: Entries = {};
    for (const template of this.templates()) {
      entries[`append.template.${template.id}`] = {
        group: 'stratum-templates',
        className: `${ICONS[template.elementType?.value ?? ''] ?? 'bpmn-icon-task'} stratum-template-entry`,
        title: `Append ${template.name}`,
        action: { click: () => this.autoPlace.append(element, this.elementTemplates.createElement(template)) },
      };
    }
    return entries;
  }
}
