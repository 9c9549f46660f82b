import type EventBus from 'diagram-js/lib/core/EventBus';
import { el, replaceChildren } from '../../dom/element';
import type { StratumConfig } from '../../config';
import { ApiProblem } from '../../api/client';

export type StatusKind = 'info' | 'success' | 'error';

// Workspace's DOCUMENT_OPENED; the shell sits below the workspace and names the event by its text.
const DOCUMENT_OPENED = 'stratum.document.opened';

/**
 * One status line under the canvas: what just happened, or what went wrong. An error
 * stays until the next message or until another document opens: it is about what was
 * on the canvas, and must not stand beside a document it does not concern.
 */
export default class StatusLine {
  static $inject = ['config.stratum', 'eventBus'];

  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly config: StratumConfig, eventBus: EventBus) {
    eventBus.on(DOCUMENT_OPENED, () => {
      if (config.status.dataset.kind === 'error') this.clear();
    });
  }

  clear(): void {
    clearTimeout(this.timer);
    delete this.config.status.dataset.kind;
    replaceChildren(this.config.status);
  }

  show(text: string, kind: StatusKind = 'info'): void {
    clearTimeout(this.timer);
    const status = this.config.status;
    status.dataset.kind = kind;
    replaceChildren(status, el('span', { className: 'status-text' }, text));
    if (kind !== 'error') this.timer = setTimeout(() => replaceChildren(status), 8000);
  }

  /** Shows an error from the server or from the browser in words a designer understands. */
  error(error: unknown, doing: string): void {
    this.show(failureWords(error, doing), 'error');
  }
}

/** `Listing the incidents failed (503 Service Unavailable): …`, for a line of its own where a panel says it. */
export function failureWords(error: unknown, doing: string): string {
  if (error instanceof ApiProblem) {
    const detail = error.detail && error.detail !== error.title ? `: ${error.detail}` : '';
    return `${doing} failed (${error.status ? error.status + ' ' : ''}${error.title})${detail}`;
  }
  return `${doing} failed: ${(error as Error)?.message ?? String(error)}`;
}
