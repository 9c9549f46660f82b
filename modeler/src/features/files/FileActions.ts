import type { StratumConfig } from '../../config';
import type Dialogs from '../shell/Dialogs';
import type StatusLine from '../shell/StatusLine';
import type Toolbar from '../shell/Toolbar';
import type Workspace from '../workspace/Workspace';
import type LibraryService from '../library/LibraryService';
import { el } from '../../dom/element';
import { isValidKey, newProcessXml } from './ProcessTemplate';

interface SvgExporter {
  saveSVG(): Promise<{ svg: string }>;
}

/** New process from a template, open a .bpmn from disk, save as .bpmn or .svg. */
export default class FileActions {
  static $inject = ['toolbar', 'dialogs', 'statusLine', 'workspace', 'libraryService', 'bpmnjs', 'config.stratum'];

  private readonly picker = el('input', { type: 'file', accept: '.bpmn,.xml,application/xml,text/xml', hidden: true, 'data-file-input': 'bpmn' });

  constructor(
    toolbar: Toolbar,
    private readonly dialogs: Dialogs,
    private readonly statusLine: StatusLine,
    private readonly workspace: Workspace,
    private readonly library: LibraryService,
    private readonly bpmnjs: SvgExporter,
    config: StratumConfig,
  ) {
    config.toolbar.append(this.picker);
    this.picker.addEventListener('change', () => void this.openPicked());
    toolbar.addButton({ id: 'new', group: 'file', label: 'New…', title: 'New process from the template', action: () => this.newProcess() });
    toolbar.addButton({ id: 'open-file', group: 'file', label: 'Open…', title: 'Open a .bpmn file from disk', action: () => this.picker.click() });
    toolbar.addButton({ id: 'save-bpmn', group: 'file', label: '.bpmn', title: 'Download the diagram as BPMN 2.0 XML', action: () => this.saveBpmn() });
    toolbar.addButton({ id: 'save-svg', group: 'file', label: '.svg', title: 'Download the diagram as an image', action: () => this.saveSvg() });
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
    if (this.library.get(values.key)) {
      this.statusLine.show(`${values.key} is already in the library; open it from there to make a new version`, 'error');
      return;
    }
    await this.workspace.open(newProcessXml(values.key, values.name), {
      key: values.key, name: values.name, version: null, latestVersion: null, readOnly: false, origin: 'new',
    }, { dirty: true });
    this.statusLine.show(`New process ${values.key}: draw it, then deploy it to make version 1`, 'success');
  }

  private async openPicked(): Promise<void> {
    const file = this.picker.files?.[0];
    this.picker.value = '';
    if (!file) return;
    try {
      const warnings = await this.workspace.open(await file.arrayBuffer(), {
        key: null, name: null, version: null, latestVersion: null, readOnly: false, origin: 'file', fileName: file.name,
      }, { dirty: true });
      const key = this.workspace.meta.key;
      const known = key ? this.library.get(key) : undefined;
      if (known) {
        this.workspace.meta = { ...this.workspace.meta, version: known.latestVersion, latestVersion: known.latestVersion };
      }
      this.statusLine.show(`Opened ${file.name}${known ? ` (library process ${key}, deploying makes version ${known.latestVersion + 1})` : ''}${warnings.length ? `; kept as is: ${warnings.slice(0, 3).join('; ')}` : ''}`, 'success');
    } catch (error) {
      this.statusLine.error(error, `Opening ${file.name}`);
    }
  }

  private async saveBpmn(): Promise<void> {
    try {
      const xml = await this.workspace.xml();
      download(`${this.baseName()}.bpmn`, xml, 'application/xml');
    } catch (error) {
      this.statusLine.error(error, 'Saving the .bpmn file');
    }
  }

  private async saveSvg(): Promise<void> {
    try {
      const { svg } = await this.bpmnjs.saveSVG();
      download(`${this.baseName()}.svg`, svg, 'image/svg+xml');
    } catch (error) {
      this.statusLine.error(error, 'Saving the .svg file');
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
