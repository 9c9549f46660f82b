// Which `language` attribute of a formal expression names a script. FEEL and
// JUEL (translated to FEEL) are expressions Stratum evaluates; anything else
// (javascript, js, ecmascript, groovy, python, …) is a script it never runs.
// Browser-safe.

const EXPRESSION_LANGUAGES = new Set(['feel', 'juel', 'http://www.omg.org/spec/feel/20140401']);

export function isScriptLanguage(language: unknown): language is string {
  if (typeof language !== 'string' || !language.trim()) return false;
  return !EXPRESSION_LANGUAGES.has(language.trim().toLowerCase());
}
