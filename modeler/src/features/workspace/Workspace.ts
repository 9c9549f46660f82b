import type EventBus from 'diagram-js/lib/core/EventBus';
import type Canvas from 'diagram-js/lib/core/Canvas';
import type CommandStack from 'diagram-js/lib/command/CommandStack';
import type { Injector } from 'didi';
import type { DeployResponse, ProcessDetail } from '../../api/client';
import type { StratumConfig } from '../../config';
import type StatusLine from '../shell/StatusLine';
import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import type DraftStore from './DraftStore';
import type DiagramIds from './DiagramIds';
import { isStaticKey } from '../../bpmn/called-process';
import { deployedAs, type DocumentMeta } from './document-meta';
import { completeFlowReferences } from '../../../../engine/bpmn/flow-references.js';
import { whenIdleAfterPaint } from '../../dom/after-paint';
import { businessObjectOf, type ModdleElement } from '../../bpmn/moddle-element';
import { diagramOfProcess } from '../../bpmn/process-diagram';
import { exportBpmn, importBpmn, setBaseline } from '../../../../engine/interop/index.js';
import type { BpmnDocument } from '../../../../engine/interop/index.js';
import { keptNotRunSentences } from '../../../../engine/lint/kept-not-run.js';

export interface DocumentSnapshot {
  meta: DocumentMeta;
  xml: string;
  dirty: boolean;
  viewbox: { x: number; y: number; width: number; height: number } | null;
}

interface OpenOptions {
  /** Edits that are not saved anywhere yet (a draft). */
  dirty?: boolean;
  /** Where the canvas looks; fitted when not given. */
  viewbox?: DocumentSnapshot['viewbox'];
  /** A running token simulation goes on in the opened document. */
  keepSimulation?: boolean;
  /** The process as the opener just read it (GET /api/processes/{key}): DOCUMENT_OPENED hands it on. */
  detail?: ProcessDetail;
}

interface Viewer {
  importXML(xml: string, diagramId?: string): Promise<{ warnings: unknown[] }>;
  getDefinitions(): Parameters<typeof keptNotRunSentences>[0];
  saveXML(options?: { format?: boolean }): Promise<{ xml?: string }>;
}

export const DOCUMENT_OPENED = 'stratum.document.opened';

/**
 * DOCUMENT_OPENED's data. `detail` is the process with its versions when the opener read it to open the document
 * (the latest version, an older one, an instance's, a diff): the History tab lists those versions without reading
 * them again.
 */
export interface DocumentOpened {
  meta: DocumentMeta;
  detail?: ProcessDetail;
}

/**
 * The open document was deployed: it is the same document, now a version (not another one opened, so what was
 * kept for it, such as the way back through the call activities, stays).
 */
export const DOCUMENT_DEPLOYED = 'stratum.document.deployed';

/** DOCUMENT_DEPLOYED's data: the open document's new meta, and every process the deployment carried. */
export interface DocumentDeployed {
  meta: DocumentMeta;
  deployed: DeployResponse['deployed'];
}

const BEFORE_EVERYTHING = 100_000;
/** The smallest zoom a document opens at: bpmn-js's 12 px labels stay at 9 px or more. */
const MIN_READABLE_ZOOM = 0.75;
export const DOCUMENT_CHANGED = 'stratum.document.changed';

/**
 * The document on the canvas and what it is: which process, which version, editable or not,
 * and whether it has unsaved edits. Edits of a library process, and a new process, are kept
 * as a draft (in the browser) and come back when the process is opened again; a file from
 * disk is like a file in Camunda Modeler: its edits are unsaved until it is saved.
 */
export default class Workspace {
  static $inject = ['bpmnjs', 'eventBus', 'canvas', 'commandStack', 'injector', 'config.stratum', 'statusLine', 'draftStore', 'elementRegistry', 'diagramIds'];

  meta: DocumentMeta = emptyMeta();
  /** The file as read, kept losslessly by the interop pipeline; saving merges the canvas's edits onto it. */
  private document: BpmnDocument | null = null;
  private dirtyFromDraft = false;
  /** Resolves once the document's baseline is set (see captureBaselineAfterPaint). */
  private baseline: (() => Promise<void>) | undefined;
  private autosave: ReturnType<typeof setTimeout> | undefined;
  /** Where the command stack stands (executes minus undos), and where it stood when the document was last saved. */
  private revision = 0;
  private savedRevision: number | null = 0;
  /** Whether token simulation is on, as its toggle event said. */
  private simulating = false;
  private paletteWidth: number | undefined;

