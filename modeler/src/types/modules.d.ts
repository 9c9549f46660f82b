// Browser libraries of the bpmn.io ecosystem that ship no TypeScript declarations.
declare module 'bpmn-js-properties-panel';
declare module 'bpmn-js-bpmnlint';
declare module 'bpmn-js-token-simulation';
declare module 'bpmn-js-token-simulation/lib/*';
declare module 'bpmn-js-differ';
declare module 'zeebe-bpmn-moddle/resources/zeebe.json';
declare module '@bpmn-io/properties-panel';
declare module '@bpmn-io/properties-panel/preact';
declare module 'diagram-js/lib/util/*';
