import { stratumRules, stratumRuleSeverities } from '../../../../engine/lint/config.js';
import type { RuleFactory } from '../../../../engine/lint/rule-api.js';

/** Where docs/validation.md lists bpmnlint's own rules, which carry no link of their own. */
const BPMNLINT_RULES_URL = 'docs/validation.md#bpmnlints-own-rules';

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

/**
 * The served documentation link of a finding's rule as the Problems panel names it (Stratum's without the `stratum/`
 * prefix): a Stratum rule's own section, bpmnlint's rules their table; none for what no rule reports (a related
 * condition, a message's catchers).
 */
export function ruleDocumentationUrl(rule: string): string | undefined {
  const factory = Object.hasOwn(stratumRules, rule) ? stratumRules[rule] : undefined;
  const url = factory ? factory().meta?.documentation?.url : Object.hasOwn(stratumRuleSeverities, rule) ? BPMNLINT_RULES_URL : undefined;
  return url === undefined ? undefined : servedDocumentationUrl(url);
}