  constructor(
    private readonly bpmnjs: Viewer,
    private readonly eventBus: EventBus,
    private readonly canvas: Canvas,
    private readonly commandStack: CommandStack,
    private readonly injector: Injector,
    private readonly config: StratumConfig,
    private readonly statusLine: StatusLine,
    private readonly drafts: DraftStore,
    private readonly elementRegistry: ElementRegistry,
    private readonly diagramIds: DiagramIds,
  ) {
    // Files of some tools omit <incoming>/<outgoing>; bpmn-js's modeling and the
    // lint rules rely on them, and the server fills them in the same way.
    eventBus.on('import.parse.complete', ({ definitions }: { definitions?: Parameters<typeof completeFlowReferences>[0] }) => {
      if (definitions) completeFlowReferences(definitions);
    });
    eventBus.on('tokenSimulation.toggleMode', (event: { active: boolean }) => {
      this.simulating = event.active;
    });
    eventBus.on('commandStack.changed', ({ trigger }: { trigger?: string | null }) => {
      this.track(trigger);
      eventBus.fire(DOCUMENT_CHANGED, { meta: this.meta });
      clearTimeout(this.autosave);
      if (this.keepsDrafts()) this.autosave = setTimeout(() => void this.keepDraft(), 1000);
    });
    // edits of the last second are not in the draft store yet; a file's edits are nowhere else
    window.addEventListener('beforeunload', (event) => {
      if (!this.dirty || this.meta.readOnly) return;
      if (this.autosave !== undefined || !this.keepsDrafts()) event.preventDefault();
    });
  }

  get api() {
    return this.config.api;
  }

  /** Unsaved edits: commands since the document was opened or saved, or a restored draft. */
  get dirty(): boolean {
    return this.dirtyFromDraft || this.revision !== this.savedRevision;
  }

  /** A file from disk with edits that exist nowhere else: leaving it loses them. */
  get hasUnsavedFile(): boolean {
    return this.meta.origin === 'file' && !this.meta.readOnly && this.dirty;
  }

  /** The document was written to disk: its edits are saved. */
  markSaved(fileName?: string): void {
    this.savedRevision = this.revision;
    this.dirtyFromDraft = false;
    if (fileName && this.meta.origin === 'file') this.meta = { ...this.meta, fileName };
    this.eventBus.fire(DOCUMENT_CHANGED, { meta: this.meta });
  }

  hasDraft(key: string): boolean {
    return this.drafts.has(key);
  }

  /**
   * Opens BPMN text or file bytes; what bpmn-js does not understand is kept for saving and deploying.
   * A running simulation ends, unless `keepSimulation`: moving through the call hierarchy keeps
   * simulating, as bpmn-js's drill-down into a subprocess does (token simulation itself switches
   * off for the import and on again after it).
   */
  async open(source: string | ArrayBuffer, meta: DocumentMeta, options: OpenOptions = {}): Promise<string[]> {
    if (!options.keepSimulation) this.leaveSimulation();
    await this.keepDraft();
    const document = await importBpmn(source, { readModel: false });
    // the canvas's aliases are known before bpmn-js fires its import events
    this.diagramIds.use(document.idAliases);
    let warnings: unknown[];
    try {
      // a file with a diagram per process opens at the diagram of the process opened, not at its first
      ({ warnings } = await this.bpmnjs.importXML(document.xmlForModdle, meta.key ? diagramOfProcess(document, meta.key) : undefined));
    } catch (error) {
      if (this.document) this.diagramIds.use(this.document.idAliases); // the canvas still shows the last document
      throw error;
    }
    this.baseline = this.captureBaselineAfterPaint(document);
    this.document = document;
    const root = businessObjectOf(this.canvas.getRootElement());
    const process = root?.$type === 'bpmn:Collaboration' ? (root.participants as { processRef?: ModdleElement }[] | undefined)?.[0]?.processRef : root;
    // a process opened from disk is the file's process: its key is the file's id, not moddle's alias
    this.meta = { ...meta, key: meta.key ?? (process?.id ? this.diagramIds.fileIdOf(process.id) : null), name: meta.name ?? process?.name ?? null };
    this.dirtyFromDraft = !!options.dirty;
    this.revision = 0;
    this.savedRevision = 0;
    if (options.viewbox) this.canvas.viewbox(options.viewbox);
    else this.fitDiagram();
    // bpmn-js draws no choreography and says nothing of it: said here, as the server's choreography-not-run does
    const notDrawn = keptNotRunSentences(this.bpmnjs.getDefinitions());
    if (warnings.length || notDrawn.length) {
      this.statusLine.show(`Opened with ${warnings.length + notDrawn.length} import warning(s)${notDrawn.length ? `: ${notDrawn.join('; ')}` : ''}`, 'info');
    }
    this.eventBus.fire(DOCUMENT_OPENED, { meta: this.meta, detail: options.detail } satisfies DocumentOpened);
    return [...document.warnings, ...notDrawn, ...warnings.map((warning) => (warning as Error).message ?? String(warning))];
  }

