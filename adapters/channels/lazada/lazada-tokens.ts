// Lazada's token refresh. Source: API reference "RefreshAccessToken" (/auth/token/refresh, served by
// https://auth.lazada.com/rest), called like any Lazada API (lazada-api-client.ts: app_key,
// timestamp, sign_method, sign) without an access token, with the API parameter refresh_token. The
// answer: access_token, refresh_token (the new one replaces the old), expires_in and
// refresh_expires_in in SECONDS (the reference's sample: 604800 and 2592000), code "0". A refused
// refresh token is IllegalRefreshToken (lazada-errors.ts: not retried). The seller's authorisation
// ends with the refresh token; Lazada also pushes msg_type 8 two days before (lazada-push.ts).

import type { Clock } from '../../../dialogs/ports.ts';
import { ApiError } from '../shared/api-retry.ts';
import type { RenewedTokens } from '../shared/token-keeper.ts';
import type { LazadaApiClient } from './lazada-api-client.ts';

export const LAZADA_REFRESH_PATH = '/auth/token/refresh';
export const LAZADA_AUTH_BASE_URL = 'https://auth.lazada.com/rest';

export async function refreshLazadaToken(api: LazadaApiClient, authBaseUrl: string, refreshToken: string, clock: Clock): Promise<RenewedTokens> {
  const answer = await api.callWithoutToken(authBaseUrl, LAZADA_REFRESH_PATH, { refresh_token: refreshToken });
  const accessToken = typeof answer.access_token === 'string' ? answer.access_token : '';
  if (!accessToken) throw new ApiError('Lazada /auth/token/refresh answered without an access_token', 'refused');
  const now = clock.now();
  const seconds = (value: unknown): number | undefined => (typeof value === 'number' && value > 0 ? now + value * 1000 : typeof value === 'string' && /^\d+$/.test(value) ? now + Number(value) * 1000 : undefined);
  const accessExpiresAt = seconds(answer.expires_in);
  const refreshExpiresAt = seconds(answer.refresh_expires_in);
  return {
    accessToken,
    ...(typeof answer.refresh_token === 'string' && answer.refresh_token ? { refreshToken: answer.refresh_token } : {}),
    ...(accessExpiresAt !== undefined ? { accessExpiresAt } : {}),
    ...(refreshExpiresAt !== undefined ? { refreshExpiresAt } : {}),
  };
}
