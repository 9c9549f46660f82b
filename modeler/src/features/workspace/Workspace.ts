import type EventBus from 'diagram-js/lib/core/EventBus';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type CommandStack from 'diagram-js/lib/command/CommandStack';
import type { Injector } from 'didi';
import type { StratumConfig } from '../../config';
import type StatusLine from '../shell/StatusLine';
import type DraftStore from './DraftStore';
import type { DocumentMeta } from './document-meta';
import { completeFlowReferences } from '../../../../engine/bpmn/flow-references.js';
import { whenIdleAfterPaint } from '../../dom/after-paint';
import { businessObjectOf, type ModdleElement } from '../../bpmn/moddle-element';
import { exportBpmn, importBpmn, setBaseline } from '../../../../engine/interop/index.js';
import type { BpmnDocument } from '../../../../engine/interop/index.js';

export interface DocumentSnapshot {
  meta: DocumentMeta;
  xml: string;
  dirty: boolean;
  viewbox: { x: number; y: number; width: number; height: number } | null;
}

interface Viewer {
  importXML(xml: string): Promise<{ warnings: unknown[] }>;
  saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
}

export const DOCUMENT_OPENED = 'stratum.document.opened';
const BEFORE_EVERYTHING = 100_000;
export const DOCUMENT_CHANGED = 'stratum.document.changed';

/**
 * The document on the canvas and what it is: which process, which version, editable or not,
 * and whether it has unsaved edits. Unsaved edits of a library process are kept as a draft
 * when another document is opened, and come back when the process is opened again.
 */
export default class Workspace {
  static $inject = ['bpmnjs', 'eventBus', 'canvas', 'commandStack', 'injector', 'config.stratum', 'statusLine', 'draftStore'];

