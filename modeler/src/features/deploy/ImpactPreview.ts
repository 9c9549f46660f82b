import type { StratumConfig } from '../../config';
import type { BpmnUpload, ImpactReport } from '../../api/client';
import type InstancesPanel from '../instances/InstancesPanel';
import type LibraryPanel from '../library/LibraryPanel';
import { el } from '../../dom/element';
import {
  callerDetail, decisionHeading, decisionOrdersLine, decisionReach, impactHeadline, olderVersionLine, orderReachDetail, unchangedDecisionFileLine,
  unchangedDecisionFiles,
  type DecisionImpact,
} from './decision-impact';
import { messageChangeElement, messageChangesLine, messageChangeTitle } from './message-changes';
import { relatedConditionsLine, relatedConditionTitle } from './related-conditions';
import { insideStays } from './running-orders.js';

const ORDERS_SHOWN = 20;

/**
 * What a deployment would do (POST /api/impact with all of its files), shown in
 * the deploy dialog before the designer confirms: per process, running orders
 * that stay on their version or start the new one, and apart those that would only
 * if a change to the order leads there; per decision of the .dmn files,
 * the processes whose business rule tasks call it and the running orders that can still
 * reach one (where they wait, which task); and the recorded orders replayed and
 * grouped by how the change alters their route, with those that ran on an older
 * version apart (the deployed library already routes them otherwise); and, as
 * warnings, the conditions that still compare with a constant the change moved and the
 * messages whose catching elements it alters (with the orders still waiting for each). Each order
 * number opens its instance, each calling process its latest version.
 */
export default class ImpactPreview {
  static $inject = ['config.stratum', 'instancesPanel', 'libraryPanel'];

  constructor(
    private readonly config: StratumConfig,
    private readonly instances: InstancesPanel,
    private readonly library: LibraryPanel,
  ) {}

  /**
   * The impact as a dialog section, with whether it would block orders; null when the server cannot say.
   * `dmnFileNames` names the .dmn files among `files`.
   */
  async render(files: BpmnUpload[], dmnFileNames: string[]): Promise<{ section: HTMLElement; blocking: boolean; report: ImpactReport } | null> {
    let report: ImpactReport;
    try {
      report = await this.config.api.impact(files);
    } catch {
      return null;
    }
    const { replay } = report;
    const section = el('div', { className: 'deploy-impact' },
      el('strong', {}, impactHeadline(report)),
      report.processes.flatMap((process) => [el('p', { 'data-impact-process': process.key },
        process.previousVersion === null
          ? `${process.key} is new (version ${process.version}): no order runs it yet; `
          // which orders keep the old version, each opening its instance, as the other lines list theirs
          : [`Running orders inside ${process.key}: ${process.runningOrders.inside.count}`,
            this.orderList(process.runningOrders.inside.orders.map((order) => order.orderNo), ' — '),
            ` (${insideStays(process.runningOrders.inside, process.previousVersion)}); `],
        `running orders that will start ${process.key} version ${process.version} when they reach a call to it: ${process.runningOrders.willPickUp.count}`,
        // the count ends the sentence, or the orders follow it as a list
        this.orderList(process.runningOrders.willPickUp.orders, ' — ') ?? '.'),
      this.onChangePart(process)]),
      report.decisions.map((decision) => this.decisionPart(decision)),
      unchangedDecisionFiles(report, dmnFileNames).map((fileName) => el('p', { 'data-unchanged-file': fileName }, unchangedDecisionFileLine(fileName))),
      el('ul', { className: 'impact-groups' }, replay.groups.filter((group) => group.kind !== 'unchanged').map((group) =>
        el('li', { className: `impact-${group.kind}` }, `${group.count} order(s) ${group.description}`, this.orderList(group.orders)))),
      this.olderVersionPart(report),
      this.relatedConditionsPart(report),
      this.messageChangesPart(report),
      report.blocking ? el('p', { className: 'impact-blocking' }, 'Deploying would block orders or the library has errors: check before you confirm.') : null);
    return { section, blocking: report.blocking, report };
  }

  /**
   * The running orders that reach a call to the process only through a change to the order (a raise approved
   * again): apart from those that will start it, as nothing starts it for them unless such a change is requested.
   */
  private onChangePart(process: ImpactReport['processes'][number]): HTMLElement | null {
    const { count, orders } = process.runningOrders.couldPickUpOnChange;
    if (count === 0) return null;
    return el('p', { className: 'impact-on-change', 'data-impact-on-change': process.key },
      `Running orders that would start ${process.key} version ${process.version} only if a change to the order leads to a call to it: ${count}`,
      this.orderList(orders, ' — '));
  }

  /** The orders that ran on an older version, apart from this change's impact, grouped by how the deployed library routes them. */
  private olderVersionPart(report: ImpactReport): HTMLElement | null {
    const line = olderVersionLine(report);
    if (!line) return null;
    return el('div', { className: 'impact-older-version' },
      el('p', {}, line),
      el('ul', {}, report.replay.ranOnOlderVersion.groups.map((group) =>
        el('li', { className: `impact-older-${group.kind}` }, `${group.count} order(s) ${group.description} on the deployed library`, this.orderList(group.orders)))));
  }

