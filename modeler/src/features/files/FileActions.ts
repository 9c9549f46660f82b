import type { StratumConfig } from '../../config';
import type Dialogs from '../shell/Dialogs';
import type StatusLine from '../shell/StatusLine';
import type Toolbar from '../shell/Toolbar';
import type Workspace from '../workspace/Workspace';
import type LibraryService from '../library/LibraryService';
import type DraftStore from '../workspace/DraftStore';
import type LeaveGuard from '../workspace/LeaveGuard';
import { el } from '../../dom/element';
import { isValidKey, newProcessXml } from './ProcessTemplate';
import { notBpmnFile, notBpmnSentence } from './file-kind';
import { openedFileOutcome, versionOutcome } from '../deploy/version-outcome';

interface SvgExporter {
  saveSVG(): Promise<{ svg: string }>;
}

/**
 * New process from a template, open a .bpmn from disk, save it, export .svg. A file opens
 * clean, Save writes it under its own name and clears the unsaved mark, and another file
 * never replaces unsaved edits without asking (as in Camunda Modeler).
 */
export default class FileActions {
  static $inject = ['toolbar', 'dialogs', 'statusLine', 'workspace', 'libraryService', 'bpmnjs', 'config.stratum', 'draftStore', 'leaveGuard'];

  private readonly picker = el('input', { type: 'file', accept: '.bpmn,.xml,application/xml,text/xml', hidden: true, 'data-file-input': 'bpmn' });

  constructor(
    toolbar: Toolbar,
    private readonly dialogs: Dialogs,
    private readonly statusLine: StatusLine,
    private readonly workspace: Workspace,
    private readonly library: LibraryService,
    private readonly bpmnjs: SvgExporter,
    private readonly config: StratumConfig,
    private readonly drafts: DraftStore,
    private readonly leaveGuard: LeaveGuard,
  ) {
    config.toolbar.append(this.picker);
    this.picker.addEventListener('change', () => void this.openPicked());
    leaveGuard.setSave(() => this.saveBpmn());
    toolbar.addButton({ id: 'new', group: 'file', label: 'New…', title: 'New process from the template', action: () => this.newProcess() });
    toolbar.addButton({ id: 'open-file', group: 'file', label: 'Open…', title: 'Open a .bpmn file from disk', action: () => this.picker.click() });
    toolbar.addButton({ id: 'save-bpmn', group: 'file', label: 'Save', title: 'Save the diagram as a BPMN 2.0 file (under its own file name)', action: async () => { await this.saveBpmn(); } });
    toolbar.addButton({ id: 'save-svg', group: 'file', label: 'Export SVG', title: 'Export the diagram as an SVG image', action: () => this.saveSvg() });
  }

  async newProcess(): Promise<void> {
    const values = await this.dialogs.form({
      id: 'new-process',
      title: 'New process',
      fields: [
        { name: 'key', label: 'Process key (id)', required: true, placeholder: 'e.g. returns-handling', hint: 'Letters, digits, "-", "_" and "."; the key other processes call it by.' },
        { name: 'name', label: 'Name', required: true, placeholder: 'e.g. Returns handling' },
      ],
      submitLabel: 'Create',
    });
    if (!values) return;
    if (!isValidKey(values.key)) {
      this.statusLine.show(`"${values.key}" is not a valid process key: start with a letter, then letters, digits, "-", "_" or "."`, 'error');
      return;
    }
    // a key deployed from elsewhere since the library was loaded is taken too
    await this.library.refresh();
    // an existing process or draft is offered, never replaced by a blank one
    const existing = this.existing(values.key);
    if (existing) {
      const answer = await this.dialogs.form({
        id: 'key-taken', title: `${values.key} already exists`, intro: existing, fields: [], submitLabel: `Open ${values.key}`,
      });
      if (answer && (await this.leaveGuard.mayLeave(values.key))) {
        await this.workspace.openLatest(values.key).catch((error) => this.statusLine.error(error, `Opening ${values.key}`));
      }
      return;
    }
    if (!(await this.leaveGuard.mayLeave(values.key))) return;
    await this.workspace.open(newProcessXml(values.key, values.name), {
      key: values.key, name: values.name, version: null, latestVersion: null, readOnly: false, origin: 'new',
    }, { dirty: true });
    // a draft from the start: it is in the library, and survives a reload
    await this.workspace.keepDraft();
    this.statusLine.show(`New process ${values.key}: a draft in this browser; draw it, then deploy it to make version 1`, 'success');
  }

