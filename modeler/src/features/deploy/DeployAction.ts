import type EventBus from 'diagram-js/lib/core/EventBus';
import type { StratumConfig } from '../../config';
import { ApiProblem, type BpmnUpload } from '../../api/client';
import type Dialogs from '../shell/Dialogs';
import type StatusLine from '../shell/StatusLine';
import type Toolbar from '../shell/Toolbar';
import type Workspace from '../workspace/Workspace';
import type LibraryService from '../library/LibraryService';
import type DeployFindings from '../lint/DeployFindings';
import type ImpactPreview from './ImpactPreview';
import type DeployPlan from './DeployPlan';
import type DmnFiles from '../decisions/DmnFiles';
import type { DmnFile } from '../decisions/DmnFiles';
import { uploadNameOf, uploadsOf, type PlannedProcess } from './DeployPlan';
import { changesOf } from './DeployChanges';
import { deployedLatest, deployIntro } from './version-outcome';
import { el, replaceChildren } from '../../dom/element';
import { DEPLOYED } from './deployed-event';

/**
 * Deploys the open process, with the drafts and the .dmn files from disk chosen to go
 * with it, in one deployment and with a change note. The dialog names every added,
 * removed and changed element of each process, and what the change does to orders
 * (changed decisions among it); a refusal shows the server's findings on the elements.
 */
export default class DeployAction {
  static $inject = ['config.stratum', 'toolbar', 'dialogs', 'statusLine', 'workspace', 'libraryService', 'deployFindings', 'impactPreview', 'deployPlan', 'dmnFiles', 'eventBus'];

  constructor(
    private readonly config: StratumConfig,
    toolbar: Toolbar,
    private readonly dialogs: Dialogs,
    private readonly statusLine: StatusLine,
    private readonly workspace: Workspace,
    private readonly library: LibraryService,
    private readonly findings: DeployFindings,
    private readonly impact: ImpactPreview,
    private readonly plan: DeployPlan,
    private readonly dmnFiles: DmnFiles,
    private readonly eventBus: EventBus,
  ) {
    toolbar.addButton({
      id: 'deploy', group: 'library', label: 'Deploy…', title: 'Deploy this process (and drafts it calls) as new versions',
      action: () => this.deploy(),
      isEnabled: () => !workspace.meta.readOnly && !!workspace.meta.key,
    });
  }

  async deploy(): Promise<void> {
    const { key, version, restoredFrom } = this.workspace.meta;
    if (!key || this.workspace.meta.readOnly) return;
    this.workspace.leaveSimulation();
    // the library this browser loaded may predate a deployment from elsewhere (another designer, a CI pipeline): the
    // dialog's versions, drafts and comparisons start from the library as the server has it now
    await Promise.all([this.workspace.keepDraft(), this.library.refresh()]);
    const candidates = await this.plan.candidates();
    const selected = new Set(candidates.filter((process) => process.required).map((process) => process.key));
    const chosen = () => candidates.filter((process) => selected.has(process.key));
    // .dmn files from disk go only when ticked, as the drafts of other processes do
    const dmn = this.dmnFiles.all();
    const selectedDmn = new Set<string>();
    const chosenDmn = () => dmn.filter((file) => selectedDmn.has(file.name));
    const uploads = () => [...uploadsOf(chosen()), ...chosenDmn()];

    const known = this.library.get(key)?.latestVersion ?? null;
    const intro = el('p', { 'data-deploy-intro': '' }, deployIntro(key, known, version));
    const summary = el('div', { className: 'deploy-summary', 'data-deploy-summary': '' });
    let rendering = 0;
    const renderSummary = async () => {
      const run = ++rendering;
      replaceChildren(summary, el('p', { className: 'empty' }, 'Reading what changes…'));
      const processes = chosen();
      const impact = await this.impact.render(uploads(), chosenDmn().map((file) => file.name));
      const changes = await changesOf(processes, this.config.api, impact?.report);
      if (run !== rendering) return;
      // the server's own word on the latest version, where the report gives one
      intro.textContent = deployIntro(key, deployedLatest(key, known, impact?.report), version);
      replaceChildren(summary, changes, impact?.section ?? el('p', { className: 'empty' }, 'The server could not say what this does to orders.'));
      const submit = summary.closest('form')?.querySelector<HTMLButtonElement>('button[type=submit]');
      if (submit) submit.textContent = impact?.blocking ? 'Deploy anyway' : 'Deploy';
    };

    const rendered = renderSummary();
    const dialog = this.dialogs.form({
      id: 'deploy',
      title: candidates.length > 1 ? `Deploy ${key} and drafts` : `Deploy ${key}`,
      intro: el('div', {},
        intro,
        candidates.length > 1 || dmn.length ? this.togetherChoice(candidates, selected, dmn, selectedDmn, () => void renderSummary()) : null,
        summary),
      // a restored version is suggested as the note; the designer adds why
      fields: [{
        name: 'note', label: 'Change note', type: 'textarea', required: true, placeholder: 'What changed, and why',
        value: restoredFrom !== undefined ? `Restores version ${restoredFrom}` : undefined,
      }],
      submitLabel: 'Deploy',
    });
    await rendered;
    const values = await dialog;
    if (!values) return;
    await this.send(key, uploads(), chosenDmn(), values.note);
  }

