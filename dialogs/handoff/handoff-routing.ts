// Which queue a hand-off goes to (each queue is a channel or group on the desk): complaints to the
// people who handle complaints, parcels gone astray to logistics, and so on, as the shop configures.

import type { HandoffRequest } from '../ports.ts';
import type { HandoffRouting } from './handoff-settings.ts';

/** Every queue the shop's routing names: where an agent may transfer a hand-off. */
export function knownQueues(routing: HandoffRouting): string[] {
  const names = [routing.default, routing.withOrder, ...Object.values(routing.byReason), ...Object.values(routing.byFlow)];
  return [...new Set(names.filter((n): n is string => typeof n === 'string' && n.length > 0))].sort();
}

export function routeHandoff(request: HandoffRequest, routing: HandoffRouting): string {
  return (
    routing.byReason[request.reason] ??
    (request.flow ? routing.byFlow[request.flow] : undefined) ??
    (request.orderId ? routing.withOrder : undefined) ??
    routing.default
  );
}