  /** Why a key cannot start a new process, or null when it is free. */
  private existing(key: string): string | null {
    const draft = this.drafts.get(key);
    if (draft) {
      const deployed = draft.meta.version !== null ? `edits of version ${draft.meta.version}` : 'a new process, not deployed yet';
      return `This browser keeps a draft of ${key} (${deployed}, last changed ${new Date(draft.savedAt).toLocaleString()}). Open it to go on with it; a new process would replace it.`;
    }
    if (this.workspace.meta.key === key && !this.workspace.meta.readOnly) return `${key} is open on the canvas.`;
    if (this.library.get(key)) return `${key} is in the library (version ${this.library.get(key)!.latestVersion}). Open it to make a new version.`;
    return null;
  }

  private async openPicked(): Promise<void> {
    const file = this.picker.files?.[0];
    this.picker.value = '';
    if (!file) return;
    // what is no BPMN diagram is said so before anything else happens: the diagram on the canvas stays as it is
    const bytes = await file.arrayBuffer();
    const notBpmn = notBpmnFile(new Uint8Array(bytes));
    if (notBpmn) return this.statusLine.show(notBpmnSentence(file.name, notBpmn), 'error');
    if (!(await this.leaveGuard.mayLeave(file.name))) return;
    // the file is compared with the latest version as the server has it now, not as this browser last loaded it
    // (another designer or a CI pipeline may have deployed since); the list loads while the file opens
    const libraryLoaded = this.library.refresh();
    try {
      // a file as read is not an unsaved change
      const warnings = await this.workspace.open(bytes, {
        key: null, name: null, version: null, latestVersion: null, readOnly: false, origin: 'file', fileName: file.name,
      });
      await libraryLoaded;
      const key = this.workspace.meta.key;
      const known = key ? this.library.get(key) : undefined;
      if (known) {
        this.workspace.meta = { ...this.workspace.meta, version: known.latestVersion, latestVersion: known.latestVersion };
      }
      const opened = this.workspace.meta;
      const outcome = key && known ? await this.deployOutcome(key, known.latestVersion) : null;
      // another document opened while the deployed version was read: the line would not concern it
      if (this.workspace.meta !== opened) return;
      this.statusLine.show(`Opened ${file.name}${outcome ? ` (${outcome})` : ''}${warnings.length ? `; kept as is: ${warnings.slice(0, 3).join('; ')}` : ''}`, 'success');
    } catch (error) {
      this.statusLine.error(error, `Opening ${file.name}`);
    }
  }

  /**
   * What deploying the opened file does to its process's versions: the XML Deploy… would send (the file as read, kept
   * losslessly) compared byte for byte with the latest deployed version, as the server compares it.
   */
  private async deployOutcome(key: string, latestVersion: number): Promise<string> {
    try {
      const [xml, latestXml] = await Promise.all([this.workspace.xml(), this.config.api.getVersionXml(key, latestVersion)]);
      return openedFileOutcome(key, versionOutcome({ key, latestVersion, xml }, latestXml));
    } catch (error) {
      return `library process ${key}, version ${latestVersion} deployed; comparing the file with it failed: ${(error as Error).message}`;
    }
  }

  /** Writes the diagram under the file's own name (or the process key's); true when saved. */
  private async saveBpmn(): Promise<boolean> {
    const fileName = this.workspace.meta.fileName ?? `${this.baseName()}.bpmn`;
    try {
      download(fileName, await this.workspace.xml(), 'application/xml');
    } catch (error) {
      this.statusLine.error(error, `Saving ${fileName}`);
      return false;
    }
    if (this.workspace.meta.origin === 'file') {
      this.workspace.markSaved(fileName);
      this.statusLine.show(`Saved ${fileName}`, 'success');
    } else {
      this.statusLine.show(`Saved ${fileName}${this.workspace.dirty ? '; the draft stays in the library until you deploy or revert it' : ''}`, 'success');
    }
    return true;
  }

  private async saveSvg(): Promise<void> {
    try {
      const { svg } = await this.bpmnjs.saveSVG();
      const { fileName } = this.workspace.meta;
      download(fileName ? fileName.replace(/\.(bpmn|xml)$/i, '') + '.svg' : `${this.baseName()}.svg`, svg, 'image/svg+xml');
    } catch (error) {
      this.statusLine.error(error, 'Exporting the .svg image');
    }
  }

  private baseName(): string {
    const { key, version, readOnly } = this.workspace.meta;
    return `${key ?? 'diagram'}${readOnly && version !== null ? `-v${version}` : ''}`;
  }
}

// helpers

function download(fileName: string, content: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = el('a', { href: url, download: fileName, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
