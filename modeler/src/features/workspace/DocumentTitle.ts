import type EventBus from 'diagram-js/lib/core/EventBus';
import type { StratumConfig } from '../../config';
import { el, replaceChildren } from '../../dom/element';
import type Workspace from './Workspace';
import { DOCUMENT_CHANGED, DOCUMENT_OPENED } from './Workspace';

/** Names the open document: process, version, read-only or unsaved. */
export default class DocumentTitle {
  static $inject = ['eventBus', 'workspace', 'config.stratum'];

  constructor(eventBus: EventBus, workspace: Workspace, config: StratumConfig) {
    const render = () => {
      const { meta, dirty } = workspace;
      const badges: HTMLElement[] = [];
      // A file from disk stays a file, before and after an edit: it may hold other bytes than the library's version
      // its process has (the status line says which), and that version is not what the file is.
      if (meta.origin === 'file') {
        badges.push(el('span', { className: 'badge' }, `file ${meta.fileName ?? ''}`.trim()));
      } else if (meta.version !== null) {
        const latest = meta.latestVersion !== null && meta.version === meta.latestVersion;
        badges.push(el('span', { className: 'badge' }, `v${meta.version}${latest ? ' (latest)' : ` of ${meta.latestVersion}`}`));
      } else {
        badges.push(el('span', { className: 'badge' }, 'not deployed'));
      }
      if (meta.readOnly) badges.push(el('span', { className: 'badge read-only', 'data-badge': 'read-only' }, 'read-only'));
      if (dirty) {
        // a file's edits are unsaved until Save; a library process's or a new process's are a draft kept in the browser
        badges.push(meta.origin === 'file'
          ? el('span', { className: 'badge dirty', 'data-badge': 'dirty', title: 'Save writes them to the file' }, 'unsaved changes')
          : el('span', { className: 'badge dirty', 'data-badge': 'dirty', title: 'Kept in this browser until you deploy or revert' }, 'draft'));
      }
      if (meta.restoredFrom !== undefined && !meta.readOnly) {
        badges.push(el('span', { className: 'badge', 'data-badge': 'restored', title: 'The diagram of an older version, as a draft: Deploy… makes it the next version' }, `restores v${meta.restoredFrom}`));
      }
      if (meta.context) badges.push(el('span', { className: 'badge context', title: meta.context }, meta.context));
      replaceChildren(config.documentTitle,
        el('strong', { className: 'document-name', title: meta.key ?? '' }, meta.name || meta.key || 'untitled'),
        meta.name && meta.key ? el('span', { className: 'document-key' }, meta.key) : null,
        badges);
    };
    eventBus.on([DOCUMENT_OPENED, DOCUMENT_CHANGED], render);
  }
}
