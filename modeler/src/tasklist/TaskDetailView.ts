// One task opened: the order, who it is assigned to (Assign to me / Unassign), its path so far, and the form to
// decide with. The server's refusals are shown as sentences beside the form; a task on hold (a failed instance
// holds it) or claimed by someone else shows why, its form disabled until a refresh finds it free. A task already
// decided (its address again, after Back) shows the decision read-only, with a way back to the list.
import { el, replaceChildren } from '../dom/element';
import type { DecisionForm } from './decision-contract';
import { verdictOf, VERDICT_WORDS } from './decision-verdict';
import { decisionFormFor } from './DecisionForm';
import { decidedTask } from './decided-task';
import { orderPath } from './OrderPath';
import { approvalTier, customerName, orderAmounts, paymentTerms, waitedFor } from './order-facts';
import { refusalOf, refusesForGood } from './refusals';
import { claimedByOtherSentence, claimState } from './task-claim-state';
import { fourEyesSentence } from './task-four-eyes';
import { holdSentence } from './task-hold';
import { notOfferedTo } from './task-offer';
import { TaskProblem, type TaskCompletionView, type TasklistClient, type TaskView } from './TasklistClient';

export interface DetailEvents {
  /** The task was decided (by this user) or is gone (decided by someone else). */
  onClosed(message: string): void;
  onBack(): void;
  /** The user assigned the task to themselves or unassigned it: the list shows it anew. */
  onClaimChanged(): void;
  /** The server no longer accepts the token (401): nothing was sent; the page asks to sign in again. */
  onTokenRefused(): void;
}

export class TaskDetailView {
  readonly element: HTMLElement;
  private form: DecisionForm | null = null;
  private task: TaskView | null = null;
  private notice!: HTMLElement;
  private sendButton!: HTMLButtonElement;
  private assignment!: HTMLElement;

  constructor(
    private readonly client: TasklistClient, private readonly user: string, private readonly groups: readonly string[], private readonly events: DetailEvents,
  ) {
    this.element = el('section', { className: 'task-detail', 'aria-label': 'Task', 'data-empty': 'true' },
      el('p', { className: 'hint' }, 'Choose a task from the list.'));
  }

  get openTaskId(): string | null {
    return this.task?.id ?? null;
  }

  get openTaskInstanceId(): string | null {
    return this.task?.instanceId ?? null;
  }

  /** What is filled in the open task's form now (kept across a sign-in), or null when no task is open. */
  get draft(): { taskId: string; values: Record<string, unknown> } | null {
    return this.task && this.form ? { taskId: this.task.id, values: this.form.draft() } : null;
  }

  /** Shows `task`, its form filled with `filled` (what was filled in before signing in again). */
  async open(task: TaskView, filled?: Record<string, unknown>): Promise<void> {
    this.close();
    this.task = task;
    const root = task.businessKey ? await this.client.orderRoot(task.businessKey).catch(() => undefined) : undefined;
    const history = root ? (await this.client.instance(root.id)).history : (await this.client.instance(task.instanceId)).history;
    if (this.task !== task) return; // another task was opened meanwhile
    this.form = await decisionFormFor(task, filled);
    const { tier, why } = approvalTier(task);
    const { amount, reporting } = orderAmounts(task.order);
    this.notice = el('div', { className: 'notice', role: 'alert', 'data-notice': '', hidden: true });
    this.sendButton = el('button', { type: 'submit', className: 'primary', 'data-action': 'send-decision' }, 'Send decision');
    const heading = el('h2', { tabindex: '-1', id: 'task-heading' }, tier);
    this.assignment = el('div', { className: 'assignment', 'data-assignment': '' });
    const formElement = el('form', { className: 'decision', 'aria-labelledby': 'decision-title', onsubmit: (event: Event) => {
      event.preventDefault();
      void this.send();
    } },
      el('h3', { id: 'decision-title' }, 'Your decision'),
      this.form.element,
      this.notice,
      el('div', { className: 'actions' }, this.sendButton));
    replaceChildren(this.element,
      el('button', { type: 'button', className: 'back', 'data-action': 'back', onclick: () => this.events.onBack() }, '← All tasks'),
      heading,
      el('p', { className: 'why', 'data-why': '' }, why),
      el('dl', { className: 'order-facts' },
        fact('Order', task.businessKey ?? '—'),
        fact('Customer', customerName(task.order)),
        fact('Amount', amount),
        reporting ? fact(`In ${String(task.order?.reportingCurrency)}`, reporting) : null,
        fact('Payment terms', paymentTerms(task.order?.paymentTerms)),
        task.order?.specialChange ? fact('Special change', describeChange(task.order.specialChange)) : null,
        fact('For', task.candidateGroups.join(', ')),
        fact('Waiting', waitedFor(task.createdAt))),
      this.assignment,
      el('h3', {}, 'Path so far'),
      orderPath(history),
      formElement);
    delete this.element.dataset.empty;
    this.showAssignment(task);
    this.showHold(task);
    heading.focus();
  }

