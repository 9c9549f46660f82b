import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';

import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/properties-panel/dist/assets/properties-panel.css';
import 'bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css';
import 'bpmn-js-token-simulation/assets/css/bpmn-js-token-simulation.css';
import 'diagram-js-minimap/assets/diagram-js-minimap.css';
import 'bpmn-js-element-templates/dist/assets/element-templates.css';
import './styles/app.css';

import { ApiClient } from './api/client';
import type { StratumConfig } from './config';
import ShellModule from './features/shell';
import SessionModule from './features/session';
import WorkspaceModule from './features/workspace';
import LibraryModule from './features/library';
import DrilldownModule from './features/drilldown';
import PropertiesModule from './features/properties';
import LintModule from './features/lint';
import SimulationModule from './features/simulation';
import DeployModule from './features/deploy';
import HistoryModule from './features/history';
import DiffModule from './features/diff';
import FilesModule from './features/files';
import InstancesModule from './features/instances';
import IncidentsModule from './features/incidents';
import AuditModule from './features/audit';
import NavigationModule from './features/navigation';
import TemplatesModule from './features/templates';
import DecisionsModule from './features/decisions';
import { elementTemplates, embeddedForms } from './features/templates/shipped-templates';
import type Session from './features/session/Session';
import type LibraryService from './features/library/LibraryService';
import type Workspace from './features/workspace/Workspace';
import { start } from './start';
import type OpenDocumentMemory from './features/workspace/OpenDocumentMemory';

function byId(id: string): HTMLElement {
  const element = document.getElementById(id);
  if (!element) throw new Error(`#${id} is missing from index.html`);
  return element;
}

const stratum: StratumConfig = {
  api: new ApiClient(),
  toolbar: byId('toolbar'),
  sidePanel: byId('side-panel'),
  breadcrumbs: byId('breadcrumbs'),
  status: byId('status'),
  documentTitle: byId('document-title'),
  findings: byId('findings'),
  problems: byId('problems'),
  properties: byId('properties'),
};

const modeler = new BpmnModeler({
  container: byId('canvas'),
  propertiesPanel: { parent: stratum.properties },
  moddleExtensions: { zeebe: zeebeModdle as object },
  linting: { active: true },
  elementTemplates,
  stratumForms: embeddedForms,
  stratum,
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    ZeebePropertiesProviderModule,
    ShellModule,
    SessionModule,
    WorkspaceModule,
    LibraryModule,
    DrilldownModule,
    PropertiesModule,
    LintModule,
    SimulationModule,
    DeployModule,
    HistoryModule,
    DiffModule,
    FilesModule,
    InstancesModule,
    IncidentsModule,
    AuditModule,
    NavigationModule,
    TemplatesModule,
    DecisionsModule,
  ],
} as ConstructorParameters<typeof BpmnModeler>[0]);

// Tests and the browser console reach the modeler here.
(window as unknown as { stratumModeler: BpmnModeler }).stratumModeler = modeler;

void start({
  session: modeler.get<Session>('session'),
  library: modeler.get<LibraryService>('libraryService'),
  workspace: modeler.get<Workspace>('workspace'),
  reopen: modeler.get<OpenDocumentMemory>('openDocumentMemory'),
}).then(() => {
  document.body.dataset.ready = 'true';
});
