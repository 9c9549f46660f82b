// The ids of one open diagram on both sides of the canvas. Moddle reads an id it
// refuses (`Prüfen`, `مهمة_1`) under an ASCII alias (`Pr_x00FC_fen`;
// engine/interop/id-aliases.ts), so the canvas holds aliases while the file, and
// the server, name elements and processes by the file's ids.
import { isModdleId, type IdAliases } from '../../../engine/interop/id-aliases.js';

/** Plain functions, free of `this`: a caller may take one out. */
export interface CanvasIds {
  /** The canvas's id of what the file (and the server) names `fileId`; `fileId` when it has no alias. */
  canvasIdOf: (fileId: string) => string;
  /** The file's id of the canvas's `canvasId`; `canvasId` when it is no alias. */
  fileIdOf: (canvasId: string) => string;
}

/**
 * The translation for a diagram read with `aliases` (alias → file id, as the
 * interop pipeline returns them). An id used twice has a second alias on its
 * second element (`Check_2`, `Pr_x00FC_fen_2`); references, and so the file's
 * id, mean the first element: the id itself when moddle reads it as written,
 * else its first alias.
 */
export function canvasIds(aliases: IdAliases): CanvasIds {
  const firstAlias = new Map<string, string>();
  for (const [alias, fileId] of aliases) if (!firstAlias.has(fileId)) firstAlias.set(fileId, alias);
  return {
    canvasIdOf: (fileId) => (isModdleId(fileId) ? fileId : firstAlias.get(fileId) ?? fileId),
    fileIdOf: (canvasId) => aliases.get(canvasId) ?? canvasId,
  };
}

/** A diagram without aliases: both sides spell every id alike. */
export const SAME_IDS: CanvasIds = canvasIds(new Map());
