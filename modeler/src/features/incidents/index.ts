import ShellModule from '../shell';
import WorkspaceModule from '../workspace';
import InstancesModule from '../instances';
import IncidentsPanel from './IncidentsPanel';

/** Open incidents for operators: each with its reason in words, opened on the diagram, retried by `operations`. */
export default {
  __depends__: [ShellModule, WorkspaceModule, InstancesModule],
  __init__: ['incidentsPanel'],
  incidentsPanel: ['type', IncidentsPanel],
};