  /**
   * The conditions of the library that still compare with a constant the change moved (a tier written in two
   * processes), each as a warning with its process to open; they do not block.
   */
  private relatedConditionsPart(report: ImpactReport): HTMLElement | null {
    const line = relatedConditionsLine(report);
    if (!line) return null;
    return el('div', { className: 'impact-related-conditions' },
      el('p', {}, line),
      el('ul', {}, report.relatedConditions.map((related) => el('li', {
        className: 'warning', 'data-process': related.flow.processKey, 'data-element': related.flow.elementId, title: relatedConditionTitle(related),
      },
      related.message, ' ',
      el('button', {
        type: 'button', className: 'link-button', title: `Open ${related.flow.processKey}`,
        onclick: (event: Event) => {
          leaveDialog(event);
          void this.library.open(related.flow.processKey);
        },
      }, `Open ${related.flow.processKey}`)))));
  }

  /**
   * The message names whose catching elements the change alters (a catch renamed to another message, added, removed
   * or correlated by another key), each as a warning for the senders, with the running orders still waiting for it,
   * the orders messages of it are buffered for, and the process of the catch it is about to open; they do not block.
   */
  private messageChangesPart(report: ImpactReport): HTMLElement | null {
    const line = messageChangesLine(report);
    if (!line) return null;
    return el('div', { className: 'impact-messages' },
      el('p', {}, line),
      el('ul', {}, report.messages.map((change) => {
        const element = messageChangeElement(change);
        return el('li', { className: 'warning', 'data-message': change.name, title: messageChangeTitle(change) },
          change.message,
          change.waiting.count ? [' Running orders waiting for it now: ', String(change.waiting.count), this.orderList(change.waiting.orders, ' — ')] : null,
          change.buffered.count
            ? [' Messages of it buffered now, not yet correlated: ', String(change.buffered.count), this.orderList(change.buffered.keys.map((key) => key.correlationKey), ' — ')]
            : null,
          ' ',
          element && el('button', {
            type: 'button', className: 'link-button', title: `Open ${element.processKey}`,
            onclick: (event: Event) => {
              leaveDialog(event);
              void this.library.open(element.processKey);
            },
          }, `Open ${element.processKey}`));
      })));
  }

  /** A changed decision as DeployChanges heads a process, the processes whose business rule tasks call it, and the running orders reaching one. */
  private decisionPart(decision: DecisionImpact): HTMLElement {
    const ordersLine = decisionOrdersLine(decision);
    return el('div', { className: 'impact-decision', 'data-impact-decision': decision.id },
      el('h3', {}, decisionHeading(decision)),
      el('p', {}, decisionReach(decision), decision.whereUsed.map((caller, index) => el('span', { className: 'impact-caller', 'data-caller': caller.processKey },
        index > 0 ? '; ' : '',
        el('button', {
          type: 'button', className: 'link-button', title: `Open ${caller.processKey}`,
          onclick: (event: Event) => {
            leaveDialog(event);
            void this.library.open(caller.processKey);
          },
        }, caller.processKey),
        callerDetail(caller)))),
      ordersLine && el('p', { className: 'impact-decision-orders' }, ordersLine),
      this.reachingOrders(decision.runningOrders.willEvaluate.orders));
  }

  /** Each running order that will evaluate a changed decision, opening its instance, with where it waits and what it reaches. */
  private reachingOrders(orders: DecisionImpact['runningOrders']['willEvaluate']['orders']): HTMLElement | null {
    if (orders.length === 0) return null;
    const more = orders.length > ORDERS_SHOWN ? el('li', {}, `… and ${orders.length - ORDERS_SHOWN} more`) : null;
    return el('ul', { className: 'impact-reaching-orders' },
      orders.slice(0, ORDERS_SHOWN).map((order) => el('li', { 'data-order': order.orderNo }, this.orderButton(order.orderNo), orderReachDetail(order))), more);
  }

  /** The order numbers as buttons separated by commas, so they read (and are read out) as a list, not "SO-2006SO-2002". */
  private orderList(orders: string[], lead = ': '): HTMLElement | null {
    if (orders.length === 0) return null;
    const more = orders.length > ORDERS_SHOWN ? ` … and ${orders.length - ORDERS_SHOWN} more` : '';
    const buttons = orders.slice(0, ORDERS_SHOWN).flatMap((orderNo, index) => [index > 0 ? ', ' : null, this.orderButton(orderNo)]);
    return el('span', { className: 'impact-orders' }, lead, buttons, more);
  }

  private orderButton(orderNo: string): HTMLElement {
    return el('button', {
      type: 'button', className: 'link', title: `Open order ${orderNo}`,
      onclick: (event: Event) => {
        leaveDialog(event);
        void this.instances.find(orderNo);
      },
    }, orderNo);
  }
}

// helpers

/** Leaves the deploy dialog as Cancel does, before a link shows an order or a process. */
function leaveDialog(event: Event): void {
  (event.target as HTMLElement).closest('form')?.querySelector<HTMLButtonElement>('.dialog-buttons button.secondary')?.click();
}
