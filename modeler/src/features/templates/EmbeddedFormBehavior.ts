import CommandInterceptor from 'diagram-js/lib/command/CommandInterceptor';
import type EventBus from 'diagram-js/lib/core/EventBus';
import type { Element } from 'diagram-js/lib/model/Types';
import { businessObjectOf, type ModdleElement } from '../../bpmn/moddle-element';
import type { ElementTemplate } from './TemplatePalette';

interface BpmnFactory {
  create(type: string, properties?: Record<string, unknown>): ModdleElement;
}

interface Modeling {
  updateModdleProperties(element: Element, moddleElement: unknown, properties: Record<string, unknown>): void;
}

interface ElementTemplates {
  get(element: Element): ElementTemplate | null;
}

const EMBEDDED_PREFIX = 'camunda-forms:bpmn:';

/**
 * Element templates cannot set a form key, and a Camunda 8 embedded form lives on the process
 * (`zeebe:userTaskForm`). When a template that names an embedded form (`metadata.stratum.embeddedForm`,
 * e.g. the approval step) is applied or its element created, the task gets
 * `<zeebe:formDefinition formKey="camunda-forms:bpmn:<id>"/>` and the process the form, if it has
 * none of that id yet: in the same command, so one undo takes all of it back.
 */
export default class EmbeddedFormBehavior extends CommandInterceptor {
  static override $inject = ['eventBus', 'elementTemplates', 'bpmnFactory', 'modeling', 'config.stratumForms'];

  constructor(
    eventBus: EventBus,
    private readonly elementTemplates: ElementTemplates,
    private readonly bpmnFactory: BpmnFactory,
    private readonly modelingService: Modeling,
    private readonly forms: Record<string, string>,
  ) {
    super(eventBus);
    this.postExecuted(['shape.create', 'propertiesPanel.zeebe.changeTemplate'], (event: { context: { shape?: Element; element?: Element } }) => {
      const element = event.context.shape ?? event.context.element;
      if (element) this.addForm(element);
    });
  }

  private addForm(element: Element): void {
    const formId = this.elementTemplates.get(element)?.metadata?.stratum?.embeddedForm;
    const body = formId ? this.forms[formId] : undefined;
    const task = businessObjectOf(element);
    const process = processOf(element);
    if (!formId || !body || !task || !process) return;

    const taskExtensions = this.extensionElements(element, task);
    const definitions = values(taskExtensions).filter((value) => value.$type !== 'zeebe:FormDefinition');
    const formDefinition = this.bpmnFactory.create('zeebe:FormDefinition', { formKey: EMBEDDED_PREFIX + formId });
    formDefinition.$parent = taskExtensions;
    this.modelingService.updateModdleProperties(element, taskExtensions, { values: [formDefinition, ...definitions] });

    const processExtensions = this.extensionElements(element, process);
    if (values(processExtensions).some((value) => value.$type === 'zeebe:UserTaskForm' && value.id === formId)) return;
    const form = this.bpmnFactory.create('zeebe:UserTaskForm', { id: formId, body });
    form.$parent = processExtensions;
    this.modelingService.updateModdleProperties(element, processExtensions, { values: [...values(processExtensions), form] });
  }

  private extensionElements(element: Element, owner: ModdleElement): ModdleElement {
    let extensions = owner.extensionElements as ModdleElement | undefined;
    if (!extensions) {
      extensions = this.bpmnFactory.create('bpmn:ExtensionElements', { values: [] });
      extensions.$parent = owner;
      this.modelingService.updateModdleProperties(element, owner, { extensionElements: extensions });
    }
    return extensions;
  }
}

// helpers

function values(extensions: ModdleElement): ModdleElement[] {
  return (extensions.values as ModdleElement[] | undefined) ?? [];
}

function processOf(element: Element): ModdleElement | undefined {
  let parent = element.parent;
  while (parent) {
    const bo = businessObjectOf(parent);
    if (bo?.$type === 'bpmn:Process') return bo;
    if (bo?.$type === 'bpmn:Participant') return bo.processRef as ModdleElement | undefined;
    parent = parent.parent;
  }
  return undefined;
}
