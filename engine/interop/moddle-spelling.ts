// bpmn-moddle writes a few single-valued child elements under the name of
// their type instead of the name the BPMN 2.0 schema gives them, e.g.
// `<formalExpression>` for a correlation property's `<messagePath>`. Its
// serialisations are respelled with the schema's names before edits are
// merged, so an edited `<messagePath>` is found in the file (not added beside
// it) and a new one is written as the schema asks. Browser-safe.
import { BPMN_MODEL_NS } from './namespaces.js';
import { childElements, elementName, splitName, type XmlDocument, type XmlElement } from './xml-tree.js';

/**
 * Parent element → { name moddle writes → name in the schema }. These are the
 * single-valued containment properties of bpmn-moddle's `bpmn.json` without an
 * `xml.serialize` rule whose type name is not the property's name
 * (test/interop/moddle-spelling.test.ts derives the list from bpmn.json).
 */
export const MODDLE_SPELLINGS: Record<string, Record<string, string>> = {
  correlationPropertyRetrievalExpression: { formalExpression: 'messagePath' },
  correlationPropertyBinding: { formalExpression: 'dataPath' },
  complexBehaviorDefinition: { formalExpression: 'condition', implicitThrowEvent: 'event' },
};

function respell(element: XmlElement): void {
  const parent = elementName(element);
  const spellings = parent.uri === BPMN_MODEL_NS ? MODDLE_SPELLINGS[parent.local] : undefined;
  for (const child of childElements(element)) {
    if (spellings) {
      const name = elementName(child);
      const schemaName = name.uri === BPMN_MODEL_NS ? spellings[name.local] : undefined;
      if (schemaName) {
        const { prefix } = splitName(child.name);
        child.name = prefix ? `${prefix}:${schemaName}` : schemaName;
      }
    }
    respell(child);
  }
}

/** Renames, in place, the elements of a moddle (or bpmn-js) serialisation that moddle spells by type. */
export function withSchemaSpelling(document: XmlDocument): XmlDocument {
  respell(document.root);
  return document;
}
