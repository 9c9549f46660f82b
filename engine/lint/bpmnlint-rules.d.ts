// bpmnlint's built-in rule modules (CommonJS, untyped): each exports a rule factory.
declare module 'bpmnlint/rules/*' {
  const ruleFactory: (config?: any) => { check: any; meta?: any };
  export default ruleFactory;
}
