// The path families the API answers under: Stratum's own (/api) and the Camunda 7 and Camunda 8 routes. A miss
// there is a 404 problem, never the modeler's page, and an answer there is current state that may name customers.

const API_ROOTS = ['/api', '/engine-rest', '/v2'];

/**
 * Whether `path` is one of the API's roots or lies under one (`/v2`, `/v2/topology`; not `/v2x`), in any letter case:
 * `/API/orders` matches no route (routes match as written) and is the API's 404 problem, not the modeler's page.
 */
export function isApiPath(path: string): boolean {
  const lower = path.toLowerCase();
  return API_ROOTS.some((root) => lower === root || lower.startsWith(`${root}/`));
}
