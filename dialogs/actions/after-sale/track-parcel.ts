// track_parcel: where the parcel is, from the backend's tracking events. A parcel with no news for
// the shop's stalled_after_hours, a failed delivery or a parcel going back to the shop is an
// exception: the flow apologises and hands it to the logistics queue. Each event reads as the flows'
// `vocabulary.tracking_events` names its kind.

import type { TrackingEvent } from '../../commerce/orders.ts';
import { vocabularyPart } from '../../flows/vocabulary.ts';
import type { ActionDefinition } from '../action-types.ts';
import { formatTime, stringSlot } from './order-view.ts';

const HOUR = 3_600_000;

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
    'returned_to_sender, no_events, not_found, unavailable), last_event, earlier_events (the two before it, newest first) and hours_silent.',
  outputs: ['tracking_state', 'last_event', 'earlier_events', 'hours_silent'],
  vocabulary: ['tracking_events'],
  async run(context) {
    const eventNames = vocabularyPart(context.vocabulary, 'tracking_events');
    const orderId = stringSlot(context, 'order_id');
    if (!orderId) return { set: { tracking_state: 'not_found' } };
    try {
      const events = await context.orders.trackingEvents(orderId);
      if (events === null) return { set: { tracking_state: 'not_found' } };
      const { language, afterSale, now } = context;
      const line = (e: TrackingEvent): string =>
        [formatTime(e.at, language, afterSale.timezone), e.location, eventNames[e.kind]?.[language] ?? e.kind].filter(Boolean).join(' ');
      const last = events.at(-1);
      return {
        set: {
          tracking_state: trackingState(events, now, afterSale.stalledAfterHours),
          last_event: last ? line(last) : null,
          // The latest is last_event; repeating it here printed it twice.
          earlier_events: events.slice(-3, -1).reverse().map(line).join('\n'),
          hours_silent: last ? Math.floor((now - last.at) / HOUR) : null,
        },
      };
    } catch (error) {
      context.logger.warn({ err: (error as Error).message, action: 'track_parcel' }, 'orders backend unavailable');
      return { set: { tracking_state: 'unavailable' } };
    }
  },
};
