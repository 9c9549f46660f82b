import ShellModule from '../shell';
import InstancesModule from '../instances';
import AuditPanel from './AuditPanel';

/** The refused attempts of every order, for the operations group: filtered, paged, each order opened on the diagram. */
export default {
  __depends__: [ShellModule, InstancesModule],
  __init__: ['auditPanel'],
  auditPanel: ['type', AuditPanel],
};
