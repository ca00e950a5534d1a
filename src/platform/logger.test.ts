import { describe, expect, it } from 'vitest';
import { redactUrl } from './logger.js';

describe('redactUrl', () => {
  it('hides the values of token-like parameters and any API key, keeping the rest', () => {
    expect(redactUrl('/v1/x?apikey=abc&limit=5')).toBe('/v1/x?apikey=[redacted]&limit=5');
    expect(redactUrl('/v1/x?Access_Token=abc&password=p&client_secret=s&sig=1')).toBe('/v1/x?Access_Token=[redacted]&password=[redacted]&client_secret=[redacted]&sig=[redacted]');
    expect(redactUrl('/v1/x?q=%68rld_abcdef')).toBe('/v1/x?q=[redacted]');
    expect(redactUrl('/v1/x?q=eyJhbGciOi.eyJzdWIi.sig')).toBe('/v1/x?q=[redacted]');
    expect(redactUrl('/v1/keys/hrld_abcdef/x')).toBe('/v1/keys/hrld_[redacted]/x');
    expect(redactUrl('/v1/x?q=%E0%A4%A&cursor=abc')).toBe('/v1/x?q=%E0%A4%A&cursor=abc');
    expect(redactUrl('/v1/x')).toBe('/v1/x');
  });
});
