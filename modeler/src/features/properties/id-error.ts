import { isXmlName } from '../../../../engine/interop/id-aliases.js';

/** The moddle element whose id a field shows, as far as the field reads it. */
export interface Identified {
  id: string;
  $type: string;
  $model: { ids: { assigned(id: string): unknown } };
}

/**
 * Why `value` cannot be the id of `owner` (bpmn-js-properties-panel's words), or undefined when it can: any XML name
 * (xsd:ID; `Prüfen`, `定義_1`) the canvas has not given another element. `canvasId` is the canvas's id for `value`
 * (its alias when the file's element has one).
 */
export function idError(owner: Identified, value: string, canvasId: string): string | undefined {
  if (!value) return 'ID must not be empty.';
  const assigned = owner.$model.ids.assigned(canvasId);
  if (assigned && assigned !== owner) return 'ID must be unique.';
  if (/\s/.test(value)) return 'ID must not contain spaces.';
  if (!isXmlName(value)) {
    return value.includes(':') && isXmlName(value.slice(value.indexOf(':') + 1))
      ? 'ID must not contain prefix.'
      : 'ID must be an XML name: a letter of any script or _ first, then letters, digits, _, - or .';
  }
  return undefined;
}
