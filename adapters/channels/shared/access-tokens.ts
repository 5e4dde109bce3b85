// Where a marketplace API client gets the shop's access token, and the one rule every client
// follows when the platform refuses it: renew once and try again; a second refusal is final (and
// the merchant is alerted by whoever renews, see token-keeper.ts).

import { ApiError } from './api-retry.ts';

export interface AccessTokens {
  /** The access token to call with now. */
  current(): Promise<string>;
  /**
   * Called after the platform refused `used` (expired, revoked). Returns the token to try once more
   * (renewed now, or already renewed by another process), or null when there is none to try.
   */
  renewAfterRefusal(used: string): Promise<string | null>;
}

/** A token that is never renewed (a shop without a refresh token, and unit tests). */
export function fixedAccessToken(token: string): AccessTokens {
  return { current: async () => token, renewAfterRefusal: async () => null };
}

/** Runs `call` with the current token; on an `auth` refusal, renews once and runs it again. */
export async function withAccessToken<T>(tokens: AccessTokens, call: (token: string) => Promise<T>): Promise<T> {
  const token = await tokens.current();
  try {
    return await call(token);
  } catch (error) {
    if (!(error instanceof ApiError) || error.failure !== 'auth') throw error;
    const renewed = await tokens.renewAfterRefusal(token);
    if (renewed === null) throw new ApiError(`${error.message} (no renewed access token to try; the shop may need to authorise the app again)`, 'refused', undefined, error.code);
    try {
      return await call(renewed);
    } catch (again) {
      // Refused twice in a row: renewing again would not help.
      if (again instanceof ApiError && again.failure === 'auth') throw new ApiError(`${again.message} (refused again after renewing the access token)`, 'refused', undefined, again.code);
      throw again;
    }
  }
}
