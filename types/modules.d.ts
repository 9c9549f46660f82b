// Libraries of the BPMN ecosystem that ship no TypeScript declarations.
declare module 'bpmn-engine';
declare module 'bpmn-elements';
declare module 'moddle-context-serializer';
