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

/**
 * The library as a tree: level-1 processes at the top, each with the processes it calls
 * beneath it. A search shows the matching processes by level instead. Drafts of this browser
 * are part of it: a new process (marked draft) sits under the process that calls it.
 */
export default class LibraryPanel {
  static $inject = ['sidePanel', 'libraryService', 'workspace', 'eventBus', 'statusLine', 'leaveGuard'];

  private readonly sidePanel: SidePanel;

  private readonly search = el('input', {
    type: 'search', className: 'library-search', placeholder: 'Search processes…', 'aria-label': 'Search processes',
  });
  private readonly tree = el('div', { className: 'library-tree', role: 'tree' });

  constructor(
    sidePanel: SidePanel,
    private readonly library: LibraryService,
    private readonly workspace: Workspace,
    eventBus: EventBus,
    private readonly statusLine: StatusLine,
    private readonly leaveGuard: LeaveGuard,
  ) {
    this.sidePanel = sidePanel;
    const pane = sidePanel.addTab('library', 'Library');
    const refresh = el('button', { type: 'button', className: 'link-button', title: 'Reload the library', onclick: () => void library.refresh() }, 'Refresh');
    pane.append(el('div', { className: 'pane-header' }, this.search, refresh), this.tree);
    this.search.addEventListener('input', () => this.render());
    eventBus.on([LIBRARY_CHANGED, DOCUMENT_OPENED], () => this.render());
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
      const levels = [...new Set(matches.map((p) => p.level))].sort((a, b) => a - b);
      replaceChildren(this.tree, matches.length
        ? levels.map((level) => el('div', { className: 'library-level' },
          el('div', { className: 'level-heading' }, `Level ${level}`),
          matches.filter((p) => p.level === level).map((p) => this.row(p, 0))))
        : el('p', { className: 'empty' }, `No process matches "${this.search.value}".`));
      return;
    }
    const byKey = new Map(processes.map((p) => [p.key, p]));
    const shown = new Set<string>();
    const branch = (process: LibraryEntry, depth: number, path: string[]): HTMLElement[] => {
      shown.add(process.key);
      const rows = [this.row(process, depth)];
      for (const callee of process.calls) {
        const child = byKey.get(callee);
        if (child && !path.includes(callee)) rows.push(...branch(child, depth + 1, [...path, callee]));
      }
      return rows;
    };
    const roots = processes.filter((p) => p.level === 1);
    const rows = roots.flatMap((root) => branch(root, 0, [root.key]));
    const unreachable = processes.filter((p) => !shown.has(p.key));
    replaceChildren(this.tree, rows, unreachable.map((p) => this.row(p, 0)));
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
    el('span', { className: 'level-badge', title: `Level ${process.level}` }, `L${process.level}`),
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
      process.calledBy.length ? el('span', { className: 'where-used', title: 'Called by' }, `used by ${process.calledBy.join(', ')}`) : null));
  }
}
