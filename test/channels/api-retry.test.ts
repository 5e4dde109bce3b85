// Retries of marketplace API calls: "not now" answers are tried again, "never" answers are not,
// Retry-After is read in both of its forms, and a call whose outcome is unknown is told apart from
// one the platform surely did not carry out.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ApiError, errorForStatus, retryAfterMs, surelyNotCarriedOut, withRetries } from '../../adapters/channels/shared/api-retry.ts';
import { freePort } from '../support/redis-server.ts';

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

describe('surelyNotCarriedOut', () => {
  it('is true when the platform answered, or when the connection never opened; false when a call timed out after leaving', async () => {
    expect(surelyNotCarriedOut(new ApiError('busy', 'retry'))).toBe(true);
    // Nothing listens on a port just freed: refused before a byte left.
    const port = await freePort();
    const refused = await fetch(`http://127.0.0.1:${port}/send`, { method: 'POST', body: 'x' }).catch((error: unknown) => error);
    expect(surelyNotCarriedOut(refused)).toBe(true);
    // A platform that takes the request and never answers: it may have carried it out.
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const timedOut = await fetch(`http://127.0.0.1:${(silent.address() as AddressInfo).port}/send`, { method: 'POST', body: 'x', signal: AbortSignal.timeout(200) }).catch((error: unknown) => error);
    silent.closeAllConnections();
    silent.close();
    expect(surelyNotCarriedOut(timedOut)).toBe(false);
  });
});
