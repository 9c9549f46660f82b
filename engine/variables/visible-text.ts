// What counts as text a person can read: at least one character that shows something. The server's schemas refuse a
// reason or a description without one (server/schemas/common.ts `safeText`), and the runtime asks the same of the
// comment a rejection must give (engine/bpmn/decision-reason.ts). Browser-safe.

/** Characters refused in text a person typed: control characters, lone surrogates, bidirectional overrides (a RegExp class's content). */
export const UNSAFE_CHARACTERS = '\\p{Cc}\\p{Cs}\\u202A-\\u202E\\u2066-\\u2069';

/**
 * Characters that show nothing: spaces, format characters (zero-width space and joiners, soft hyphen, word joiner,
 * byte order mark) and the letters that render blank (Hangul fillers, the Braille blank), as a RegExp class's
 * content. Text of these alone passes `\S` but reads as empty: a reason nobody can read.
 */
export const BLANK_CHARACTERS = '\\s\\p{Cf}\\u115F\\u1160\\u3164\\uFFA0\\u2800';

const VISIBLE_CHARACTER = new RegExp(`[^${BLANK_CHARACTERS}${UNSAFE_CHARACTERS}]`, 'u');

/** Whether `value` is text with at least one visible character (not blank, not a control or override character). */
export function isVisibleText(value: unknown): value is string {
  return typeof value === 'string' && VISIBLE_CHARACTER.test(value);
}
