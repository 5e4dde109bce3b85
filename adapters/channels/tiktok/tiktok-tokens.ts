// TikTok Shop's token refresh. Source: TikTok Shop's official Node.js SDK, utils/token
// (AccessTokenTool.refreshToken / AccessToken.refreshToken): GET https://auth.tiktok-shops.com
// /api/v2/token/refresh with app_key, app_secret, refresh_token and grant_type in the query (no
// signature); the answer {code, message, data: TokenResponse}, whose access_token_expire_in and
// refresh_token_expire_in are Unix TIMESTAMPS in seconds ("Expiration timestamp for access token,
// with default expiration time set to seven days"), not durations. grant_type: the SDK sends
// "authorized_code" for both calls; TikTok's authorization guide and every integration found send
// "refresh_token" for a refresh, which is what Kefu sends.

import { ApiError, errorForStatus, jsonObjectOf } from '../shared/api-retry.ts';
import { isObject, timeOf } from '../shared/push-reading.ts';
import type { RenewedTokens } from '../shared/token-keeper.ts';
import { tiktokFailure } from './tiktok-errors.ts';

export const TIKTOK_REFRESH_PATH = '/api/v2/token/refresh';
export const TIKTOK_AUTH_BASE_URL = 'https://auth.tiktok-shops.com';

export async function refreshTiktokToken(authBaseUrl: string, appKey: string, appSecret: string, refreshToken: string): Promise<RenewedTokens> {
  const query = new URLSearchParams({ app_key: appKey, app_secret: appSecret, refresh_token: refreshToken, grant_type: 'refresh_token' });
  const response = await fetch(`${authBaseUrl.replace(/\/+$/, '')}${TIKTOK_REFRESH_PATH}?${query.toString()}`, { signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  const body = jsonObjectOf(text);
  if (!body) throw errorForStatus('TikTok Shop auth', response.status, text, response.headers.get('retry-after'));
  if (body.code !== 0) throw new ApiError(`TikTok Shop token refresh failed: ${String(body.code)}`, tiktokFailure(Number(body.code)), undefined, String(body.code));
  const data = isObject(body.data) ? body.data : {};
  const accessToken = typeof data.access_token === 'string' ? data.access_token : '';
  if (!accessToken) throw new ApiError('TikTok Shop token refresh answered without an access_token', 'refused');
  const accessExpiresAt = timeOf(data.access_token_expire_in);
  const refreshExpiresAt = timeOf(data.refresh_token_expire_in);
  return {
    accessToken,
    ...(typeof data.refresh_token === 'string' && data.refresh_token ? { refreshToken: data.refresh_token } : {}),
    ...(accessExpiresAt !== null ? { accessExpiresAt } : {}),
    ...(refreshExpiresAt !== null ? { refreshExpiresAt } : {}),
  };
}
