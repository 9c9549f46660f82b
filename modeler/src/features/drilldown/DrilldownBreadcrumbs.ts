import type EventBus from 'diagram-js/lib/core/EventBus';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import type Workspace from '../workspace/Workspace';
import { DOCUMENT_CHANGED, DOCUMENT_OPENED } from '../workspace/Workspace';
import type NavigationStack from './NavigationStack';
import { NAVIGATION_CHANGED } from './NavigationStack';

/** order-to-cash › sales-order-management › credit-order-approval: each crumb leads back. */
export default class DrilldownBreadcrumbs {
  static $inject = ['eventBus', 'navigationStack', 'workspace', 'config.stratum'];

  constructor(eventBus: EventBus, navigationStack: NavigationStack, workspace: Workspace, config: StratumConfig) {
    const render = () => {
      const crumbs = navigationStack.entries.map((entry, index) => [
        el('button', {
          type: 'button', className: 'crumb', 'data-key': entry.meta.key ?? '',
          title: `Back to ${entry.meta.key}${entry.dirty ? ' (unsaved changes kept)' : ''}`,
          onclick: () => void navigationStack.back(index),
        }, entry.meta.key ?? 'untitled', entry.dirty ? ' •' : ''),
        el('span', { className: 'crumb-separator', 'aria-hidden': 'true' }, '›'),
      ]);
      const current = el('span', { className: 'crumb current', 'data-key': workspace.meta.key ?? '' }, workspace.meta.key ?? 'untitled');
      replaceChildren(config.breadcrumbs, crumbs.length ? [...crumbs.flat(), current] : []);
      config.breadcrumbs.hidden = !crumbs.length;
    };
    eventBus.on([NAVIGATION_CHANGED, DOCUMENT_OPENED, DOCUMENT_CHANGED], render);
  }
}
