// The shared interop corpus lives beside the project (../shared/interop), never
// inside it, or where STRATUM_INTEROP_DIR says (as for test/interop/support/shared-corpus.ts).
// A user's clone has no such folder: those tests skip with a message,
// unless STRATUM_REQUIRE_INTEROP=1 (CI) makes the absence a failure.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const configured = process.env.STRATUM_INTEROP_DIR;
export const INTEROP_DIR = configured ? `${resolve(configured)}/` : fileURLToPath(new URL('../../../shared/interop/', import.meta.url));
export const interopAvailable = existsSync(INTEROP_DIR);

if (!interopAvailable) {
  if (process.env.STRATUM_REQUIRE_INTEROP === '1') {
    throw new Error(`STRATUM_REQUIRE_INTEROP=1 but the shared interop corpus is missing at ${INTEROP_DIR}`);
  }
  console.warn(`skipping interop tests: no shared corpus at ${INTEROP_DIR}`);
}

export function interopFile(path: string) {
  return { name: path.split('/').at(-1)!, xml: readFileSync(`${INTEROP_DIR}${path}`, 'utf8') };
}
