// dmn-moddle and @bpmn-io/dmn-migrate (no declarations of their own) as
// engine/dmn reads DMN 1.3: one element type describing every dmn: element by
// what may be on it; which properties an element has follows from its `$type`.
declare module 'dmn-moddle' {
  export interface DmnElement {
    readonly $type: string;
    $parent?: DmnElement;
    /** Attributes no package declares, under their prefixed name (`camunda:inputVariable`). */
    $attrs?: Record<string, string>;
    id: string;
    name?: string;
    label?: string;
    /** dmn:Definitions */
    drgElement?: DmnElement[];
    /** dmn:Decision */
    informationRequirement?: DmnElement[];
    /** A decision's extension elements (Camunda 8's `zeebe:versionTag`, read as a generic element). */
    extensionElements?: { values?: { $type?: string; value?: unknown }[] };
    requiredDecision?: { href?: string };
    decisionLogic?: DmnElement;
    variable?: DmnElement;
    /** dmn:DecisionTable */
    hitPolicy?: string;
    aggregation?: string;
    input?: DmnElement[];
    output?: DmnElement[];
    rule?: DmnElement[];
    inputExpression?: DmnElement;
    outputValues?: DmnElement;
    /** dmn:OutputClause: the value when no rule matches */
    defaultOutputEntry?: DmnElement;
    inputEntry?: DmnElement[];
    outputEntry?: DmnElement[];
    /** dmn:LiteralExpression, dmn:UnaryTests */
    text?: string;
    /** dmn:LiteralExpression (an input expression), dmn:OutputClause */
    typeRef?: string;
    expressionLanguage?: string;
  }

  export interface DmnParseResult {
    rootElement?: DmnElement;
    warnings: { message: string }[];
  }

  export class DmnModdle {
    constructor(packages?: Record<string, unknown>);
    fromXML(xml: string, typeName?: string): Promise<DmnParseResult>;
  }
}

declare module '@bpmn-io/dmn-migrate' {
  /** A DMN 1.1 or 1.2 document as DMN 1.3 XML (a 1.3 document unchanged). */
  export function migrateDiagram(xml: string): Promise<string>;
}
