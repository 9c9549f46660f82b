import type { StratumConfig } from '../../config';
import { ApiProblem } from '../../api/client';
import type Dialogs from '../shell/Dialogs';
import type StatusLine from '../shell/StatusLine';
import type Toolbar from '../shell/Toolbar';
import type Workspace from '../workspace/Workspace';
import type LibraryService from '../library/LibraryService';
import type DeployFindings from '../lint/DeployFindings';
import type ImpactPreview from './ImpactPreview';
import { compareVersions } from '../diff/VersionDiff';
import { el } from '../../dom/element';

/** Deploys the open process with a change note; a refusal shows the server's findings on the elements. */
export default class DeployAction {
  static $inject = ['config.stratum', 'toolbar', 'dialogs', 'statusLine', 'workspace', 'libraryService', 'deployFindings', 'impactPreview'];

  constructor(
    private readonly config: StratumConfig,
    toolbar: Toolbar,
    private readonly dialogs: Dialogs,
    private readonly statusLine: StatusLine,
    private readonly workspace: Workspace,
    private readonly library: LibraryService,
    private readonly findings: DeployFindings,
    private readonly impact: ImpactPreview,
  ) {
    toolbar.addButton({
      id: 'deploy', group: 'library', label: 'Deploy…', title: 'Deploy this process as a new version',
      action: () => this.deploy(),
      isEnabled: () => !workspace.meta.readOnly && !!workspace.meta.key,
    });
  }

  /** What the deploy would change, so the change note can say it. */
  private async changesSince(key: string, latest: number): Promise<HTMLElement | null> {
    try {
      const comparison = await compareVersions(await this.config.api.getVersionXml(key, latest), await this.workspace.xml());
      const counts = [
        comparison.conditions.length && `${comparison.conditions.length} condition(s) changed`,
        comparison.added.length && `${comparison.added.length} added`,
        comparison.removed.length && `${comparison.removed.length} removed`,
        comparison.changed.length && `${comparison.changed.length} changed`,
      ].filter(Boolean);
      return el('div', { className: 'deploy-changes' },
        el('strong', {}, counts.length ? `Changes since v${latest}: ${counts.join(', ')}` : `No semantic changes since v${latest}`),
        comparison.conditions.length
          ? el('ul', {}, comparison.conditions.map((c) => el('li', {}, `${c.label}: `, el('code', {}, c.oldCondition ?? '(none)'), ' → ', el('code', {}, c.newCondition ?? '(none)'))))
          : null);
    } catch {
      return null;
    }
  }

  async deploy(): Promise<void> {
    const { key, version } = this.workspace.meta;
    if (!key || this.workspace.meta.readOnly) return;
    const latest = this.library.get(key)?.latestVersion ?? null;
    // what the change would do to running and recorded orders, before the designer confirms
    const impact = await this.impact.render(key, await this.workspace.xml());
    const values = await this.dialogs.form({
      id: 'deploy',
      title: `Deploy ${key}`,
      intro: el('div', {},
        el('p', {}, latest === null
          ? 'This process is not in the library yet; it becomes version 1.'
          : `Version ${latest} is the latest${version !== null && version !== latest ? ` (your edits are based on version ${version})` : ''}; a changed diagram becomes version ${latest + 1}.`),
        latest === null ? null : await this.changesSince(key, latest),
        impact?.section ?? null),
      fields: [{ name: 'note', label: 'Change note', type: 'textarea', required: true, placeholder: 'What changed, and why' }],
      submitLabel: impact?.blocking ? 'Deploy anyway' : 'Deploy',
    });
    if (!values) return;
    this.findings.clear();
    try {
      const xml = await this.workspace.xml();
      const result = await this.config.api.deploy(xml, { name: `${key}.bpmn`, note: values.note });
      const deployed = result.deployed.find((entry) => entry.key === key) ?? result.deployed[0];
      if (!deployed) throw new Error('the server deployed nothing');
      this.workspace.markDeployed(deployed.version);
      await this.library.refresh();
      this.statusLine.show(deployed.changed
        ? `Deployed ${key} as version ${deployed.version}`
        : `No changes: ${key} stays at version ${deployed.version}`, 'success');
      if (result.warnings?.length) this.findings.show(result.warnings, `Deployed with ${result.warnings.length} warning(s)`);
    } catch (error) {
      if (error instanceof ApiProblem && error.findings.length) {
        this.findings.show(error.findings, `The server refused the deployment: ${error.findings.length} finding(s)`);
        this.statusLine.show(`Not deployed: ${error.detail ?? error.title}`, 'error');
      } else {
        this.statusLine.error(error, `Deploying ${key}`);
      }
    }
  }
}