  /** Checkboxes for the drafts and .dmn files that may go with the open process; new processes it calls are required. */
  private togetherChoice(candidates: PlannedProcess[], selected: Set<string>, dmn: DmnFile[], selectedDmn: Set<string>, changed: () => void): HTMLElement {
    return el('fieldset', { className: 'deploy-together' },
      el('legend', {}, 'Deploy together (one deployment: all or nothing)'),
      candidates.map((process) => {
        const box = el('input', {
          type: 'checkbox', name: 'together', value: process.key, checked: selected.has(process.key), disabled: process.open || process.required,
          onchange: (event: Event) => {
            if ((event.target as HTMLInputElement).checked) selected.add(process.key);
            else selected.delete(process.key);
            changed();
          },
        });
        const what = process.open ? 'open on the canvas' : process.latestVersion === null ? 'new draft' : `draft of v${process.latestVersion}`;
        const why = process.required && !process.open ? ', called by the processes deployed here' : '';
        return el('label', { className: 'together-item', 'data-key': process.key }, box, ` ${process.name ? `${process.name} ` : ''}(${process.key}, ${what}${why})`);
      }),
      dmn.map((file) => el('label', { className: 'together-item', 'data-file': file.name },
        el('input', {
          type: 'checkbox', name: 'together-dmn', value: file.name, checked: selectedDmn.has(file.name),
          onchange: (event: Event) => {
            if ((event.target as HTMLInputElement).checked) selectedDmn.add(file.name);
            else selectedDmn.delete(file.name);
            changed();
          },
        }),
        ` ${file.name} (decisions, opened from disk)`)));
  }

  private async send(key: string, files: BpmnUpload[], dmn: DmnFile[], note: string): Promise<void> {
    this.findings.clear();
    try {
      const result = await this.config.api.deploy(files, note);
      const deployed = result.deployed.find((entry) => entry.key === key);
      if (!deployed) throw new Error(`the server did not deploy ${key}`);
      for (const entry of result.deployed) this.workspace.dropDraft(entry.key);
      for (const file of dmn) this.dmnFiles.drop(file.name);
      this.workspace.markDeployed(deployed.version, result.deployed);
      await this.library.refresh();
      this.eventBus.fire(DEPLOYED, { result });
      const processes = result.deployed.map((entry) => entry.changed ? `${entry.key} as version ${entry.version}` : `${entry.key} (no changes, stays at version ${entry.version})`);
      const decisions = (result.decisions ?? []).map((entry) => entry.changed ? `decision ${entry.id} as version ${entry.version}` : `decision ${entry.id} (no changes, stays at version ${entry.version})`);
      this.statusLine.show(`Deployed ${[...processes, ...decisions].join(', ')}`, 'success');
      if (result.warnings?.length) this.findings.show(result.warnings, `Deployed with ${result.warnings.length} warning(s)`, uploadNameOf(key));
    } catch (error) {
      if (error instanceof ApiProblem && error.findings.length) {
        this.findings.show(error.findings, `The server refused the deployment: ${error.findings.length} finding(s)`, uploadNameOf(key));
        this.statusLine.show(`Not deployed: ${error.detail ?? error.title}`, 'error');
      } else {
        this.statusLine.error(error, `Deploying ${key}`);
      }
    }
  }
}
