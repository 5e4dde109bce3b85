// The Botkit 4 peer of `npm run bench`: the same 5-turn size-advice dialogue as Kefu's demo flows
// (hello; "help me with a size" → height? → weight? → the size; thanks), written the way Botkit's
// own docs write a dialogue (a BotkitConversation of ask() steps, hears() triggers), behind the same
// POST /webchat/messages the load generator sends to Kefu and the floor. Botkit's web adapter is
// used in its webhook mode (replies in the HTTP response), called from a node:http server as
// Botkit's own webserver would call it. Botkit keeps dialogue state in its default MemoryStorage
// (no Redis round trips): a head start over Kefu, which keeps its sessions in Redis.
//
// Botkit lives in the optional bridge's own install (adapters/channels/botkit-bridge, see
// docs/channels.md), so it is loaded from there; bench/run.ts starts this peer only when that
// install is present. Environment: PORT, HOST; prints "botkit peer listening on …" when ready.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readBody, sendJson } from './json-http.ts';
import { createRequire } from 'node:module';

const fromBridge = createRequire(new URL('../adapters/channels/botkit-bridge/package.json', import.meta.url));
/* eslint-disable @typescript-eslint/no-explicit-any -- Botkit's types live in the bridge's own install, outside this type-check */
const { Botkit, BotkitConversation } = fromBridge('botkit') as any;
const { WebAdapter } = fromBridge('botbuilder-adapter-web') as any;

const host = process.env.HOST ?? '127.0.0.1';
const port = Number(process.env.PORT ?? '0');
const ID_PATTERN = /^[A-Za-z0-9_.:@-]{1,128}$/;

// Webhook mode only: no websocket server (Botkit's own webserver, which it would bind to, is off).
const adapter = new WebAdapter({ noServer: true });
const controller = new Botkit({ adapter, disable_webserver: true, disable_console: true });

/** The demo shop's default chart, as Kefu's flows read it: height and weight to a size. */
function sizeFor(heightCm: number, weightKg: number): string {
  const rows: [string, number, number][] = [['S', 165, 55], ['M', 175, 65], ['L', 182, 75], ['XL', 190, 90]];
  return rows.find(([, height, weight]) => heightCm <= height && weightKg <= weight)?.[0] ?? 'XXL';
}

const sizeDialog = new BotkitConversation('size_advice', controller);
sizeDialog.ask('请问您的身高是多少厘米?', [], 'height');
sizeDialog.ask('体重多少公斤呢?', [], 'weight');
sizeDialog.addAction('answer');
sizeDialog.before('answer', async (convo: any) => {
  const height = Number(String(convo.vars.height).replace(/\D+/g, ''));
  const weight = Number(String(convo.vars.weight).replace(/\D+/g, ''));
  convo.setVar('size', sizeFor(height, weight));
});
sizeDialog.addMessage('根据尺寸,您适合{{vars.size}}号哦', 'answer');
controller.addDialog(sizeDialog);

controller.hears(['尺码', 'size'], 'message', async (bot: any) => {
  await bot.beginDialog('size_advice');
});
controller.hears(['你好', 'hello', 'hi'], 'message', async (bot: any, message: any) => {
  await bot.reply(message, '亲,您好!尺码、库存、发货,问我就对啦!');
});
controller.hears(['谢谢', 'thanks'], 'message', async (bot: any, message: any) => {
  await bot.reply(message, '不客气,祝您购物愉快~');
});
controller.on('message', async (bot: any, message: any) => {
  await bot.reply(message, '小蜜没太明白,换个说法试试?');
});



function parseBody(raw: string | null): { conversationId?: unknown; text?: unknown } | null {
  try {
    return raw === null ? null : (JSON.parse(raw) as { conversationId?: unknown; text?: unknown });
  } catch {
    return null;
  }
}

async function answerMessage(request: IncomingMessage, response: ServerResponse): Promise<void> {
  const raw = await readBody(request);
  const body = parseBody(raw);
  if (!body || typeof body.conversationId !== 'string' || !ID_PATTERN.test(body.conversationId) || typeof body.text !== 'string') {
    return sendJson(response, 400, { error: 'conversationId and text are required' });
  }
  // What Botkit's webserver hands the adapter on its webhook route, and the response methods it uses.
  const botkitRequest = { body: { type: 'message', text: body.text, user: body.conversationId, channel: 'webhook' } };
  let status = 200;
  const botkitResponse = {
    status(code: number) {
      status = code;
    },
    json(messages: { text?: string }[]) {
      sendJson(response, status, { replies: messages.map((message) => ({ text: message.text ?? '' })) });
    },
    end() {
      sendJson(response, status, { replies: [] });
    },
  };
  await adapter.processActivity(botkitRequest, botkitResponse, controller.handleTurn.bind(controller));
}

const server = createServer((request, response) => {
  if (request.method === 'GET' && request.url === '/healthz') return sendJson(response, 200, { ok: true });
  if (request.method === 'POST' && request.url === '/webchat/messages') {
    answerMessage(request, response).catch((error: Error) => sendJson(response, 500, { error: error.message }));
    return;
  }
  sendJson(response, 404, { error: 'not found' });
});
server.keepAliveTimeout = 65_000;
controller.ready(() => {
  server.listen(port, host, () => process.stdout.write(`botkit peer listening on http://${host}:${port}\n`));
});

const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
