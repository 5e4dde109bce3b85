// The Botkit bridge: mounts any Botkit v4 platform adapter (botbuilder-adapter-web, -facebook, ...)
// in front of Kefu's core, so a shop can reuse an adapter Botkit already has. Botkit receives and
// verifies what its adapter receives (on its own express server, as Botkit expects); every message
// goes to ConversationService.receive, and the replies go back through the same adapter.
//
// Botkit and the Bot Framework SDK under it are no longer maintained, and its install runs a
// failing postinstall script: this folder is a package of its own, installed only when wanted with
// `npm ci --ignore-scripts`, and nothing else in Kefu imports it (docs/channels.md, "Botkit bridge").

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import bodyParser from 'body-parser';
import { Botkit, type BotkitMessage, type BotWorker } from 'botkit';
import express from 'express';
import { conversationKey, type ConversationService } from '../../../dialogs/conversations.ts';
import type { ConversationRef, InboundMessage, Reply } from '../../../dialogs/messages.ts';
import type { Logger, OutboundChannel } from '../../../dialogs/ports.ts';
import { botkitMessageOf } from './botkit-reply.ts';

export interface BotkitBridgeOptions {
  /** A Botkit v4 platform adapter instance, configured as its own documentation says. */
  adapter: unknown;
  conversations: ConversationService;
  /** The channel name conversations are filed under in Kefu, e.g. "botkit-web". */
  channel: string;
  host: string;
  /** 0 picks a free port. */
  port: number;
  /** Where the adapter's webhook is mounted. Default /api/messages. */
  webhookUri?: string;
  /** Largest request body accepted by the adapter's webhook. Default 64kb. */
  bodyLimit?: string;
  logger: Logger;
}

export interface BotkitBridge {
  url: string;
  /** Sends replies that answer no request (an agent, a reminder) through the adapter; register it with the core. */
  outbound: OutboundChannel;
  close(): Promise<void>;
}

/** Kefu's button payloads are commands ("/ask_size", "/pick{...}"); a quick reply sends its payload back as the text. */
const PAYLOAD = /^\/[a-z][a-z0-9_]*(\{.*\})?$/s;

export async function startBotkitBridge(options: BotkitBridgeOptions): Promise<BotkitBridge> {
  const { conversations, channel, logger } = options;
  const webserver = express();
  // As Botkit's own server does: keep the raw body (adapters verify platform signatures over it), then parse.
  webserver.use((req, _res, next) => {
    const raw: Buffer[] = [];
    req.on('data', (chunk: Buffer) => raw.push(chunk));
    req.on('end', () => ((req as IncomingMessage & { rawBody?: string }).rawBody = Buffer.concat(raw).toString('utf8')));
    next();
  });
  webserver.use(bodyParser.json({ limit: options.bodyLimit ?? '64kb' }));
  webserver.use(bodyParser.urlencoded({ limit: options.bodyLimit ?? '64kb', extended: true }));

  const controller = new Botkit({
    adapter: options.adapter,
    webserver,
    webhook_uri: options.webhookUri ?? '/api/messages',
    disable_console: true,
  });
  // Conversation references, so an agent's answer can be sent later (in this process's memory).
  const references = new Map<string, Partial<BotkitMessage['reference']>>();

  controller.on('message', async (bot: BotWorker, message: BotkitMessage) => {
    const text = typeof message.text === 'string' ? message.text : '';
    const conversation: ConversationRef = { channel, conversationId: String(message.channel ?? message.user), buyerId: String(message.user) };
    const incomingId = message.incoming_message?.id ?? (typeof message.messageId === 'string' ? message.messageId : undefined);
    const inbound: InboundMessage = {
      // A platform's message id makes its redeliveries count once; without one, each message is new.
      id: incomingId ? `${conversation.conversationId}/${incomingId}` : randomUUID(),
      conversation,
      text: PAYLOAD.test(text.trim()) ? '' : text,
      ...(PAYLOAD.test(text.trim()) ? { payload: text.trim() } : {}),
      receivedAt: Date.now(),
    };
    references.set(conversationKey(conversation), message.reference);
    let replies: Reply[];
    try {
      replies = (await conversations.receive(inbound)).replies;
    } catch (error) {
      // Not now (Redis away, the conversation busy): a webhook caller gets 503 and retries; a socket
      // client gets nothing, and the message is logged for a person.
      logger.warn({ err: (error as Error).message, channel }, 'Botkit message could not be handled now');
      bot.getConfig('context')?.turnState?.set('httpStatus', 503);
      return;
    }
    for (const reply of replies) await bot.reply(message, botkitMessageOf(reply));
  });

  const server: Server = createServer(webserver);
  // Adapters that speak WebSocket (the web adapter with {noServer: true}) share this server.
  const sockets = (options.adapter as { wss?: { options?: { noServer?: boolean }; handleUpgrade: (...args: unknown[]) => unknown; emit: (...args: unknown[]) => unknown } }).wss;
  if (sockets?.options?.noServer) {
    server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
      sockets.handleUpgrade(request, socket, head, (ws: unknown) => sockets.emit('connection', ws, request));
    });
  }
  await new Promise<void>((resolve) => server.listen(options.port, options.host, resolve));
  const port = (server.address() as { port: number }).port;

  const outbound: OutboundChannel = {
    channel,
    async send(conversation, replies) {
      const reference = references.get(conversationKey(conversation));
      if (!reference) throw new Error(`no Botkit conversation reference for ${conversationKey(conversation)} in this process`);
      const bot = await controller.spawn();
      await bot.changeContext(reference);
      for (const reply of replies) await bot.say(botkitMessageOf(reply));
    },
  };

  return {
    url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${port}`,
    outbound,
    async close() {
      await controller.shutdown();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
