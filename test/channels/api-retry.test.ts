// Retries of marketplace API calls: "not now" answers are tried again, "never" answers are not, and
// Retry-After is read in both of its forms.

import { describe, expect, it } from 'vitest';
import { ApiError, errorForStatus, retryAfterMs, withRetries } from '../../adapters/channels/shared/api-retry.ts';

const quick = { attempts: 3, baseMs: 1, maxMs: 5 };

describe('withRetries', () => {
  it('tries a retryable failure again, up to the attempts allowed', async () => {
    let calls = 0;
    const result = await withRetries(async () => {
      calls++;
      if (calls < 3) throw new ApiError('busy', 'retry', 0);
      return 'sent';
    }, quick);
    expect([result, calls]).toEqual(['sent', 3]);
    calls = 0;
    await expect(withRetries(async () => {
      calls++;
      throw new ApiError('still busy', 'retry');
    }, quick)).rejects.toThrow('still busy');
    expect(calls).toBe(3);
  });

  it('does not retry a refused request, and retries network errors', async () => {
    let calls = 0;
    await expect(withRetries(async () => {
      calls++;
      throw new ApiError('bad request', 'refused');
    }, quick)).rejects.toThrow('bad request');
    expect(calls).toBe(1);
    calls = 0;
    await expect(withRetries(async () => {
      calls++;
      throw new TypeError('fetch failed');
    }, quick)).rejects.toThrow('fetch failed');
    expect(calls).toBe(3);
  });
});

describe('HTTP answers', () => {
  it('classifies 429 and 5xx as retryable, other 4xx not, keeping Retry-After', () => {
    expect(errorForStatus('X', 429, 'slow down', '7')).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    expect(errorForStatus('X', 503, '', null)).toMatchObject({ retryable: true, retryAfterMs: undefined });
    expect(errorForStatus('X', 400, 'bad', null).retryable).toBe(false);
    expect(errorForStatus('X', 401, 'bad', null).retryable).toBe(false);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('0')).toBe(0);
    expect(retryAfterMs(' 12 ')).toBe(12_000);
    const inAMinute = new Date(Date.now() + 60_000).toUTCString();
    expect(retryAfterMs(inAMinute)).toBeGreaterThan(50_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});
