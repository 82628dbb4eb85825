import { describe, expect, it } from 'vitest';
import { redactUrl } from './log-redaction.js';

describe('request log URL redaction', () => {
  it('hides client secrets, keys and card numbers in query strings and paths', () => {
    expect(redactUrl('/v1/checkout/sessions/cs_1/client?client_secret=cs_1_secret_abc')).toBe(
      '/v1/checkout/sessions/cs_1/client?client_secret=[redacted]',
    );
    expect(redactUrl('/v1/customers?limit=3&api_key=sk_live_abcdef')).toBe('/v1/customers?limit=3&api_key=[redacted]');
    expect(redactUrl('/v1/customers?q=sk_test_abc')).toBe('/v1/customers?q=[redacted]');
    expect(redactUrl('/v1/customers?q=pk_live_abc&email=a%40b.c')).toBe('/v1/customers?q=[redacted]&email=a%40b.c');
    expect(redactUrl('/v1/customers/sk_test_abc')).toBe('/v1/customers/[redacted]');
    expect(redactUrl('/v1/x?n=4242%204242%204242%204242')).toBe('/v1/x?n=[redacted]');
    expect(redactUrl('/v1/x?whsec_abc')).toBe('/v1/x?[redacted]');
    expect(redactUrl('/v1/x?n=%zz')).toBe('/v1/x?n=%zz');
    // The 3-D Secure page's token answers the challenge, so it is a credential.
    expect(redactUrl('/authenticate/p4nOThHfAbCdEf0123456789')).toBe('/authenticate/[redacted]');
  });

  it('leaves ordinary URLs alone', () => {
    for (const url of [
      '/v1/customers',
      '/v1/customers?limit=10&starting_after=cus_123&expand[]=data.customer',
      '/v1/events?created[gte]=1795647050',
      '/healthz',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});