  meta: DocumentMeta = emptyMeta();
  /** The file as read, kept losslessly by the interop pipeline; saving merges the canvas's edits onto it. */
  private document: BpmnDocument | null = null;
  private dirtyFromDraft = false;
  /** Resolves once the document's baseline is set (see captureBaselineAfterPaint). */
  private baseline: (() => Promise<void>) | undefined;
  private autosave: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly bpmnjs: Viewer,
    private readonly eventBus: EventBus,
    private readonly canvas: Canvas,
    private readonly commandStack: CommandStack,
    private readonly injector: Injector,
    private readonly config: StratumConfig,
    private readonly statusLine: StatusLine,
    private readonly drafts: DraftStore,
  ) {
    // Files of some tools omit <incoming>/<outgoing>; bpmn-js's modeling and the
    // lint rules rely on them, and the server fills them in the same way.
    eventBus.on('import.parse.complete', ({ definitions }: { definitions?: Parameters<typeof completeFlowReferences>[0] }) => {
      if (definitions) completeFlowReferences(definitions);
    });
    eventBus.on('commandStack.changed', () => {
      eventBus.fire(DOCUMENT_CHANGED, { meta: this.meta });
      clearTimeout(this.autosave);
      this.autosave = setTimeout(() => void this.keepDraft(), 1000);
    });
    // edits of the last second are not in the draft store yet
    window.addEventListener('beforeunload', (event) => {
      if (this.autosave !== undefined && this.dirty && !this.meta.readOnly) event.preventDefault();
    });
  }

  get api() {
    return this.config.api;
  }

  /** Unsaved edits: commands on the stack, or a restored draft. */
  get dirty(): boolean {
    return this.dirtyFromDraft || this.commandStack.canUndo();
  }

  hasDraft(key: string): boolean {
    return this.drafts.has(key);
  }

  /** Opens BPMN text or file bytes; what bpmn-js does not understand is kept for saving and deploying. */
  async open(source: string | ArrayBuffer, meta: DocumentMeta, options: { dirty?: boolean; viewbox?: DocumentSnapshot['viewbox'] } = {}): Promise<string[]> {
    this.leaveSimulation();
    await this.keepDraft();
    const document = await importBpmn(source, { readModel: false });
    const { warnings } = await this.bpmnjs.importXML(document.xmlForModdle);
    this.baseline = this.captureBaselineAfterPaint(document);
    this.document = document;
    const root = businessObjectOf(this.canvas.getRootElement());
    const process = root?.$type === 'bpmn:Collaboration' ? (root.participants as { processRef?: ModdleElement }[] | undefined)?.[0]?.processRef : root;
    this.meta = { ...meta, key: meta.key ?? process?.id ?? null, name: meta.name ?? process?.name ?? null };
    this.dirtyFromDraft = !!options.dirty;
    if (options.viewbox) this.canvas.viewbox(options.viewbox);
    else this.fitDiagram();
    if (warnings.length) this.statusLine.show(`Opened with ${warnings.length} import warning(s)`, 'info');
    this.eventBus.fire(DOCUMENT_OPENED, { meta: this.meta });
    return [...document.warnings, ...warnings.map((warning) => (warning as Error).message ?? String(warning))];
  }

  /** Opens the latest version of a library process (or its unsaved draft). */
  async openLatest(key: string): Promise<void> {
    const draft = this.drafts.get(key);
    if (draft) {
      // someone may have deployed since the draft was started
      const latestVersion = draft.meta.version === null ? null : (await this.api.getProcess(key)).latestVersion;
      await this.open(draft.xml, { ...draft.meta, latestVersion }, { dirty: true });
      const base = draft.meta.version === null ? 'not deployed yet' : `based on v${draft.meta.version}`;
      const newer = latestVersion !== null && draft.meta.version !== null && latestVersion > draft.meta.version
        ? `; v${latestVersion} has been deployed since, and deploying the draft replaces its changes` : '';
      this.statusLine.show(`Unsaved draft of ${key} from ${new Date(draft.savedAt).toLocaleString()} (${base}${newer}); "Revert" drops it`, newer ? 'error' : 'info');
      return;
    }
    const detail = await this.api.getProcess(key);
    const xml = await this.api.getVersionXml(key, detail.latestVersion);
    await this.open(xml, {
      key, name: detail.name, version: detail.latestVersion, latestVersion: detail.latestVersion,
      readOnly: false, origin: 'library',
    });
  }

  /** Opens one version; anything but the latest opens read-only. */
  async openVersion(key: string, version: number, context?: string): Promise<void> {
    const detail = await this.api.getProcess(key);
    if (version === detail.latestVersion && !context) {
      await this.openLatest(key);
      return;
    }
    const xml = await this.api.getVersionXml(key, version);
    await this.open(xml, {
      key, name: detail.name, version, latestVersion: detail.latestVersion, readOnly: true,
      origin: context ? 'instance' : 'library', context,
    });
  }

  /** The document as .bpmn text: the canvas's edits merged onto the file as it was read. */
  async xml(): Promise<string> {
    await this.baseline?.();
    const { xml } = await this.bpmnjs.saveXML({ format: true });
    if (!xml) throw new Error('the diagram could not be serialized');
    return this.document ? exportBpmn(this.document, xml) : xml;
  }

  /**
   * Edits are measured against what bpmn-js saves right after import (it
   * changes a few things by itself). Writing the whole model takes a while on
   * a large diagram, so it happens after the diagram is painted — or at once
   * when an edit comes first: saveXML serializes synchronously when called, so
   * it captures the model as it was before that edit.
   */
  private captureBaselineAfterPaint(document: BpmnDocument): () => Promise<void> {
    let captured: Promise<void> | undefined;
    const capture = () => (captured ??= this.bpmnjs.saveXML({ format: true }).then(({ xml }) => {
      if (xml) setBaseline(document, xml);
    }));
    const beforeFirstEdit = () => {
      this.eventBus.off('commandStack.preExecute', beforeFirstEdit);
      void capture();
    };
    this.eventBus.on('commandStack.preExecute', BEFORE_EVERYTHING, beforeFirstEdit);
    whenIdleAfterPaint(() => {
      if (this.document === document) beforeFirstEdit();
      else this.eventBus.off('commandStack.preExecute', beforeFirstEdit); // another document came first
    });
    return capture;
  }

  async snapshot(): Promise<DocumentSnapshot> {
    const { x, y, width, height } = this.canvas.viewbox();
    return { meta: this.meta, xml: await this.xml(), dirty: this.dirty, viewbox: { x, y, width, height } };
  }

  async restore(snapshot: DocumentSnapshot): Promise<void> {
    await this.open(snapshot.xml, snapshot.meta, { dirty: snapshot.dirty, viewbox: snapshot.viewbox });
  }

  /** After a successful deploy the canvas shows exactly the deployed version. */
  markDeployed(version: number): void {
    if (this.meta.key) this.drafts.delete(this.meta.key);
    this.meta = { ...this.meta, version, latestVersion: version, readOnly: false, origin: 'library' };
    this.dirtyFromDraft = false;
    this.commandStack.clear();
    this.eventBus.fire(DOCUMENT_OPENED, { meta: this.meta });
  }

  /** Drops the unsaved draft of the current process and reloads its latest version. */
  async discardDraft(): Promise<void> {
    const key = this.meta.key;
    if (!key) return;
    this.drafts.delete(key);
    this.dirtyFromDraft = false;
    this.commandStack.clear();
    await this.openLatest(key);
  }

  /** Fits the diagram into the canvas (centred across, at the top), leaving room for the palette and the lint button. */
  fitDiagram(): void {
    const { inner, outer } = this.canvas.viewbox();
    if (!inner.width || !inner.height) return;
    const margin = { left: 120, top: 50, right: 30, bottom: 60 };
    const zoom = Math.min(
      (outer.width - margin.left - margin.right) / inner.width,
      (outer.height - margin.top - margin.bottom) / inner.height,
      1,
    );
    const freeWidth = outer.width - margin.left - margin.right - inner.width * zoom;
    this.canvas.viewbox({
      x: inner.x - (margin.left + Math.max(freeWidth, 0) / 2) / zoom,
      y: inner.y - margin.top / zoom,
      width: outer.width / zoom,
      height: outer.height / zoom,
    });
  }

  /** Keeps the unsaved edits of a library process as its draft; a clean document has none. */
  private async keepDraft(): Promise<void> {
    clearTimeout(this.autosave);
    this.autosave = undefined;
    const { key, readOnly } = this.meta;
    if (!key || readOnly) return;
    if (this.dirty) this.drafts.set(key, await this.xml(), this.meta);
    else this.drafts.delete(key);
  }

  private leaveSimulation(): void {
    const toggleMode = this.injector.get<{ _active?: boolean; toggleMode(active?: boolean): void } | null>('toggleMode', false);
    if (toggleMode?._active) toggleMode.toggleMode(false);
  }
}

// helpers

function emptyMeta(): DocumentMeta {
  return { key: null, name: null, version: null, latestVersion: null, readOnly: false, origin: 'new' };
}
