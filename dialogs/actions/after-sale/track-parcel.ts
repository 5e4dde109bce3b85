// track_parcel: where the parcel is, from the backend's tracking events. A parcel with no news for
// the shop's stalled_after_hours, a failed delivery or a parcel going back to the shop is an
// exception: the flow apologises and hands it to the logistics queue.

import type { TrackingEvent, TrackingEventKind } from '../../commerce/orders.ts';
import type { LocalText } from '../../messages.ts';
import type { ActionDefinition } from '../action-types.ts';
import { formatTime, stringSlot } from './order-view.ts';

const HOUR = 3_600_000;

const EVENT_LABELS: Record<TrackingEventKind, LocalText> = {
  picked_up: { 'zh-Hans': '快递已揽收', 'zh-Hant': '快遞已攬收', en: 'picked up' },
  in_transit: { 'zh-Hans': '运输中', 'zh-Hant': '運輸中', en: 'in transit' },
  out_for_delivery: { 'zh-Hans': '派送中', 'zh-Hant': '派送中', en: 'out for delivery' },
  delivered: { 'zh-Hans': '已签收', 'zh-Hant': '已簽收', en: 'delivered' },
  failed_delivery: { 'zh-Hans': '派送失败', 'zh-Hant': '派送失敗', en: 'delivery failed' },
  returned_to_sender: { 'zh-Hans': '退回寄件人', 'zh-Hant': '退回寄件人', en: 'returned to sender' },
  exception: { 'zh-Hans': '物流异常', 'zh-Hant': '物流異常', en: 'delivery problem' },
};

export type TrackingState = 'moving' | 'delivered' | 'stalled' | 'failed_delivery' | 'returned_to_sender' | 'no_events' | 'not_found' | 'unavailable';

export function trackingState(events: TrackingEvent[], now: number, stalledAfterHours: number): TrackingState {
  const last = events.at(-1);
  if (!last) return 'no_events';
  if (last.kind === 'delivered') return 'delivered';
  if (last.kind === 'returned_to_sender') return 'returned_to_sender';
  if (last.kind === 'failed_delivery' || last.kind === 'exception') return 'failed_delivery';
  if (now - last.at > stalledAfterHours * HOUR) return 'stalled';
  return 'moving';
}

export const trackParcel: ActionDefinition = {
  name: 'track_parcel',
  description:
    'Reads the tracking events of order_id. Sets tracking_state (moving, delivered, stalled, failed_delivery, ' +
    'returned_to_sender, no_events, not_found, unavailable), last_event, events_text and hours_silent.',
  outputs: ['tracking_state', 'last_event', 'events_text', 'hours_silent'],
  async run(context) {
    const orderId = stringSlot(context, 'order_id');
    if (!orderId) return { set: { tracking_state: 'not_found' } };
    try {
      const events = await context.orders.trackingEvents(orderId);
      if (events === null) return { set: { tracking_state: 'not_found' } };
      const { language, afterSale, now } = context;
      const line = (e: TrackingEvent): string =>
        [formatTime(e.at, language, afterSale.timezone), e.location, EVENT_LABELS[e.kind]?.[language] ?? e.kind].filter(Boolean).join(' ');
      const last = events.at(-1);
      return {
        set: {
          tracking_state: trackingState(events, now, afterSale.stalledAfterHours),
          last_event: last ? line(last) : null,
          events_text: events.slice(-3).reverse().map(line).join('\n'),
          hours_silent: last ? Math.floor((now - last.at) / HOUR) : null,
        },
      };
    } catch (error) {
      context.logger.warn({ err: (error as Error).message, action: 'track_parcel' }, 'orders backend unavailable');
      return { set: { tracking_state: 'unavailable' } };
    }
  },
};
