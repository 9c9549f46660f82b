// A webhook URL as Stratum shows it: credentials in it are never shown back, logged or audited.
// - In the user info (`https://user:pass@host/…`, which the delivery sends as HTTP Basic authentication) the
//   password reads `***` and the user name stays (`https://user:***@host/…`); a user name alone, which often is
//   a token (`https://token@host/…`), reads `***`.
// - In the query, the value of a parameter whose name says it carries a credential reads `***`
//   (`?token=***&v=2`): the names below, in any case, `-` and `.` read as `_`, as error trackers' scrubbers
//   (Sentry, Datadog) pick them by name. A secret in the path (`/services/T0/B0/XyZ`) looks like any path and
//   is shown.
// The delivery always sends the URL as stored; the masked one sent back on a replacement keeps the stored
// credentials (keptUrl).

export const MASK = '***';

/** Parameter names (lower case, `-` and `.` as `_`) whose value is a credential. */
const SECRET_NAMES = new Set([
  'token', 'key', 'apikey', 'secret', 'password', 'passwd', 'pwd', 'sig', 'signature', 'code', 'auth', 'authorization', 'credentials', 'session', 'sessionid',
]);
/** …and any name ending in one of these: `access_token`, `api_key`, `client_secret`, `X-Amz-Signature`, `hub.verify_token`. */
const SECRET_SUFFIXES = ['_token', '_key', '_secret', '_password', '_signature', '_sig', '_auth'];

/** `url` with its credentials masked; a URL without credentials (or not a URL) as it was written. */
export function redactedUrl(url: string): string {
  const parsed = parsedUrl(url);
  if (!parsed) return url;
  const parameters = parametersOf(parsed);
  const secrets = parameters.filter((parameter) => parameter.secret && parameter.value);
  if (!parsed.username && !parsed.password && !secrets.length) return url;
  if (parsed.password) parsed.password = MASK;
  else if (parsed.username) parsed.username = MASK;
  for (const parameter of secrets) parameter.value = MASK;
  if (secrets.length) parsed.search = searchOf(parameters);
  return parsed.href;
}

/**
 * The URL a replacement stores. Sent back as GET shows it (to change the types, the secret, or a part of the URL
 * that is no credential), each `***` keeps the stored credential in its place: the password of the same user
 * name, a user name alone, a parameter of the same name (in the n-th place of that name, the n-th stored value of it).
 * A credential sent in clear replaces the stored one; one left out is gone. Only for the stored URL's own
 * receiver: the same scheme, host, port and path. Null when a `***` has nothing to keep (no stored URL, another
 * receiver, a parameter or user name the stored URL has not): stored as sent it would fail every delivery, and
 * kept for another receiver it would hand the credential to it.
 */
export function keptUrl(url: string, stored: string | undefined): string | null {
  const sent = parsedUrl(url);
  const parameters = sent ? parametersOf(sent) : [];
  const maskedParameters = parameters.filter((parameter) => parameter.secret && decoded(parameter.value) === MASK);
  const maskedPassword = sent?.password === MASK;
  const maskedUser = !!sent && !sent.password && sent.username === MASK;
  if (!sent || (!maskedPassword && !maskedUser && !maskedParameters.length)) return url;
  const before = stored === undefined ? null : parsedUrl(stored);
  if (!before || sent.protocol !== before.protocol || sent.host !== before.host || sent.pathname !== before.pathname) return null;
  if (maskedPassword) {
    if (!before.password || before.username !== sent.username) return null;
    sent.password = before.password;
  }
  if (maskedUser) {
    if (!before.username || before.password) return null;
    sent.username = before.username;
  }
  const storedParameters = parametersOf(before);
  for (const parameter of maskedParameters) {
    const sameName = parameters.filter((other) => other.name === parameter.name);
    const storedValues = storedParameters.filter((other) => other.name === parameter.name && other.value !== null);
    const value = storedValues[sameName.indexOf(parameter)]?.value;
    if (value === undefined || value === null) return null;
    parameter.value = value;
  }
  if (maskedParameters.length) sent.search = searchOf(parameters);
  // the stored URL as it was written, when nothing but the masks was sent back
  return sent.href === before.href ? stored! : sent.href;
}

/**
 * `text` (a failed attempt's error: the start of the receiver's answer) with each credential of `url` masked, as
 * written and decoded: a receiver may echo the URL it was called with. Values shorter than 4 characters are left,
 * or every such digit of the text would go.
 */
export function withoutCredentials(text: string, url: string): string {
  const parsed = parsedUrl(url);
  if (!parsed) return text;
  const written = [parsed.password || parsed.username, ...parametersOf(parsed).filter((parameter) => parameter.secret).map((parameter) => parameter.value ?? '')];
  const values = [...new Set(written.flatMap((value) => [value, decoded(value)!]))].filter((value) => value.length >= 4);
  // the longest first: a value inside another is not left half masked
  return values.sort((a, b) => b.length - a.length).reduce((masked, value) => masked.replaceAll(value, MASK), text);
}

// helpers

/** Whether a query parameter of this name is masked. */
function isSecretParameter(name: string): boolean {
  const normal = name.toLowerCase().replace(/[-.]/g, '_');
  return SECRET_NAMES.has(normal) || SECRET_SUFFIXES.some((suffix) => normal.endsWith(suffix));
}

interface Parameter {
  /** Decoded, and as written. */
  name: string;
  rawName: string;
  /** As written (percent-encoded); null for a parameter without `=`. */
  value: string | null;
  secret: boolean;
}

function parsedUrl(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

function parametersOf(url: URL): Parameter[] {
  if (url.search.length <= 1) return [];
  return url.search.slice(1).split('&').map((piece) => {
    const equals = piece.indexOf('=');
    const rawName = equals < 0 ? piece : piece.slice(0, equals);
    const name = decoded(rawName)!;
    return { name, rawName, value: equals < 0 ? null : piece.slice(equals + 1), secret: isSecretParameter(name) };
  });
}

function searchOf(parameters: Parameter[]): string {
  return parameters.map(({ rawName, value }) => value === null ? rawName : `${rawName}=${value}`).join('&');
}

/** A query component as a form decodes it (`+` a space); as written when it is no valid percent-encoding. */
function decoded(component: string | null): string | null {
  if (component === null) return null;
  try {
    return decodeURIComponent(component.replace(/\+/g, ' '));
  } catch {
    return component;
  }
}
