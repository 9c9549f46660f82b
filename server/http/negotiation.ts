// The methods a path allows, for the Allow header of OPTIONS and 405 answers (RFC 9110 §10.2.1).
import type { Operation } from '../operations.js';

/** The Allow value of a path whose operations use `methods`: HEAD wherever GET is, and OPTIONS everywhere. */
export function allowedMethods(methods: readonly Operation['method'][]): string[] {
  const allowed = methods.map((method) => method.toUpperCase());
  if (allowed.includes('GET')) allowed.push('HEAD');
  allowed.push('OPTIONS');
  return allowed;
}
