// What the composition needs from a channel buyers write through (a marketplace's IM), as the agent
// desk's DeskAdapter is for the people's side. A channel is built before the conversation service,
// so the core knows every road it can send on (agents' answers, reminders) from the start; it starts
// receiving (webhook routes, the worker answering queued messages, timers) once the service exists.
// Each channel (adapters/channels/<channel>/<channel>-channel.ts) exports a factory returning one.

import type { FastifyInstance } from 'fastify';
import type { ConversationService } from '../../dialogs/conversations.ts';
import type { OutboundChannel } from '../../dialogs/ports.ts';

export interface ChannelStartParts {
  http: FastifyInstance;
  conversations: ConversationService;
}

export interface ChannelAdapter {
  /** The channel's name in conversation refs (lazada, tiktok, shopee). */
  readonly name: string;
  /** How the core sends to this channel later, outside a buyer's turn. */
  readonly outbound: OutboundChannel;
  /** Mounts the channel's routes and starts its worker and timers; called once, before the server is ready. */
  start(parts: ChannelStartParts): Promise<void>;
  /** Stops the worker and timers and lets go of the channel's own connections. */
  close(): Promise<void>;
}
