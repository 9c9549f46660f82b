import { CloudElementTemplatesPropertiesProviderModule } from 'bpmn-js-element-templates';
import TemplatePalette from './TemplatePalette';
import EmbeddedFormBehavior from './EmbeddedFormBehavior';

/** Stratum's element templates (modeler/element-templates/): job types and the approval step. */
export default {
  __depends__: [CloudElementTemplatesPropertiesProviderModule],
  __init__: ['templatePalette', 'embeddedFormBehavior'],
  templatePalette: ['type', TemplatePalette],
  embeddedFormBehavior: ['type', EmbeddedFormBehavior],
};
