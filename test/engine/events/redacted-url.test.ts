// Credentials in a webhook URL are never shown back, in answers or refusals: the password, or a user name
// alone (often a token), reads ***.
import { describe, expect, it } from 'vitest';
import { redactedUrl } from '../../../engine/events/redacted-url.js';
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
    expect(redactedUrl('not a url')).toBe('not a url');
  });
});

describe('a refused webhook URL with credentials', () => {
  it('is named in the refusal with its password masked', async () => {
    const refusal = await checkWebhookUrl('https://erp:s3cr3t@127.0.0.1/hooks', { allowPrivate: false }).then(() => undefined, (error: Error) => error);
    expect(refusal?.message).toMatch(/^webhook URL https:\/\/erp:\*\*\*@127\.0\.0\.1\/hooks reaches 127\.0\.0\.1, a loopback address/);
    expect(JSON.stringify(refusal)).not.toContain('s3cr3t');
  });
});
