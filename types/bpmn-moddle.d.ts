// bpmn-moddle as Stratum uses it. The package ships generated element types
// (`bpmn-moddle/types`) but none for its entry point, and those types know
// nothing of the zeebe and camunda extensions Stratum reads; so one element
// type here describes every moddle element by what may be on it. Which of the
// optional properties an element has follows from its `$type` (check it, or
// `is(node, 'bpmn:…')`, before reading the type-specific ones).
declare module 'bpmn-moddle' {
  /** A moddle element of a BPMN document (bpmn:, bpmndi:, zeebe: or camunda: type). */
  export interface ModdleElement {
    /** The qualified type, e.g. `bpmn:UserTask`, `zeebe:TaskDefinition`. */
    readonly $type: string;
    $parent?: ModdleElement;
    /** Attributes no package declares, under their qualified name (`{uri}name` or `prefix:name`). */
    $attrs?: Record<string, string>;
    /** The type test including super types (`bpmn:UserTask` is a `bpmn:Task`). */
    $instanceOf(type: string): boolean;
    /** A property by name, also one in `$attrs`; a collection is created empty on first read. */
    get(name: string): unknown;
    set(name: string, value: unknown): void;

    // bpmn: common to most elements
    /**
     * Required here although BPMN makes it optional: every element Stratum
     * names or looks up (definitions, processes, flow elements, messages) has
     * one in files from any modeler, and bpmnlint reports by it. Vendor
     * extension elements have none; nothing reads theirs.
     */
    id: string;
    name?: string;
    documentation?: ModdleElement[];
    extensionElements?: ModdleElement;
    /** bpmn:ExtensionElements: the vendor elements inside it. */
    values?: ModdleElement[];
    /** bpmn:Documentation, bpmn:FormalExpression, bpmn:TextAnnotation. */
    text?: string;
    body?: string;
    language?: string;

    // bpmn: definitions and containers
    targetNamespace?: string;
    exporter?: string;
    exporterVersion?: string;
    rootElements?: ModdleElement[];
    diagrams?: ModdleElement[];
    imports?: ModdleElement[];
    flowElements?: ModdleElement[];
    artifacts?: ModdleElement[];
    laneSets?: ModdleElement[];
    lanes?: ModdleElement[];
    flowNodeRef?: ModdleElement[];
    participants?: ModdleElement[];
    messageFlows?: ModdleElement[];
    processRef?: ModdleElement;
    isExecutable?: boolean;
    triggeredByEvent?: boolean;

    // bpmn: flow nodes and flows
    incoming?: ModdleElement[];
    outgoing?: ModdleElement[];
    sourceRef?: ModdleElement;
    targetRef?: ModdleElement;
    conditionExpression?: ModdleElement;
    /** bpmn:ConditionalEventDefinition */
    condition?: ModdleElement;
    default?: ModdleElement;
    eventDefinitions?: ModdleElement[];
    attachedToRef?: ModdleElement;
    cancelActivity?: boolean;
    isInterrupting?: boolean;
    calledElement?: string;
    messageRef?: ModdleElement;
    errorRef?: ModdleElement;
    escalationRef?: ModdleElement;
    signalRef?: ModdleElement;
    timeDate?: ModdleElement;
    timeDuration?: ModdleElement;
    timeCycle?: ModdleElement;
    /** bpmn:ScriptTask: the script text; camunda:ExecutionListener: a camunda:Script element. */
    script?: string | ModdleElement;
    scriptFormat?: string;
    implementation?: string;
    loopCharacteristics?: ModdleElement;
    isSequential?: boolean;
    loopCardinality?: ModdleElement;
    inputCollection?: string;
    inputElement?: string;
    outputCollection?: string;
    outputElement?: string;
    collection?: string;
    elementVariable?: string;
    completionCondition?: ModdleElement;
    errorCode?: string;

    // zeebe: (zeebe-bpmn-moddle) and camunda: (camunda-bpmn-moddle) extensions
    type?: string;
    retries?: string;
    processId?: string;
    processIdExpression?: string;
    bindingType?: string;
    versionTag?: string;
    propagateAllChildVariables?: boolean;
    propagateAllParentVariables?: boolean;
    candidateGroups?: string;
    candidateUsers?: string;
    assignee?: string;
    formKey?: string;
    formId?: string;
    decisionId?: string;
    resultVariable?: string;
    correlationKey?: string;
    inputParameters?: ModdleElement[];
    /** camunda:Connector: its camunda:InputOutput. */
    inputOutput?: ModdleElement;
    outputParameters?: ModdleElement[];
    source?: string;
    target?: string;
    properties?: ModdleElement[];
    key?: string;
    value?: string;
    fields?: ModdleElement[];
    topic?: string;
    resource?: string;
    connectorId?: string;
    /** camunda:InputParameter / OutputParameter: a nested camunda:Script, list or map. */
    definition?: ModdleElement;
    /** camunda:Map: its camunda:Entry elements (each with a `definition`); camunda:List: its items. */
    entries?: ModdleElement[];
    items?: ModdleElement[];
    class?: string;
    expression?: string;
    delegateExpression?: string;
    decisionRef?: string;
    asyncBefore?: boolean;
    asyncAfter?: boolean;

    // bpmndi:
    bpmnElement?: ModdleElement;
    plane?: ModdleElement;
    planeElement?: ModdleElement[];
    bounds?: { x: number; y: number; width: number; height: number };
    waypoint?: { x: number; y: number }[];
    label?: ModdleElement;
  }

  export interface ModdleReference {
    element: ModdleElement;
    property: string;
    id: string;
  }

  export interface ModdleWarning {
    message: string;
    element?: ModdleElement;
    property?: string;
    value?: unknown;
    error?: Error;
  }

  /** What `fromXML` resolves to; moddle-context-serializer reads the same object. */
  export interface ParseResult {
    rootElement: ModdleElement;
    references: ModdleReference[];
    warnings: ModdleWarning[];
    elementsById: Record<string, ModdleElement>;
  }

  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>, options?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string, options?: Record<string, unknown>): Promise<ParseResult>;
    toXML(element: ModdleElement, options?: { format?: boolean; preamble?: boolean }): Promise<{ xml: string }>;
    create(type: string, attrs?: Record<string, unknown>): ModdleElement;
    getType(type: string): unknown;
    /** The registered packages (BPMN, DI, DC, colours and the vendor packages passed in). */
    getPackages(): { uri: string; prefix: string; name: string }[];
    ids?: unknown;
  }

}
