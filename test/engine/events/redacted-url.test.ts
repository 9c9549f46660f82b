// Credentials in a webhook URL are never shown back, in answers, refusals or the delivery log: the password, a
// user name alone (often a token), and the value of a query parameter named for a credential read ***; the URL
// sent back masked keeps the stored credentials, for the stored URL's own receiver only.
import { describe, expect, it } from 'vitest';
import { keptUrl, redactedUrl, withoutCredentials } from '../../../engine/events/redacted-url.js';
import { checkWebhookUrl } from '../../../engine/events/webhook-targets.js';

describe('a webhook URL as Stratum shows it', () => {
  it('masks the password and keeps the user name', () => {
    expect(redactedUrl('https://erp:s3cr3t@erp.example.com/stratum/events?x=1')).toBe('https://erp:***@erp.example.com/stratum/events?x=1');
  });

  it('masks a user name that comes alone, as a token often does', () => {
    expect(redactedUrl('https://ghp_abcdef123456@hooks.example.com/in')).toBe('https://***@hooks.example.com/in');
  });

  it('masks a password holding an encoded @ or colon, and one after an empty user name', () => {
    expect(redactedUrl('https://erp:p%40ss%3Aword@erp.example.com/')).toBe('https://erp:***@erp.example.com/');
    expect(redactedUrl('https://:pass@erp.example.com/')).toBe('https://:***@erp.example.com/');
  });

  it('leaves a URL without credentials as it was written', () => {
    expect(redactedUrl('https://ERP.example.com:443/a')).toBe('https://ERP.example.com:443/a');
    expect(redactedUrl('https://ERP.example.com/a?x=1&monkey=2&keyboard=3&tokens&client_id=stratum')).toBe('https://ERP.example.com/a?x=1&monkey=2&keyboard=3&tokens&client_id=stratum');
    expect(redactedUrl('not a url')).toBe('not a url');
  });

  it('masks the value of each query parameter named for a credential, in any case, and keeps the others', () => {
    expect(redactedUrl('https://hooks.example.com/x?token=abc')).toBe('https://hooks.example.com/x?token=***');
    for (const name of ['token', 'api_key', 'access_token', 'key', 'secret', 'password', 'sig', 'signature', 'code', 'apikey', 'auth', 'Token', 'API_KEY', 'X-Amz-Signature', 'hub.verify_token', 'client_secret', 'api-key']) {
      expect(redactedUrl(`https://hooks.example.com/x?v=2&${name}=abc%2Fdef&b=1`), name).toBe(`https://hooks.example.com/x?v=2&${name}=***&b=1`);
    }
    expect(redactedUrl('https://hooks.example.com/x?sig=a&v=1&sig=b&token=')).toBe('https://hooks.example.com/x?sig=***&v=1&sig=***&token=');
  });

  it('masks the user info and the query together', () => {
    expect(redactedUrl('https://erp:pw@erp.example.com/in?apikey=k3y&v=1#part')).toBe('https://erp:***@erp.example.com/in?apikey=***&v=1#part');
  });
});

describe('the URL a replacement stores when the masked one is sent back', () => {
  const stored = 'https://erp:pw@ERP.example.com/in?token=t0ken&v=1&sig=s1g';

  it('is the stored URL, as it was written, when nothing but the masks came back', () => {
    expect(keptUrl(redactedUrl(stored), stored)).toBe(stored);
    expect(keptUrl('https://hooks.example.com/x?token=***', 'https://hooks.example.com/x?token=abc')).toBe('https://hooks.example.com/x?token=abc');
    expect(keptUrl('https://***@hooks.example.com/in', 'https://ghp_abc@hooks.example.com/in')).toBe('https://ghp_abc@hooks.example.com/in');
  });

  it('keeps the masked credentials and takes those sent in clear and every other change', () => {
    expect(keptUrl('https://erp:***@erp.example.com/in?token=***&v=2&sig=n3w', stored)).toBe('https://erp:pw@erp.example.com/in?token=t0ken&v=2&sig=n3w');
    expect(keptUrl('https://erp:n3w@erp.example.com/in?token=***&v=1#now', stored)).toBe('https://erp:n3w@erp.example.com/in?token=t0ken&v=1#now');
    // a credential left out is gone
    expect(keptUrl('https://erp.example.com/in?sig=***', stored)).toBe('https://erp.example.com/in?sig=s1g');
    // a *** in the n-th place of its name keeps the n-th stored value of it
    expect(keptUrl('https://h.example.com/?sig=***&sig=***', 'https://h.example.com/?sig=a&x=0&sig=b')).toBe('https://h.example.com/?sig=a&sig=b');
  });

  it('is none when a *** has nothing to keep: another receiver, a credential the stored URL has not, no stored URL', () => {
    expect(keptUrl('https://erp:***@evil.example.com/in?token=***', stored)).toBeNull();
    expect(keptUrl('https://erp.example.com:8443/in?token=***', stored)).toBeNull();
    expect(keptUrl('http://erp.example.com/in?token=***', stored)).toBeNull();
    expect(keptUrl('https://erp.example.com/other?token=***', stored)).toBeNull();
    expect(keptUrl('https://erp.example.com/in?token=***&api_key=***', stored)).toBeNull();
    expect(keptUrl('https://erp.example.com/in?token=***&sig=***&sig=***', stored)).toBeNull();
    expect(keptUrl('https://root:***@erp.example.com/in', stored)).toBeNull();
    expect(keptUrl('https://***@erp.example.com/in', stored)).toBeNull();
    expect(keptUrl('https://hooks.example.com/x?token=***', undefined)).toBeNull();
  });

  it('is the URL as sent when it masks nothing', () => {
    expect(keptUrl('https://other.example.com/in?token=mine&note=***', stored)).toBe('https://other.example.com/in?token=mine&note=***');
    expect(keptUrl('https://other.example.com/in', undefined)).toBe('https://other.example.com/in');
  });
});

describe('a failed attempt\'s error', () => {
  it('has the credentials of the URL masked where the receiver echoed them, as written and decoded', () => {
    const url = 'https://erp:p%40ssword@erp.example.com/in?token=t0ken%2Fx&v=1234&code=42';
    expect(withoutCredentials('HTTP 401: bad caller /in?token=t0ken%2Fx&v=1234 (t0ken/x, p@ssword, p%40ssword)', url))
      .toBe('HTTP 401: bad caller /in?token=***&v=1234 (***, ***, ***)');
    // a value too short to mask without masking the text around it
    expect(withoutCredentials('HTTP 404: 42 not found', url)).toBe('HTTP 404: 42 not found');
  });
});

describe('a refused webhook URL with credentials', () => {
  it('is named in the refusal with its password masked', async () => {
    const refusal = await checkWebhookUrl('https://erp:s3cr3t@127.0.0.1/hooks', { allowPrivate: false }).then(() => undefined, (error: Error) => error);
    expect(refusal?.message).toMatch(/^webhook URL https:\/\/erp:\*\*\*@127\.0\.0\.1\/hooks reaches 127\.0\.0\.1, a loopback address/);
    expect(JSON.stringify(refusal)).not.toContain('s3cr3t');
  });
});
