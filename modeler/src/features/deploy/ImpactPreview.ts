import type { StratumConfig } from '../../config';
import type { ImpactReport } from '../../api/client';
import type InstancesPanel from '../instances/InstancesPanel';
import { el } from '../../dom/element';

const ORDERS_SHOWN = 20;

/**
 * What deploying the open process would do (POST /api/impact), shown in the
 * deploy dialog before the designer confirms: running orders that stay on
 * their version or start the new one, and the recorded orders replayed and
 * grouped by how their route changes. Each order number opens its instance.
 */
export default class ImpactPreview {
  static $inject = ['config.stratum', 'instancesPanel'];

  constructor(
    private readonly config: StratumConfig,
    private readonly instances: InstancesPanel,
  ) {}

  /** The impact as a dialog section, with whether it would block orders; null when the server cannot say. */
  async render(key: string, xml: string): Promise<{ section: HTMLElement; blocking: boolean } | null> {
    let report: ImpactReport;
    try {
      report = await this.config.api.impact(xml, { name: `${key}.bpmn` });
    } catch {
      return null;
    }
    const process = report.processes.find((candidate) => candidate.key === key);
    const { replay } = report;
    const section = el('div', { className: 'deploy-impact' },
      el('strong', {}, `Impact: ${replay.orders} recorded order(s) replayed, ${replay.changed} would change route, ${replay.blocked} would block`),
      process
        ? el('p', {},
          `Running orders inside ${key}: ${process.runningOrders.inside.count} (they stay on their version). `,
          `Running orders that will start version ${process.version}: ${process.runningOrders.willPickUp.count}.`,
          this.orderList(process.runningOrders.willPickUp.orders))
        : null,
      el('ul', { className: 'impact-groups' }, replay.groups.filter((group) => group.kind !== 'unchanged').map((group) =>
        el('li', { className: `impact-${group.kind}` }, `${group.count} order(s) ${group.description}`, this.orderList(group.orders)))),
      report.blocking ? el('p', { className: 'impact-blocking' }, 'Deploying would block orders or the library has errors: check before you confirm.') : null);
    return { section, blocking: report.blocking };
  }

  private orderList(orders: string[]): HTMLElement | null {
    if (orders.length === 0) return null;
    const more = orders.length > ORDERS_SHOWN ? ` … and ${orders.length - ORDERS_SHOWN} more` : '';
    return el('span', { className: 'impact-orders' }, ': ',
      orders.slice(0, ORDERS_SHOWN).map((orderNo) => el('button', {
        type: 'button', className: 'link', title: `Open order ${orderNo}`,
        onclick: (event: Event) => {
          // leave the dialog (as Cancel does), then show the order's instance
          (event.target as HTMLElement).closest('form')?.querySelector<HTMLButtonElement>('.dialog-buttons button.secondary')?.click();
          void this.instances.find(orderNo);
        },
      }, orderNo)), more);
  }
}
