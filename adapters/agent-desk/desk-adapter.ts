// What the composition (compose/) needs from an agent-desk adapter besides the HandoffDesk port itself: its
// webhook routes on Kefu's HTTP server, its connections (Socket Mode, Stream Mode) and a way
// to close them. Each desk (adapters/agent-desk/<desk>/) exports a factory returning one.

import type { FastifyInstance } from 'fastify';
import type { AgentEventHandler } from '../../dialogs/handoff/agent-events.ts';
import type { HandoffDesk } from '../../dialogs/handoff/handoff-desk.ts';
import type { DegradedPart } from '../../dialogs/handoff/desk-health.ts';

export interface DeskAdapter {
  /** The outbound side the hand-off core talks to. */
  readonly desk: HandoffDesk;
  /** Mounts the desk's webhook routes (events, button presses) on Kefu's HTTP server, if it has any. */
  registerRoutes?(http: FastifyInstance): void;
  /**
   * Hands the adapter the core's inbound side and opens the desk's own connections (a WebSocket
   * for Socket Mode / Stream Mode). Called once, before any route is registered or event received.
   */
  start(handler: AgentEventHandler): Promise<void>;
  /**
   * Null while the desk is connected; else what is wrong (it could not be reached at start and is
   * tried again in the background). Kefu serves buyers either way; /healthz shows it.
   */
  degraded?(): DegradedPart | null;
  close(): Promise<void>;
}
