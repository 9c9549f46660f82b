import type EventBus from 'diagram-js/lib/core/EventBus';
import { el, replaceChildren } from '../../dom/element';
import type SidePanel from '../shell/SidePanel';
import type StatusLine from '../shell/StatusLine';
import type Workspace from '../workspace/Workspace';
import type LeaveGuard from '../workspace/LeaveGuard';
import { DOCUMENT_OPENED } from '../workspace/Workspace';
import type LibraryService from './LibraryService';
import { LIBRARY_CHANGED } from './LibraryService';
import type { LibraryEntry } from './library-entries';
import { isNotCalled, libraryTree } from './library-tree';
import type { StratumConfig } from '../../config';

const NOT_CALLED_HEADING = 'Not called any more';
const NOT_CALLED_TITLE = 'A process called it before, no latest version calls it now: only orders that started before the change run it, and it never starts on its own';

/**
 * The library as a tree: level-1 processes at the top, each with the processes it calls
 * beneath it, then the processes no latest version calls any more (with the orders still running
 * inside them). A search shows the matching processes by level instead. Drafts of this browser
 * are part of it: a new process (marked draft) sits under the process that calls it.
 */
export default class LibraryPanel {
  static $inject = ['sidePanel', 'libraryService', 'workspace', 'eventBus', 'statusLine', 'leaveGuard', 'config.stratum'];

  private readonly sidePanel: SidePanel;

  private readonly search = el('input', {
    type: 'search', className: 'library-search', placeholder: 'Search processes…', 'aria-label': 'Search processes',
  });
  private readonly tree = el('div', { className: 'library-tree', role: 'tree' });
  /** The running orders inside each process not called any more, as the server counted them at the last library change. */
  private runningInside = new Map<string, number>();

  constructor(
    sidePanel: SidePanel,
    private readonly library: LibraryService,
    private readonly workspace: Workspace,
    eventBus: EventBus,
    private readonly statusLine: StatusLine,
    private readonly leaveGuard: LeaveGuard,
    private readonly config: StratumConfig,
  ) {
    this.sidePanel = sidePanel;
    const pane = sidePanel.addTab('library', 'Library');
    const refresh = el('button', { type: 'button', className: 'link-button', title: 'Reload the library', onclick: () => void library.refresh() }, 'Refresh');
    pane.append(el('div', { className: 'pane-header' }, this.search, refresh), this.tree);
    this.search.addEventListener('input', () => this.render());
    eventBus.on([LIBRARY_CHANGED, DOCUMENT_OPENED], () => this.render());
    eventBus.on(LIBRARY_CHANGED, () => void this.countRunningInside());
  }

  /** GET /api/instances?processKey=…&status=running (its total) for each process not called any more: few, and only on a library change. */
  private async countRunningInside(): Promise<void> {
    const keys = this.library.entries.filter(isNotCalled).map((entry) => entry.key);
    const counts = new Map<string, number>();
    await Promise.all(keys.map(async (key) => {
      try {
        counts.set(key, (await this.config.api.listInstances({ processKey: key, status: 'running', limit: 1 })).total);
      } catch {
        // the row shows no count; the next library change asks again
      }
    }));
    this.runningInside = counts;
    if (keys.length) this.render();
  }

  /** Opens the latest version (or the unsaved draft) of a library process. */
  async open(key: string): Promise<void> {
    if (!(await this.leaveGuard.mayLeave(key))) return;
    try {
      await this.workspace.openLatest(key);
    } catch (error) {
      this.statusLine.error(error, `Opening ${key}`);
    }
  }