  /** A task no longer open that was decided: what, by whom and when, read-only; nothing stays open. */
  showDecided(completion: TaskCompletionView): void {
    this.close();
    const { summary, verdict, facts } = decidedTask(completion, this.user);
    const heading = el('h2', { tabindex: '-1', id: 'task-heading' }, completion.name ?? completion.elementId);
    const when = new Date(completion.completedAt);
    replaceChildren(this.element,
      el('button', { type: 'button', className: 'back to-list', 'data-action': 'back', onclick: () => this.events.onBack() }, '← All tasks'),
      heading,
      el('p', { className: 'decided', 'data-decided': verdict }, summary, ' This task is closed; there is nothing more to do here.'),
      el('dl', { className: 'order-facts', 'data-decision-facts': '' },
        facts.flatMap(([term, value]) => fact(term, value)),
        el('dt', {}, 'Decided'),
        el('dd', {}, el('time', { datetime: completion.completedAt }, when.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })))));
    delete this.element.dataset.empty;
    this.element.dataset.decidedTask = completion.taskId;
    heading.focus();
  }

  /** A refresh brought the open task again: it may have been put on hold or released, claimed or unclaimed. */
  refresh(task: TaskView): void {
    if (!this.task || !this.form || task.id !== this.task.id) return;
    const before = this.task;
    this.task = task;
    if (before.claimedBy !== task.claimedBy) this.showAssignment(task);
    if (task.held || before.held || before.claimedBy !== task.claimedBy || task.fourEyes || before.fourEyes) this.showHold(task);
  }

  /** The list no longer has the open task: someone else decided it first. */
  markGone(): void {
    if (!this.task || !this.form) return;
    this.form.setDisabled(true);
    this.sendButton.disabled = true;
    this.show('Someone else decided this task first, or the order moved on. It is no longer open.', 'error');
  }

  close(): void {
    this.form?.destroy();
    this.form = null;
    this.task = null;
    this.element.dataset.empty = 'true';
    delete this.element.dataset.decidedTask;
    replaceChildren(this.element, el('p', { className: 'hint' }, 'Choose a task from the list.'));
  }

  private async send(): Promise<void> {
    const task = this.task;
    if (!task || !this.form) return;
    const read = this.form.read();
    if ('invalid' in read) return this.show(read.invalid, 'error');
    this.sendButton.disabled = true;
    this.show('Sending…', 'info');
    try {
      await this.client.complete(task.id, read.variables);
      const verdict = verdictOf(read.variables);
      const comesBack = verdict === 'not-acknowledged' ? ' The task comes back to the department and the order waits.' : '';
      this.events.onClosed(`You ${VERDICT_WORDS[verdict]} "${task.name ?? task.elementId}" for order ${task.businessKey ?? ''}.`.replace(' for order .', '.') + comesBack);
    } catch (error) {
      if (!(error instanceof TaskProblem)) throw error;
      // signing in again at once keeps what was filled in; waiting for the list's next refresh to find out would not
      if (error.status === 401) return this.events.onTokenRefused();
      const refusal = refusalOf(error);
      this.show(refusal.sentence, 'error', error.status);
      if (refusal.taskGone) {
        this.form.setDisabled(true);
      } else if (refusesForGood(error)) {
        // four eyes, before the list marked the task: nothing this person sends will do, as for a marked task
        this.form.setDisabled(true);
        this.assignment.querySelector('[data-action=claim]')?.remove();
      } else {
        this.sendButton.disabled = false;
      }
    }
  }

  /**
   * Disables the form while the task is not offered to the reader, four eyes refuses them the task, a failed instance
   * holds it or someone else has claimed it, saying why.
   */
  private showHold(task: TaskView): void {
    const { held } = task;
    const claimant = claimState(task, this.user).claimedByOther;
    const notOffered = notOfferedTo(task, this.user, this.groups);
    const fourEyes = fourEyesSentence(task);
    const disabled = held !== null || claimant !== null || fourEyes !== undefined || notOffered !== undefined;
    this.form!.setDisabled(disabled);
    this.sendButton.disabled = disabled;
    if (task.fourEyes) this.notice.dataset.fourEyes = task.fourEyes.reason;
    else delete this.notice.dataset.fourEyes;
    if (notOffered) {
      this.show(notOffered, 'info');
      delete this.notice.dataset.held;
    } else if (fourEyes) {
      this.show(fourEyes, 'info');
      delete this.notice.dataset.held;
    } else if (held) {
      this.show(holdSentence(held), 'info');
      this.notice.dataset.held = held.reason;
    } else if (claimant) {
      this.show(claimedByOtherSentence(claimant), 'info');
      delete this.notice.dataset.held;
    } else {
      this.notice.hidden = true;
      delete this.notice.dataset.held;
    }
  }

  /** Who the task is assigned to, and the button that changes it (Camunda Tasklist's Assign to me / Unassign). */
  private showAssignment(task: TaskView): void {
    const state = claimState(task, this.user);
    // four eyes, or a task offered to others, refuses the claim as it refuses the decision: no button that can only be refused
    if ((task.fourEyes || notOfferedTo(task, this.user, this.groups)) && state.action === 'claim') state.action = null;
    const button = state.action && el('button', {
      type: 'button', className: 'claim', 'data-action': state.action, onclick: () => void this.changeClaim(state.action!),
    }, state.action === 'claim' ? 'Assign to me' : 'Unassign');
    replaceChildren(this.assignment, el('span', { 'data-assigned': task.claimedBy ?? task.assignee ?? '' }, state.words), button);
  }

  private async changeClaim(action: 'claim' | 'unclaim'): Promise<void> {
    const task = this.task;
    if (!task) return;
    // the keyboard stays with the assignment: on the button that replaces the one pressed (disabling it drops the focus)
    const keyboard = this.assignment.contains(document.activeElement);
    try {
      await this.claimOrUnclaim(task, action);
    } finally {
      if (keyboard && this.task?.id === task.id) (this.assignment.querySelector('button') ?? this.element.querySelector<HTMLElement>('#task-heading'))?.focus();
    }
  }

  private async claimOrUnclaim(task: TaskView, action: 'claim' | 'unclaim'): Promise<void> {
    for (const button of this.assignment.querySelectorAll('button')) button.disabled = true;
    try {
      const changed = action === 'claim' ? await this.client.claim(task.id) : await this.client.unclaim(task.id);
      this.refresh(changed);
      this.events.onClaimChanged();
    } catch (error) {
      if (!(error instanceof TaskProblem)) throw error;
      if (error.status === 401) return this.events.onTokenRefused();
      const refusal = refusalOf(error);
      this.show(refusal.sentence, 'error', error.status);
      if (refusal.taskGone) {
        this.form?.setDisabled(true);
        this.sendButton.disabled = true;
        return;
      }
      // someone else claimed it meanwhile: show who (and the button again)
      const now = await this.client.task(task.id).catch(() => undefined);
      if (this.task !== task) return;
      if (now) this.refresh(now);
      if (!now || now.claimedBy === task.claimedBy) this.showAssignment(this.task);
    }
  }

  private show(text: string, kind: 'info' | 'error', status?: number): void {
    this.notice.hidden = false;
    this.notice.className = `notice ${kind}`;
    if (status) this.notice.dataset.status = String(status);
    else delete this.notice.dataset.status;
    this.notice.textContent = text;
  }
}

// helpers

function fact(term: string, value: string): HTMLElement[] {
  return [el('dt', {}, term), el('dd', {}, value)];
}

function describeChange(change: unknown): string {
  const description = (change as { description?: unknown }).description;
  return typeof description === 'string' ? description : 'yes';
}
