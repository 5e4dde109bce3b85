// Shopee's token refresh. Source: API reference "v2.public.refresh_access_token": POST
// /api/v2/auth/access_token/get on the API host (partner-level signature: partner_id + path +
// timestamp), body {refresh_token, partner_id, shop_id}. "Refresh_token can be used once only, this
// API will also return a new refresh_token"; the answer carries access_token ("expires after 4
// hours"), refresh_token ("valid for 30 days"), expire_in (seconds), shop_id, error and message at
// the top level (not under `response`).

import type { Clock } from '../../../dialogs/ports.ts';
import { ApiError } from '../shared/api-retry.ts';
import type { RenewedTokens } from '../shared/token-keeper.ts';
import type { ShopeeApiClient } from './shopee-api-client.ts';

export const SHOPEE_REFRESH_PATH = '/api/v2/auth/access_token/get';
/** "Each refresh_token is valid for 30 days" (v2.public.refresh_access_token). */
const REFRESH_TOKEN_MS = 30 * 86_400_000;

export async function refreshShopeeToken(api: ShopeeApiClient, partnerId: number, shopId: number, refreshToken: string, clock: Clock): Promise<RenewedTokens> {
  const answer = await api.publicCall('POST', SHOPEE_REFRESH_PATH, { refresh_token: refreshToken, partner_id: partnerId, shop_id: shopId });
  const accessToken = typeof answer.access_token === 'string' ? answer.access_token : '';
  if (!accessToken) throw new ApiError('Shopee access_token/get answered without an access_token', 'refused');
  const now = clock.now();
  return {
    accessToken,
    ...(typeof answer.refresh_token === 'string' && answer.refresh_token ? { refreshToken: answer.refresh_token, refreshExpiresAt: now + REFRESH_TOKEN_MS } : {}),
    ...(typeof answer.expire_in === 'number' && answer.expire_in > 0 ? { accessExpiresAt: now + answer.expire_in * 1000 } : {}),
  };
}