  private render(): void {
    const processes = this.library.entries;
    if (!processes.length) {
      replaceChildren(this.tree, el('p', { className: 'empty' }, 'No processes deployed yet. Create one with "New…" or open a .bpmn file.'));
      return;
    }
    const term = this.search.value.trim().toLowerCase();
    if (term) {
      const matches = processes.filter((p) => p.key.toLowerCase().includes(term) || (p.name ?? '').toLowerCase().includes(term));
      const leveled = matches.filter((p) => !isNotCalled(p));
      const levels = [...new Set(leveled.map((p) => p.level))].sort((a, b) => a - b);
      const notCalled = matches.filter(isNotCalled);
      replaceChildren(this.tree, matches.length
        ? [
          ...levels.map((level) => el('div', { className: 'library-level' },
            el('div', { className: 'level-heading' }, `Level ${level}`),
            leveled.filter((p) => p.level === level).map((p) => this.row(p, 0)))),
          notCalled.length ? this.notCalledGroup(notCalled.map((p) => this.row(p, 0))) : null,
        ]
        : el('p', { className: 'empty' }, `No process matches "${this.search.value}".`));
      return;
    }
    const { valueChains, notCalled, unreachable } = libraryTree(processes);
    replaceChildren(this.tree,
      valueChains.map(({ entry, depth }) => this.row(entry, depth)),
      notCalled.length ? this.notCalledGroup(notCalled.map(({ entry, depth }) => this.row(entry, depth))) : null,
      unreachable.map((p) => this.row(p, 0)));
  }

  private notCalledGroup(rows: HTMLElement[]): HTMLElement {
    return el('div', { className: 'library-level not-called', 'data-group': 'not-called' },
      el('div', { className: 'level-heading', title: NOT_CALLED_TITLE }, NOT_CALLED_HEADING), rows);
  }

  private row(process: LibraryEntry, depth: number): HTMLElement {
    const current = this.workspace.meta.key === process.key;
    const draft = process.draft ?? (this.workspace.hasDraft(process.key) ? 'edited' : null);
    const draftTitle = draft === 'new'
      ? 'New process, not deployed yet: kept in this browser until you deploy it'
      : 'Edits not deployed yet, kept in this browser';
    return el('div', {
      className: `library-item${current ? ' current' : ''}${draft === 'new' ? ' new-draft' : ''}`,
      role: 'treeitem',
      'data-key': process.key,
      ...(draft && { 'data-draft': draft }),
      style: `--depth: ${depth}`,
    },
    el('button', {
      type: 'button', className: 'library-open', title: draft === 'new' ? `Open the draft of ${process.key}` : `Open the latest version of ${process.key}`,
      onclick: () => void this.open(process.key),
    },
    isNotCalled(process)
      ? el('span', { className: 'level-badge not-called', title: NOT_CALLED_TITLE }, 'not called')
      : el('span', { className: 'level-badge', title: `Level ${process.level}` }, `L${process.level}`),
    el('span', { className: 'library-name', title: process.name || process.key }, process.name || process.key),
    draft ? el('span', { className: 'draft-badge', title: draftTitle }, 'draft') : null),
    process.latestVersion === null
      ? el('span', { className: 'version-badge not-deployed', title: 'Not deployed yet' }, 'new')
      : el('button', {
        type: 'button', className: 'version-badge', title: `Latest version; show all versions of ${process.key}`,
        'data-action': 'versions',
        // open() reports its own failures on the status line
        onclick: () => void this.open(process.key).then(() => this.sidePanel.show('history')),
      }, `v${process.latestVersion}`),
    el('div', { className: 'library-meta' },
      el('span', { className: 'library-key' }, process.key),
      process.calledBy.length ? el('span', { className: 'where-used', title: 'Called by' }, `used by ${process.calledBy.join(', ')}`) : null,
      isNotCalled(process) ? el('span', { className: 'running-inside', 'data-running': this.runningInside.get(process.key) ?? '' }, runningInsideText(this.runningInside.get(process.key))) : null));
  }
}

// helpers

function runningInsideText(count: number | undefined): string {
  if (count === undefined) return 'no latest version calls it';
  if (count === 0) return 'no latest version calls it; no orders run inside it';
  return `no latest version calls it; ${count} running order${count === 1 ? '' : 's'} inside it`;
}
