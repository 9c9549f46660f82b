// How Camunda 7's REST API writes its answers, for every /engine-rest route.
import type { Reply } from '../http/handler.js';

/** Camunda's clients compare the content type exactly: `application/json`, no charset. */
export const camundaJson = (value: unknown): Reply => ({ status: 200, bytes: Buffer.from(JSON.stringify(value), 'utf8'), contentType: 'application/json', exactContentType: true });

export const noContent: Reply = { status: 204 };

/** `2026-12-03T16:50:00.000+0000`, the date format of Camunda 7's REST API. */
export function camundaDate(iso: string): string {
  return iso.replace(/Z$/, '+0000');
}
