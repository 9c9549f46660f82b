import type ElementRegistry from 'diagram-js/lib/core/ElementRegistry';
import { calledProcessKey } from '../../bpmn/called-process';
import { canvasIds, SAME_IDS, type CanvasIds } from '../../bpmn/canvas-ids';
import { businessObjectOf } from '../../bpmn/moddle-element';
import type { IdAliases } from '../../../../engine/interop/id-aliases.js';
import { textWithFileIds } from '../../../../engine/bpmn/file-ids.js';

/**
 * Where the canvas meets the server: the open diagram's ids translated between
 * the canvas's aliases and the file's ids, which the server answers with
 * (docs/interop.md, "Ids in any script"). Looking an element up by the file's id
 * finds its shape: the element registry falls back on the alias, so markers and
 * overlays placed by what the server reports (`canvas.addMarker('مهمة_1', …)`,
 * `overlays.add('Prüfen', …)`) land on the aliased shape without each caller
 * translating. What the canvas sends or shows (a process key, a called process,
 * an element id, the properties panel's id fields) goes through `fileIdOf`, and
 * text written on the canvas's model (a lint finding's message) through `withFileIds`.
 */
export default class DiagramIds implements CanvasIds {
  static $inject = ['elementRegistry'];

  private ids: CanvasIds = SAME_IDS;
  private named: (text: string) => string = (text) => text;

  constructor(elementRegistry: ElementRegistry) {
    const get = elementRegistry.get.bind(elementRegistry);
    // a file's id that moddle refused is never an id on the canvas, so the fallback finds nothing else
    elementRegistry.get = ((filter: string | SVGElement) => get(filter) ?? (typeof filter === 'string' && this.ids.canvasIdOf(filter) !== filter ? get(this.ids.canvasIdOf(filter)) : undefined)) as ElementRegistry['get'];
  }

  /** The diagram about to be imported was read with `aliases` (alias → file id; BpmnDocument.idAliases). */
  use(aliases: IdAliases): void {
    this.ids = canvasIds(aliases);
    this.named = textWithFileIds(aliases);
  }

  readonly canvasIdOf = (fileId: string): string => this.ids.canvasIdOf(fileId);

  readonly fileIdOf = (canvasId: string): string => this.ids.fileIdOf(canvasId);

  /** `text` with the file's ids for the canvas's aliases: `process "Pr_x00FC_fen" …` reads `process "Prüfen" …`. */
  readonly withFileIds = (text: string): string => this.named(text);

  /** The file's id of `element`, as the server and the user know it. */
  elementIdOf(element: { id: string }): string {
    return this.fileIdOf(element.id);
  }

  /** The process a call activity starts, by the key the server knows it under (calledProcessKey on the canvas's model). */
  calledKeyOf(element: { businessObject?: unknown }): string | null {
    const key = calledProcessKey(businessObjectOf(element));
    return key === null ? null : this.fileIdOf(key);
  }
}
