import type { StratumConfig } from '../../config';
import type Dialogs from '../shell/Dialogs';
import type StatusLine from '../shell/StatusLine';
import type DraftStore from '../workspace/DraftStore';
import type LeaveGuard from '../workspace/LeaveGuard';
import type Workspace from '../workspace/Workspace';

/**
 * Makes an older version's diagram the draft of its process (Camunda Web Modeler's "Restore as latest", with the
 * deploy dialog in between): editable, kept in the browser like any edit, and deployed as the next version by
 * `Deploy…`, whose changes and impact are then read against the latest version. A draft already kept for the process
 * is replaced only when the designer says so; the version itself is not touched.
 */
export default class RestoreVersion {
  static $inject = ['workspace', 'draftStore', 'dialogs', 'leaveGuard', 'statusLine', 'config.stratum'];

  constructor(
    private readonly workspace: Workspace,
    private readonly drafts: DraftStore,
    private readonly dialogs: Dialogs,
    private readonly leaveGuard: LeaveGuard,
    private readonly statusLine: StatusLine,
    private readonly config: StratumConfig,
  ) {}

  async restore(key: string, version: number): Promise<void> {
    // the latest version as the server has it now: the draft is based on it, and deploying it makes the next one
    const detail = await this.config.api.getProcess(key);
    if (version === detail.latestVersion) {
      this.statusLine.show(`v${version} is the latest version of ${key}: open it to edit`, 'info');
      return;
    }
    // edits of the last second of the open document are in the draft store before it is asked about
    await this.workspace.keepDraft();
    if (!(await this.mayReplaceDraft(key, version))) return;
    if (!(await this.leaveGuard.mayLeave(`${key} v${version}`))) return;
    const xml = await this.config.api.getVersionXml(key, version);
    await this.workspace.open(xml, {
      key, name: detail.name, version: detail.latestVersion, latestVersion: detail.latestVersion,
      readOnly: false, origin: 'library', restoredFrom: version,
    }, { dirty: true, detail });
    // a draft from the start, as New… makes one: it replaces the one asked about, and survives a reload
    await this.workspace.keepDraft();
    this.statusLine.show(`Restored v${version} of ${key} as a draft: "Deploy…" makes it version ${detail.latestVersion + 1}, "Revert" drops it`, 'success');
  }

  /** True when no draft of `key` is kept, or its owner chose to replace it with version `version`. */
  private async mayReplaceDraft(key: string, version: number): Promise<boolean> {
    const draft = this.drafts.get(key);
    if (!draft) return true;
    const what = draft.meta.restoredFrom !== undefined
      ? `version ${draft.meta.restoredFrom} restored`
      : draft.meta.version !== null ? `edits of version ${draft.meta.version}` : 'a new process, not deployed yet';
    const answer = await this.dialogs.form({
      id: 'replace-draft',
      title: `Replace your draft of ${key}?`,
      intro: `This browser keeps a draft of ${key} (${what}, last changed ${new Date(draft.savedAt).toLocaleString()}). `
        + `Restoring version ${version} replaces it: its edits are lost. Cancel keeps the draft.`,
      fields: [],
      submitLabel: `Replace with version ${version}`,
    });
    return answer !== null;
  }
}
