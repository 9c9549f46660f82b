// Clean-up that a support module owes after each test or each test file. A
// support module is evaluated once per worker process, not once per file
// (vite.config.ts: files share their worker's modules), so a hook it
// registered at its top level would run for the first file that imported it
// only; test/support/setup.ts runs these for every test and every file.
type CleanUp = () => unknown;

const afterEachTest = new Set<CleanUp>();
const afterEachFile = new Set<CleanUp>();

/** Runs `cleanUp` after every test of every file (once registered, for the worker's life). */
export function cleanUpAfterEachTest(cleanUp: CleanUp): void {
  afterEachTest.add(cleanUp);
}

/** Runs `cleanUp` after every test file (once registered, for the worker's life). */
export function cleanUpAfterEachFile(cleanUp: CleanUp): void {
  afterEachFile.add(cleanUp);
}

/** For test/support/setup.ts: every clean-up of `which`, in the order registered; the first error after all ran. */
export async function runCleanUps(which: 'test' | 'file'): Promise<void> {
  const errors: unknown[] = [];
  for (const cleanUp of which === 'test' ? afterEachTest : afterEachFile) {
    try {
      await cleanUp();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length > 0) throw errors[0];
}
