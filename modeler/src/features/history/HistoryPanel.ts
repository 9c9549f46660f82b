import type EventBus from 'diagram-js/lib/core/EventBus';
import type { ProcessDetail } from '../../api/client';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import type DiffView from '../diff/DiffView';
import { LIBRARY_CHANGED } from '../library/LibraryService';
import type SidePanel from '../shell/SidePanel';
import type LibraryService from '../library/LibraryService';
import type StatusLine from '../shell/StatusLine';
import type Workspace from '../workspace/Workspace';
import type RestoreVersion from './RestoreVersion';
import { DOCUMENT_DEPLOYED, DOCUMENT_OPENED, type DocumentOpened } from '../workspace/Workspace';

/** The versions of the open process: note, author, date; open any of them, compare two, or restore an older one. */
export default class HistoryPanel {
  static $inject = ['sidePanel', 'workspace', 'diffView', 'config.stratum', 'eventBus', 'statusLine', 'libraryService', 'restoreVersion'];

  private readonly pane: HTMLElement;
  private readonly list = el('div', { className: 'history-list' });
  private detail: ProcessDetail | null = null;
  private loadedKey: string | null = null;
  /** Counts reads and hand-overs: a read answered after a newer one began, or after a hand-over, is dropped. */
  private reads = 0;

  constructor(
    private readonly sidePanel: SidePanel,
    private readonly workspace: Workspace,
    private readonly diffView: DiffView,
    private readonly config: StratumConfig,
    eventBus: EventBus,
    private readonly statusLine: StatusLine,
    private readonly library: LibraryService,
    private readonly restoreVersion: RestoreVersion,
  ) {
    this.pane = sidePanel.addTab('history', 'History');
    this.pane.append(this.list, diffView.summary);
    eventBus.on(DOCUMENT_OPENED, ({ detail }: DocumentOpened) => {
      // the opener read the process to open it (the latest version, an instance's …): its versions, not read again
      if (detail && detail.key === workspace.meta.key) this.show(detail);
      else if (workspace.meta.key !== this.loadedKey) void this.load();
      else this.render();
    });
    // the open version is marked; a deployment that changed nothing makes no new version to load
    eventBus.on(DOCUMENT_DEPLOYED, () => this.render());
    eventBus.on(LIBRARY_CHANGED, () => void this.load());
  }

  async compare(from: number, to: number): Promise<void> {
    const key = this.detail?.key;
    if (!key) return;
    this.sidePanel.show('history');
    await this.diffView.show(key, from, to);
  }

  private show(detail: ProcessDetail): void {
    this.reads += 1;
    this.loadedKey = detail.key;
    this.detail = detail;
    this.render();
  }

  private async load(): Promise<void> {
    const read = ++this.reads;
    const key = this.workspace.meta.key;
    this.loadedKey = key;
    this.detail = null;
    let detail: ProcessDetail | null = null;
    if (key && this.library.get(key)) {
      try {
        detail = await this.config.api.getProcess(key);
      } catch (error) {
        if ((error as { status?: number }).status !== 404) this.statusLine.error(error, `Loading the history of ${key}`);
      }
    }
    if (read !== this.reads) return; // another process opened meanwhile, or its versions came with it
    this.detail = detail;
    this.render();
  }

  private render(): void {
    const detail = this.detail;
    if (!detail) {
      replaceChildren(this.list, el('p', { className: 'empty' },
        this.workspace.meta.key ? `${this.workspace.meta.key} has not been deployed yet.` : 'Open a process to see its versions.'));
      return;
    }
    const versions = [...detail.versions].sort((a, b) => b.version - a.version);
    const numbers = versions.map((v) => ({ value: String(v.version), label: `v${v.version}` }));
    const from = el('select', { 'aria-label': 'Compare from version', 'data-compare': 'from' }, numbers.map((o) => el('option', { value: o.value }, o.label)));
    const to = el('select', { 'aria-label': 'Compare to version', 'data-compare': 'to' }, numbers.map((o) => el('option', { value: o.value }, o.label)));
    to.value = String(versions[0]?.version ?? '');
    from.value = String(versions[1]?.version ?? versions[0]?.version ?? '');
    const shown = this.workspace.meta.key === detail.key ? this.workspace.meta.version : null;

    replaceChildren(this.list,
      el('div', { className: 'pane-header' }, el('strong', {}, detail.name || detail.key), el('span', { className: 'library-key' }, detail.key)),
      versions.length > 1
        ? el('div', { className: 'compare-row' }, 'Compare ', from, ' with ', to,
          el('button', { type: 'button', 'data-action': 'compare', onclick: () => void this.compare(Number(from.value), Number(to.value)) }, 'Show changes'))
        : null,
      el('ol', { className: 'versions' }, versions.map((version) => el('li', {
        className: `version${shown === version.version ? ' current' : ''}`, 'data-version': version.version,
      },
      el('div', { className: 'version-line' },
        el('strong', {}, `v${version.version}`),
        version.version === detail.latestVersion ? el('span', { className: 'badge' }, 'latest') : null,
        el('span', { className: 'version-author' }, version.deployedBy),
        el('time', { datetime: version.deployedAt }, formatDate(version.deployedAt))),
      el('div', { className: 'version-note' }, version.note || '(no note)'),
      el('div', { className: 'version-actions' },
        el('button', {
          type: 'button', className: 'link-button', 'data-action': 'open-version',
          onclick: () => void this.workspace.openVersion(detail.key, version.version).catch((e) => this.statusLine.error(e, 'Opening the version')),
        }, version.version === detail.latestVersion ? 'Open' : 'Open read-only'),
        version.version !== detail.latestVersion
          ? el('button', {
            type: 'button', className: 'link-button', 'data-action': 'restore-version',
            title: `Make v${version.version}'s diagram the draft of ${detail.key}; "Deploy…" then makes it version ${detail.latestVersion + 1}`,
            onclick: () => void this.restoreVersion.restore(detail.key, version.version).catch((e) => this.statusLine.error(e, `Restoring v${version.version}`)),
          }, 'Restore as draft')
          : null,
        version.version > 1
          ? el('button', {
            type: 'button', className: 'link-button', 'data-action': 'diff-previous',
            onclick: () => void this.compare(version.version - 1, version.version),
          }, `Changes since v${version.version - 1}`)
          : null)))));
  }
}

// helpers

function formatDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