  /**
   * Opens the latest version of a library process (or its unsaved draft), as the server has it now: the process is
   * read first (GET /api/processes/{key}), never taken from the library's list, which may be a look behind.
   */
  openLatest(key: string, { keepSimulation = false }: Pick<OpenOptions, 'keepSimulation'> = {}): Promise<void> {
    return this.openLatestOf(key, { keepSimulation });
  }

  /** openLatest, with the process when the caller has just read it (openVersion): it is not read twice. */
  private async openLatestOf(key: string, { keepSimulation = false, detail }: Pick<OpenOptions, 'keepSimulation' | 'detail'>): Promise<void> {
    const draft = this.drafts.get(key);
    if (draft) {
      // someone may have deployed since the draft was started
      if (draft.meta.version !== null) detail ??= await this.api.getProcess(key);
      const latestVersion = draft.meta.version === null ? null : detail?.latestVersion ?? null;
      await this.open(draft.xml, { ...draft.meta, latestVersion }, { dirty: true, keepSimulation, detail });
      const base = draft.meta.version === null ? 'not deployed yet' : `based on v${draft.meta.version}`;
      const newer = latestVersion !== null && draft.meta.version !== null && latestVersion > draft.meta.version
        ? `; v${latestVersion} has been deployed since, and deploying the draft replaces its changes` : '';
      this.statusLine.show(`Draft of ${key} from ${new Date(draft.savedAt).toLocaleString()} (${base}${newer}); ${draft.meta.version === null ? '"Deploy…" makes it version 1' : '"Revert" drops it'}`, newer ? 'error' : 'info');
      return;
    }
    detail ??= await this.api.getProcess(key);
    const xml = await this.api.getVersionXml(key, detail.latestVersion);
    await this.open(xml, {
      key, name: detail.name, version: detail.latestVersion, latestVersion: detail.latestVersion,
      readOnly: false, origin: 'library',
    }, { keepSimulation, detail });
  }

