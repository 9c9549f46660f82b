import type { ApiClient } from './api/client';

/** The `stratum` block of the modeler's config: where the shell renders, and the API client. */
export interface StratumConfig {
  api: ApiClient;
  toolbar: HTMLElement;
  sidePanel: HTMLElement;
  breadcrumbs: HTMLElement;
  status: HTMLElement;
  documentTitle: HTMLElement;
  findings: HTMLElement;
  /** The Problems panel below the canvas. */
  problems: HTMLElement;
  /** The right-hand column: the properties panel, or the simulated order while simulating. */
  properties: HTMLElement;
}
