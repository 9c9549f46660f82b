import type { BpmnUpload } from '../../api/client';
import type LibraryService from '../library/LibraryService';
import type DraftStore from '../workspace/DraftStore';
import type Workspace from '../workspace/Workspace';

/** One process the deployment may carry: the open one, or another draft of this browser. */
export interface PlannedProcess {
  key: string;
  name: string | null;
  xml: string;
  /** The latest deployed version; null for a new process. */
  latestVersion: number | null;
  /** The open document (always deployed) or a draft kept in the browser. */
  open: boolean;
  /** Preselected: a new process the others call, which cannot be deployed after them. */
  required: boolean;
}

/**
 * What one deployment can carry: the open process, and the other drafts of this
 * browser (new processes and edited ones). Drafts that the selection calls and
 * that were never deployed are required, so a parent and its new child go together.
 */
export default class DeployPlan {
  static $inject = ['workspace', 'draftStore', 'libraryService'];

  constructor(
    private readonly workspace: Workspace,
    private readonly drafts: DraftStore,
    private readonly library: LibraryService,
  ) {}

  async candidates(): Promise<PlannedProcess[]> {
    const { key, name } = this.workspace.meta;
    if (!key) return [];
    const open: PlannedProcess = {
      key, name, xml: await this.workspace.xml(), latestVersion: this.library.get(key)?.latestVersion ?? null, open: true, required: true,
    };
    const others = this.drafts.all()
      .filter(([draftKey]) => draftKey !== key)
      .map(([draftKey, draft]): PlannedProcess => ({
        key: draftKey, name: draft.meta.name, xml: draft.xml, latestVersion: this.library.get(draftKey)?.latestVersion ?? null, open: false, required: false,
      }));
    const byKey = new Map(others.map((process) => [process.key, process]));
    const visit = (caller: string, seen: Set<string>) => {
      for (const callee of this.library.find(caller)?.calls ?? []) {
        const draft = byKey.get(callee);
        if (!draft || seen.has(callee)) continue;
        seen.add(callee);
        if (draft.latestVersion === null) draft.required = true;
        visit(callee, seen);
      }
    };
    visit(key, new Set([key]));
    return [open, ...others.sort((a, b) => Number(b.required) - Number(a.required) || a.key.localeCompare(b.key))];
  }
}

/** The files of a deployment, one per process, named after its key. */
export function uploadsOf(processes: PlannedProcess[]): BpmnUpload[] {
  return processes.map((process) => ({ name: uploadNameOf(process.key), xml: process.xml }));
}

/** The name a process's file goes under in a deployment, which the server's findings name it by. */
export function uploadNameOf(key: string): string {
  return `${key}.bpmn`;
}
