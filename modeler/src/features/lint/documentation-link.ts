import type { RuleFactory } from '../../../../engine/lint/rule-api.js';

/**
 * A rule's documentation link as the modeler's page reaches it. The rules link into the repository
 * (`docs/validation.md#…`), which the page would resolve against its own route (`/library/docs/…`); the server
 * serves docs/ at /docs/ (server/app.ts), so such a link becomes `/docs/…`. Links with a scheme or a leading `/` stay.
 */
function servedDocumentationUrl(url: string): string {
  return /^([a-z][a-z0-9+.-]*:|\/)/i.test(url) ? url : `/${url.replace(/^\.\//, '')}`;
}

/** The rule with its documentation link served (servedDocumentationUrl). */
export function withServedDocumentation(rule: ReturnType<RuleFactory>): ReturnType<RuleFactory> {
  const url = rule.meta?.documentation?.url;
  if (url === undefined) return rule;
  return { ...rule, meta: { ...rule.meta, documentation: { ...rule.meta?.documentation, url: servedDocumentationUrl(url) } } };
}
