/** Fired on the event bus when a .dmn file is kept for this session (the lint rules learn its decisions). */
export const DMN_FILES_CHANGED = 'stratum.dmn-files.changed';

/** One .dmn file of this session, by its name on disk. */
export interface DmnFile {
  name: string;
  xml: string;
}

/**
 * The .dmn files the designer opened from disk in this session (*Open .dmn…*), so that
 * Deploy… can carry a changed decision table with the processes: a decision is edited
 * in Camunda Modeler, then shown and deployed here. Kept in memory only: the file is
 * still on disk, and a reload should not deploy a file no longer on screen.
 */
export default class DmnFiles {
  private readonly files = new Map<string, string>();

  /** Keeps `xml` under `name`, in place of a file of that name opened before. */
  keep(name: string, xml: string): void {
    this.files.set(name, xml);
  }

  drop(name: string): void {
    this.files.delete(name);
  }

  all(): DmnFile[] {
    return [...this.files].map(([name, xml]) => ({ name, xml }));
  }
}
