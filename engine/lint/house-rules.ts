// Stratum's own stricter modelling ("house rules"): every user task names its
// candidate groups, every deciding gateway has a default flow or
// recognisably exhaustive conditions, and a user task before a deciding
// gateway declares the decision the gateway reads. They are errors for the shipped order
// library and warnings for diagrams from other tools, which run as Camunda runs
// them (an unassigned task goes to the default task group, a gateway whose
// conditions all fail raises an incident).
//
// A document follows the house rules when
//   - it is in the order library's namespace (targetNamespace below: every
//     diagram in diagrams/ and every diagram saved from it keeps it),
//   - one of its processes takes orders (zeebe:property takesOrders), or
//   - one of its processes replaces a deployed process that followed them
//     (rule config `libraryProcessKeys`), so a library process cannot be made
//     laxer by deploying a foreign file under its key;
// or when the run asks for it (rule config `houseRules: true`). Browser-safe.
import type { ModdleElement } from 'bpmn-moddle';
import { propertyOf, TAKES_ORDERS_PROPERTY } from '../bpmn/process-model.js';

/** The targetNamespace of the shipped order library (diagrams/*.bpmn). */
export const LIBRARY_NAMESPACE = 'http://stratum.example/bpmn/order-library';

export interface HouseRulesConfig {
  /** Every document follows the house rules. */
  houseRules?: boolean;
  /** Keys of deployed processes that followed them. */
  libraryProcessKeys?: string[];
}


/** Whether the house rules apply to the document `node` belongs to. */
export function followsHouseRules(node: ModdleElement, config: HouseRulesConfig | undefined): boolean {
  if (config?.houseRules === true) return true;
  const definitions = ancestor(node, 'bpmn:Definitions');
  if (definitions?.targetNamespace === LIBRARY_NAMESPACE) return true;
  const processes = (definitions?.rootElements ?? []).filter((element) => element.$type === 'bpmn:Process');
  const keys = new Set(Array.isArray(config?.libraryProcessKeys) ? config.libraryProcessKeys : []);
  return processes.some((process) => keys.has(process.id ?? '') || propertyOf(process, TAKES_ORDERS_PROPERTY)?.trim() === 'true');
}

/** Whether deployed XML followed the house rules on its own (namespace or order entry), for `libraryProcessKeys`. */
export function xmlFollowsHouseRules(xml: string): boolean {
  return xml.includes(`targetNamespace="${LIBRARY_NAMESPACE}"`) || /name="takesOrders"\s+value="true"/.test(xml);
}

// helpers

function ancestor(node: ModdleElement, type: string): ModdleElement | undefined {
  let current: ModdleElement | undefined = node;
  while (current && current.$type !== type) current = current.$parent;
  return current;
}
