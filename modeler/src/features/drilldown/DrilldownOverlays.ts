import type EventBus from 'diagram-js/lib/core/EventBus';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type Overlays from 'diagram-js/lib/features/overlays/Overlays';
import type { Element } from 'diagram-js/lib/model/Types';
import { isStaticKey } from '../../bpmn/called-process';
import { el } from '../../dom/element';
import type LibraryService from '../library/LibraryService';
import { LIBRARY_CHANGED } from '../library/LibraryService';
import type StatusLine from '../shell/StatusLine';
import type DiagramIds from '../workspace/DiagramIds';
import type NavigationStack from './NavigationStack';

const OVERLAY_TYPE = 'stratum-drilldown';

/** Fired when the designer follows a call activity; other features may handle it first (return false). */
export const DRILLDOWN_REQUESTED = 'stratum.drilldown.requested';

/** A drill-down control on every call activity; following it opens the called process. */
export default class DrilldownOverlays {
  static $inject = ['eventBus', 'elementRegistry', 'overlays', 'navigationStack', 'libraryService', 'statusLine', 'diagramIds'];

  constructor(
    private readonly eventBus: EventBus,
    private readonly elementRegistry: ElementRegistry,
    private readonly overlays: Overlays,
    private readonly navigationStack: NavigationStack,
    private readonly library: LibraryService,
    private readonly statusLine: StatusLine,
    private readonly diagramIds: DiagramIds,
  ) {
    eventBus.on(['import.done', LIBRARY_CHANGED], () => this.updateAll());
    eventBus.on(DRILLDOWN_REQUESTED, (event: { key: string }) => void this.navigationStack.drillInto(event.key));
    eventBus.on('elements.changed', (event: { elements: Element[] }) => {
      for (const element of event.elements) {
        if (element.type === 'bpmn:CallActivity' && this.elementRegistry.get(element.id)) this.update(element);
      }
    });
  }

  private updateAll(): void {
    for (const element of this.elementRegistry.filter((e) => e.type === 'bpmn:CallActivity')) this.update(element as Element);
  }

  private update(element: Element): void {
    this.overlays.remove({ element, type: OVERLAY_TYPE });
    const key = this.diagramIds.calledKeyOf(element);
    if (!key || !isStaticKey(key)) return;
    // a draft opens too: it may be deployed together with its caller
    const known = !this.library.processes.length || !!this.library.find(key);
    const control = el('button', {
      type: 'button',
      className: `stratum-drilldown${known ? '' : ' unknown'}`,
      'data-called': key,
      title: known ? `Open ${key}${this.library.find(key)?.draft === 'new' ? ' (draft, not deployed yet)' : ''}` : `${key} is not in the library`,
      onclick: (event: Event) => {
        event.stopPropagation();
        if (!this.library.find(key) && this.library.processes.length) {
          this.statusLine.show(`${key} is neither deployed nor a draft in this browser, so there is nothing to open`, 'error');
          return;
        }
        this.eventBus.fire(DRILLDOWN_REQUESTED, { key, element });
      },
    }, el('span', { 'aria-hidden': 'true' }, '⤵'), el('span', { className: 'drilldown-key' }, key));
    this.overlays.add(element, OVERLAY_TYPE, { position: { bottom: 12, left: 0 }, html: control, scale: { min: 0.8, max: 1.2 } });
  }
}
