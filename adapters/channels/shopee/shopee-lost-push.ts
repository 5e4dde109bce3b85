// Recovers pushes that never reached Kefu (Kefu was down, the network dropped them, or Shopee had
// disabled the subscription): every lostPushIntervalSeconds, ask Shopee's lost-push API for what it
// failed to deliver, read each item as the whole push it holds (shopee-push.ts, readLostShopeePush)
// and queue its buyer message through the same inbox as live pushes (a message that did arrive is a
// duplicate there and is not answered twice), then confirm the page so Shopee forgets it.
// Sources: API reference "v2.push.get_lost_push_message" (GET, partner-level signature: the earliest
// 100 pushes lost within 3 days and not confirmed; push_message_list [{shop_id, code, timestamp,
// data}], has_next_page, last_message_id) and "v2.push.confirm_consumed_lost_push_message" (POST
// {last_message_id}); their error codes: error_server "Something wrong. Please try later" is retried,
// error_param / error_data are not.
//
// Confirming is PARTNER-WIDE: one last_message_id confirms every lost push of the app up to it, for
// every shop and every push code, whoever else consumes them. So Kefu confirms a page only when it
// handled every item on it (this shop's webchat pushes: queued, duplicate, too old, or unreadable and
// logged), and only after all of them are queued. A page that also holds pushes for other shops or
// other codes is left unconfirmed for the system that consumes those (logged once per round): its
// webchat messages are still answered, once.

import type { Clock, Logger } from '../../../dialogs/ports.ts';
import type { ChannelState } from '../shared/channel-state.ts';
import { isObject, pushAcceptedForMs, pushAge } from '../shared/push-reading.ts';
import type { UnknownShapes } from '../shared/unknown-shapes.ts';
import type { ShopeeApiClient } from './shopee-api-client.ts';
import { isOwnWebchatItem, readLostShopeePush } from './shopee-push.ts';

export const SHOPEE_LOST_PUSH_PATH = '/api/v2/push/get_lost_push_message';
export const SHOPEE_CONFIRM_LOST_PUSH_PATH = '/api/v2/push/confirm_consumed_lost_push_message';

export interface LostPushOptions {
  api: ShopeeApiClient;
  state: ChannelState;
  shopId: number;
  clock: Clock;
  logger: Logger;
  unknownShapes: UnknownShapes;
  /** Messages older than this are not answered (the same replay window as live pushes). */
  maxAgeSeconds: number;
}

export interface LostPushRound {
  /** Buyer messages newly queued (to be answered). */
  queued: number;
  /** Pages confirmed to Shopee. */
  confirmed: number;
  /** Items left for another consumer (other shops, other push codes); their page was not confirmed. */
  foreign: number;
}

/** One recovery round. Pages until Shopee says there are no more, or a page cannot be confirmed. */
export async function recoverLostPushes(options: LostPushOptions): Promise<LostPushRound> {
  const { api, state, shopId, clock, logger } = options;
  const round: LostPushRound = { queued: 0, confirmed: 0, foreign: 0 };
  for (let page = 0; page < 100; page++) {
    const answer = await api.publicCall('GET', SHOPEE_LOST_PUSH_PATH);
    const response = isObject(answer.response) ? answer.response : {};
    const list = Array.isArray(response.push_message_list) ? response.push_message_list : [];
    let foreign = 0;
    for (const item of list) {
      if (!isObject(item) || !isOwnWebchatItem(item, shopId)) {
        foreign++;
        continue;
      }
      const now = clock.now();
      const reading = readLostShopeePush(item, now, shopId);
      if (reading.kind === 'unreadable') options.unknownShapes.report(`lost push: ${reading.reason}`, reading.fields);
      if (reading.kind !== 'message') continue;
      if (pushAge(reading.sentAt, now, options.maxAgeSeconds) === 'stale') {
        logger.info({ messageId: reading.message.id }, 'Shopee lost push older than the replay window; not answered');
        continue;
      }
      if ((await state.enqueue(reading.message, { acceptedForMs: pushAcceptedForMs(reading.sentAt, now, options.maxAgeSeconds) })) === 'queued') round.queued++;
    }
    round.foreign += foreign;
    if (foreign > 0) {
      logger.warn({ foreign, onPage: list.length }, 'Shopee lost pushes for other shops or push types: the page is left unconfirmed for the system that consumes them (confirming is partner-wide)');
      break;
    }
    const lastId = response.last_message_id;
    if (typeof lastId === 'number' && list.length > 0) {
      await api.publicCall('POST', SHOPEE_CONFIRM_LOST_PUSH_PATH, { last_message_id: lastId });
      round.confirmed++;
    }
    if (response.has_next_page !== true || list.length === 0) break;
  }
  return round;
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
      .then(({ queued }) => {
        if (queued > 0) options.logger.info({ count: queued }, 'recovered Shopee messages that had not been pushed');
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
