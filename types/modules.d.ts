// Libraries of the BPMN ecosystem that ship no TypeScript declarations.
// bpmn-engine and bpmn-elements: types/bpmn-engine.d.ts, types/bpmn-elements.d.ts
declare module 'moddle-context-serializer';
declare module '@bpmn-io/element-templates-validator' {
  /** Validates one Camunda 8 element template against its JSON schema. */
  export function validateZeebe(template: unknown): { valid: boolean; errors: unknown[] | null };
}
