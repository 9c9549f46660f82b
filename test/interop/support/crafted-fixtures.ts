// The hand-made adversarial .bpmn files of test/fixtures/interop-crafted/
// (what each one exercises: the README there). Bad input lives in its bad/
// folder and is not listed here.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const CRAFTED_DIR = fileURLToPath(new URL('../../fixtures/interop-crafted', import.meta.url));

export interface CraftedFixture {
  file: string;
  bytes: Uint8Array;
}

export function craftedFixtures(): CraftedFixture[] {
  return readdirSync(CRAFTED_DIR)
    .filter((file) => file.endsWith('.bpmn'))
    .sort()
    .map((file) => ({ file, bytes: new Uint8Array(readFileSync(`${CRAFTED_DIR}/${file}`)) }));
}
