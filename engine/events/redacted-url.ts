// A webhook URL as Stratum shows it: credentials in it (`https://user:pass@host/…`, which the
// delivery sends as HTTP Basic authentication) are never shown back, logged or audited.
// The password reads `***` and the user name stays (`https://user:***@host/…`); a user name
// alone, which often is a token (`https://token@host/…`), reads `***`.

/** `url` with its credentials masked; a URL without credentials (or not a URL) as it was written. */
export function redactedUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (!parsed.username && !parsed.password) return url;
  if (parsed.password) parsed.password = '***';
  else parsed.username = '***';
  return parsed.href;
}
