// A number an operator writes in an environment variable (STRATUM_WORKERS, PORT, STRATUM_SQLITE_CHECKPOINT …) is
// read as written: decimal digits, edge spaces trimmed as a blank value's are. Number() also took 0x10, 0b11, 0o7,
// 1e3 and 12.0, so a typo (STRATUM_WORKERS=0x2, PORT=1e3) started a server with a value nobody wrote.

const WHOLE = /^\d+$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;

/** `text` in decimal digits alone (`12`; not `0x10`, `1e3`, `12.0`, `+12`): its value, else NaN (which no range check passes). */
export function wholeNumberSetting(text: string): number {
  const trimmed = text.trim();
  return WHOLE.test(trimmed) ? Number(trimmed) : NaN;
}

/** `text` in decimal digits with an optional fraction (`40`, `0.5`; not `1e3`, `0x10`, `.5`): its value, else NaN. */
export function decimalSetting(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : NaN;
}
