// Recovers pushes that never reached Kefu (Kefu was down, the network dropped them): every
// lostPushIntervalSeconds, ask Shopee's lost-push API for what it failed to deliver, queue each
// webchat message through the same reader and inbox as live pushes (a message that did arrive is a
// duplicate there and is not answered twice), then confirm up to the last id so Shopee forgets them.
// Confirmation comes only after every message of the page is queued: if queueing fails, the next
// round asks again.

import type { Logger } from '../../../dialogs/ports.ts';
import type { Clock } from '../../../dialogs/ports.ts';
import type { ChannelState } from '../shared/channel-state.ts';
import { isObject } from '../shared/push-reading.ts';
import type { ShopeeApiClient } from './shopee-api-client.ts';
import { readShopeePush } from './shopee-push.ts';

export const SHOPEE_LOST_PUSH_PATH = '/api/v2/push/get_lost_push_message';
export const SHOPEE_CONFIRM_LOST_PUSH_PATH = '/api/v2/push/confirm_consumed_lost_push_message';

export interface LostPushOptions {
  api: ShopeeApiClient;
  state: ChannelState;
  shopId: number;
  clock: Clock;
  logger: Logger;
}

/** One recovery round; returns how many messages were queued. Pages until Shopee says there are no more. */
export async function recoverLostPushes(options: LostPushOptions): Promise<number> {
  const { api, state, shopId, clock, logger } = options;
  let queued = 0;
  for (let page = 0; page < 100; page++) {
    const answer = await api.publicCall('GET', SHOPEE_LOST_PUSH_PATH);
    const response = isObject(answer.response) ? answer.response : {};
    const list = Array.isArray(response.push_message_list) ? response.push_message_list : [];
    for (const push of list) {
      if (!isObject(push)) continue;
      const reading = readShopeePush(push, clock.now(), shopId);
      if (reading.kind === 'message' && (await state.enqueue(reading.message)) === 'queued') queued++;
      else if (reading.kind === 'unreadable') logger.warn({ reason: reading.reason }, 'Shopee lost push not readable; skipped');
    }
    const lastId = response.last_message_id;
    if (typeof lastId === 'number' && list.length > 0) await api.publicCall('POST', SHOPEE_CONFIRM_LOST_PUSH_PATH, { last_message_id: lastId });
    if (response.has_next_page !== true || list.length === 0) break;
  }
  return queued;
}

/** Runs recoverLostPushes now and every intervalSeconds; returns a function that stops it. */
export function scheduleLostPushRecovery(options: LostPushOptions, intervalSeconds: number): () => Promise<void> {
  let stopped = false;
  let busy = false;
  let running: Promise<unknown> = Promise.resolve();
  const round = (): void => {
    // A slow round must not overlap the next one: both would confirm the same page.
    if (busy) return;
    busy = true;
    running = recoverLostPushes(options)
      .then((count) => {
        if (count > 0) options.logger.info({ count }, 'recovered Shopee messages that had not been pushed');
      })
      .catch((error: Error) => options.logger.warn({ err: error.message }, 'Shopee lost-push recovery failed; will try again'))
      .finally(() => (busy = false));
  };
  round();
  const timer = setInterval(() => {
    if (!stopped) round();
  }, intervalSeconds * 1000);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
