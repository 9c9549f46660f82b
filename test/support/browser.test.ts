// The browser tests' gate: chromium missing is a skip with a warning, or a
// failure when STRATUM_REQUIRE_BROWSER=1 (CI), never a silent pass.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { browserAvailableAt } from './browser.js';

const MISSING = '/nonexistent/chromium';

describe('browserAvailableAt', () => {
  afterEach(() => { vi.restoreAllMocks(); });

  it('runs the browser tests where chromium is', () => {
    expect(browserAvailableAt(process.execPath, { STRATUM_REQUIRE_BROWSER: '1' })).toBe(true);
  });

  it('skips them with a warning where it is missing', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(browserAvailableAt(MISSING, {})).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining(`${MISSING} is not installed`));
  });

  it('fails them where it is missing and STRATUM_REQUIRE_BROWSER=1', () => {
    expect(() => browserAvailableAt(MISSING, { STRATUM_REQUIRE_BROWSER: '1' })).toThrow(`STRATUM_REQUIRE_BROWSER=1 but ${MISSING} is missing`);
  });
});
