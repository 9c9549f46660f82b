import { el } from '../../dom/element';
import { itemLabel, type VersionComparison } from './VersionDiff';

/**
 * The semantic changes between two versions as lists: changed conditions (for a new process, its conditions),
 * added, removed and changed elements (each changed attribute old → new),
 * as the History diff lists them; the deploy dialog shows them per file.
 */
export function comparisonList(comparison: VersionComparison, onSelect?: (elementId: string) => void, { newProcess = false } = {}): HTMLElement[] {
  const label = itemLabel;
  const name = (id: string, text: string) => onSelect
    ? el('button', { type: 'button', className: 'link-button', onclick: () => onSelect(id) }, text)
    : text;
  const section = (title: string, kind: string, items: HTMLElement[]): HTMLElement | null => items.length
    ? el('div', { className: `diff-section ${kind}`, 'data-section': kind }, el('h4', {}, `${title} (${items.length})`), el('ul', {}, items))
    : null;
  return [
    // a new process's conditions are set, not changed: no "(none) →" before each
    section(conditionsHeading(newProcess), 'conditions', comparison.conditions.map((c) => el('li', { 'data-flow': c.flowId },
      el('strong', { title: `sequence flow ${c.flowId}` }, name(c.flowId, c.label)), el('br'),
      ...(newProcess ? [] : [el('code', { className: 'old' }, c.oldCondition ?? '(none)'), ' → ']),
      el('code', { className: 'new' }, c.newCondition ?? '(none)')))),
    section('Added', 'added', comparison.added.map((item) => el('li', { 'data-element': item.id }, name(item.id, label(item))))),
    section('Removed', 'removed', comparison.removed.map((item) => el('li', { 'data-element': item.id }, label(item)))),
    section('Changed', 'changed', comparison.changed.map((item) => el('li', { 'data-element': item.id }, name(item.id, label(item)),
      el('ul', {}, (item.attributes ?? []).map((a) => el('li', {}, `${a.name}: `, el('code', {}, a.oldValue), ' → ', el('code', {}, a.newValue))))))),
  ].filter((section): section is HTMLElement => section !== null);
}

/** True when nothing but the layout (or nothing at all) changed. */
export function isSemanticallyEmpty(comparison: VersionComparison): boolean {
  return !comparison.added.length && !comparison.removed.length && !comparison.changed.length && !comparison.conditions.length;
}

/** The heading of the conditions' list: changed against a version, or set on a new process's flows. */
export function conditionsHeading(newProcess: boolean): string {
  return newProcess ? 'Conditions' : 'Changed conditions';
}