  /** Opens one version; anything but the latest opens read-only. */
  async openVersion(key: string, version: number, context?: string): Promise<void> {
    const detail = await this.api.getProcess(key);
    if (version === detail.latestVersion && !context) {
      await this.openLatestOf(key, { detail });
      return;
    }
    const xml = await this.api.getVersionXml(key, version);
    await this.open(xml, {
      key, name: detail.name, version, latestVersion: detail.latestVersion, readOnly: true,
      origin: context ? 'instance' : 'library', context,
    }, { detail });
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

  async restore(snapshot: DocumentSnapshot, { keepSimulation = false }: Pick<OpenOptions, 'keepSimulation'> = {}): Promise<void> {
    await this.open(snapshot.xml, snapshot.meta, { dirty: snapshot.dirty, viewbox: snapshot.viewbox, keepSimulation });
  }

  /**
   * After a successful deploy the canvas shows exactly the deployed version (`version`); `deployed` is every process
   * the deployment carried, the open one included. Clearing the command stack fires DOCUMENT_CHANGED with the new meta.
   */
  markDeployed(version: number, deployed: DeployResponse['deployed']): void {
    if (this.meta.key) this.drafts.delete(this.meta.key);
    this.meta = deployedAs(this.meta, version);
    this.dirtyFromDraft = false;
    this.commandStack.clear();
    this.eventBus.fire(DOCUMENT_DEPLOYED, { meta: this.meta, deployed } satisfies DocumentDeployed);
  }

  /** A deployment from elsewhere made `version` the latest of the open document's process: its title says so. */
  noteLatestVersion(version: number): void {
    this.meta = { ...this.meta, latestVersion: version };
    this.eventBus.fire(DOCUMENT_CHANGED, { meta: this.meta });
  }

  /** Drops the draft of a process deployed from elsewhere (deployed together with the open one). */
  dropDraft(key: string): void {
    if (key !== this.meta.key) this.drafts.delete(key);
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

  /**
   * Fits the diagram into the canvas (centred across, at the top), leaving room for the palette
   * and the controls. Never below `minZoom` (labels stay readable when a document opens; a large
   * diagram then shows its start, left, and the rest is a scroll away), never above `maxZoom`.
   */
  fitDiagram({ minZoom = MIN_READABLE_ZOOM, maxZoom = 1 }: { minZoom?: number; maxZoom?: number } = {}): void {
    const { inner, outer } = this.canvas.viewbox();
    if (!inner.width || !inner.height || !outer.width || !outer.height) return;
    const margin = { left: this.paletteRight() + 24, top: 40, right: 40, bottom: 70 };
    const fitting = Math.min(
      (outer.width - margin.left - margin.right) / inner.width,
      (outer.height - margin.top - margin.bottom) / inner.height,
    );
    const zoom = Math.max(Math.min(fitting, maxZoom), Math.min(minZoom, maxZoom));
    const freeWidth = outer.width - margin.left - margin.right - inner.width * zoom;
    this.canvas.viewbox({
      x: inner.x - (margin.left + Math.max(freeWidth, 0) / 2) / zoom,
      y: inner.y - margin.top / zoom,
      width: outer.width / zoom,
      height: outer.height / zoom,
    });
  }

  /**
   * Where the palette ends, measured from the canvas's left edge (0 without one, e.g. read-only).
   * Measured once: the palette does not change its size, and measuring forces a layout. Whether there is one is the
   * open document's own say: while it opens, the container still looks as the previous document had it (ReadOnly
   * hides the palette of a read-only document only once DOCUMENT_OPENED fires).
   */
  private paletteRight(): number {
    if (this.meta.readOnly) return 0;
    const container = this.canvas.getContainer();
    if (this.paletteWidth === undefined) {
      const palette = container.querySelector<HTMLElement>('.djs-palette');
      if (!palette?.offsetParent) return 0;
      this.paletteWidth = palette.getBoundingClientRect().right - container.getBoundingClientRect().left;
    }
    return this.paletteWidth;
  }

  /** Keeps the edits of a library process or a new process as its draft; a clean document has none. */
  async keepDraft(): Promise<void> {
    clearTimeout(this.autosave);
    this.autosave = undefined;
    const { key } = this.meta;
    if (!key || !this.keepsDrafts()) return;
    if (this.dirty) this.drafts.set(key, await this.xml(), this.meta, this.calledKeys());
    else this.drafts.delete(key);
  }

  /** Library processes and new processes live in the browser's drafts; files and read-only views do not. */
  private keepsDrafts(): boolean {
    return !this.meta.readOnly && (this.meta.origin === 'library' || this.meta.origin === 'new');
  }

  private calledKeys(): string[] {
    const keys = this.elementRegistry.filter((element) => element.type === 'bpmn:CallActivity')
      .map((element) => this.diagramIds.calledKeyOf(element))
      .filter((key): key is string => !!key && isStaticKey(key));
    return [...new Set(keys)];
  }

  /** Follows the command stack: an edit after undoing past the saved point makes that point unreachable. */
  private track(trigger: string | null | undefined): void {
    if (trigger === 'execute') {
      if (this.savedRevision !== null && this.revision < this.savedRevision) this.savedRevision = null;
      this.revision += 1;
    } else if (trigger === 'undo') this.revision -= 1;
    else if (trigger === 'redo') this.revision += 1;
    else if (trigger === 'clear') {
      // only after a deploy or a revert, when the canvas shows what is stored
      this.revision = 0;
      this.savedRevision = 0;
    }
  }

  /** Ends a running token simulation (opening another document and deploying start from the model, not a simulation). */
  leaveSimulation(): void {
    if (!this.simulating) return;
    this.injector.get<{ toggleMode(active?: boolean): void } | null>('toggleMode', false)?.toggleMode(false);
  }
}

// helpers

function emptyMeta(): DocumentMeta {
  return { key: null, name: null, version: null, latestVersion: null, readOnly: false, origin: 'new' };
}
