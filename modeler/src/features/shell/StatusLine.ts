import { el, replaceChildren } from '../../dom/element';
import type { StratumConfig } from '../../config';
import { ApiProblem } from '../../api/client';

export type StatusKind = 'info' | 'success' | 'error';

/** One status line under the canvas: what just happened, or what went wrong. */
export default class StatusLine {
  static $inject = ['config.stratum'];

  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly config: StratumConfig) {}

  show(text: string, kind: StatusKind = 'info'): void {
    clearTimeout(this.timer);
    const status = this.config.status;
    status.dataset.kind = kind;
    replaceChildren(status, el('span', { className: 'status-text' }, text));
    if (kind !== 'error') this.timer = setTimeout(() => replaceChildren(status), 8000);
  }

  /** Shows an error from the server or from the browser in words a designer understands. */
  error(error: unknown, doing: string): void {
    if (error instanceof ApiProblem) {
      const detail = error.detail && error.detail !== error.title ? `: ${error.detail}` : '';
      this.show(`${doing} failed (${error.status ? error.status + ' ' : ''}${error.title})${detail}`, 'error');
    } else {
      this.show(`${doing} failed: ${(error as Error)?.message ?? String(error)}`, 'error');
    }
  }
}
