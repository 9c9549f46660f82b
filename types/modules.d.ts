// Libraries of the BPMN ecosystem that ship no TypeScript declarations.
declare module 'bpmn-engine';
declare module 'bpmn-elements';
declare module 'moddle-context-serializer';
declare module '@bpmn-io/element-templates-validator' {
  /** Validates one Camunda 8 element template against its JSON schema. */
  export function validateZeebe(template: unknown): { valid: boolean; errors: unknown[] | null };
}
