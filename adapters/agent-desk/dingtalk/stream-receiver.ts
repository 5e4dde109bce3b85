// Receives agents' messages over DingTalk's Stream Mode with the `dingtalk-stream` SDK: the SDK
// asks the gateway for an endpoint and a ticket, opens the WebSocket, answers the server's pings
// and ACKs frames. Kefu subclasses its client for four things the SDK does not do:
// - the gateway address is configurable (the SDK hard-codes api.dingtalk.com), so tests point it at
//   a local server and production uses the same default;
// - a frame that is not JSON or lacks headers is logged and dropped (the SDK would throw from the
//   socket's message handler and take the process down);
// - one connection attempt at a time: the SDK schedules a reconnect both from its error and its close
//   handler, which doubles the attempts on every failure, and leaks a heartbeat timer per reconnect;
// - a robot message is ACKed only once Kefu has handled it, so a failure is redelivered by DingTalk
//   (the SDK leaves CALLBACK ACKs to the caller); a message that can never be read is ACKed and dropped.

import { DWClient, TOPIC_ROBOT, type DWClientDownStream } from 'dingtalk-stream';
import type { Logger } from '../../../dialogs/ports.ts';
import { parseRobotMessage, type RobotMessage } from './robot-message.ts';

export const DINGTALK_GATEWAY_PATH = '/v1.0/gateway/connections/open';

export interface StreamReceiverOptions {
  clientId: string;
  clientSecret: string;
  /** https://api.dingtalk.com in production. */
  apiBase: string;
  logger: Logger;
  /** Handles one agent message; a rejection leaves the frame un-ACKed, so DingTalk delivers it again. */
  onRobotMessage(message: RobotMessage): Promise<void>;
  /** Pause before reconnecting after the connection drops (the SDK's default is 1 s). */
  reconnectMs?: number;
  /** How long the WebSocket may take to open before the attempt is dropped and retried (30 s). */
  openTimeoutMs?: number;
}

const SOCKET_CONNECTING = 0;
/** The SDK waits for the WebSocket to open without a limit; a handshake that hangs is dropped and retried. */
const OPEN_TIMEOUT_MS = 30_000;
const SOCKET_OPEN = 1;

export class StreamReceiver extends DWClient {
  private stopped = false;
  /** Since when connecting fails, and why (null while connected or connecting for the first time). */
  lastFailure: { since: number; reason: string } | null = null;
  private connecting = false;
  private retryTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: StreamReceiverOptions) {
    // keepAlive: the SDK pings every 8 s and drops a socket that stops answering, then reconnects.
    super({ clientId: options.clientId, clientSecret: options.clientSecret, keepAlive: true, ua: 'kefu' });
    const internals = this as unknown as { reconnectInterval: number };
    internals.reconnectInterval = options.reconnectMs ?? 1000;
    this.registerCallbackListener(TOPIC_ROBOT, (frame) => void this.onRobotFrame(frame));
  }

  /** True while the WebSocket is open and DingTalk may push messages. */
  get isOpen(): boolean {
    const socket = (this as unknown as { socket?: { readyState: number } }).socket;
    return socket?.readyState === SOCKET_OPEN;
  }

  override async getEndpoint(): Promise<this> {
    const response = await fetch(`${this.options.apiBase.replace(/\/+$/, '')}${DINGTALK_GATEWAY_PATH}`, {
      method: 'POST',
      // Without Accept the gateway answers XML (the SDK notes the same).
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({
        clientId: this.config.clientId,
        clientSecret: this.config.clientSecret,
        ua: this.config.ua,
        subscriptions: this.config.subscriptions,
      }),
      signal: AbortSignal.timeout(10_000),
    });
    if (!response.ok) throw new Error(`the Stream gateway answered ${response.status}`);
    const body = (await response.json()) as { endpoint?: unknown; ticket?: unknown };
    if (typeof body.endpoint !== 'string' || typeof body.ticket !== 'string') throw new Error('the Stream gateway answered without endpoint and ticket');
    const url = new URL(body.endpoint);
    url.searchParams.set('ticket', body.ticket);
    (this as unknown as { dw_url: string }).dw_url = url.toString();
    return this;
  }

  override async connect(): Promise<void> {
    const socket = (this as unknown as { socket?: { readyState: number } }).socket;
    if (this.stopped || this.connecting) return;
    if (socket && (socket.readyState === SOCKET_OPEN || socket.readyState === SOCKET_CONNECTING)) return;
    this.connecting = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    // The SDK starts a new heartbeat timer on every open without stopping the last one.
    clearInterval((this as unknown as { heartbeatIntervallId?: NodeJS.Timeout }).heartbeatIntervallId);
    try {
      await this.getEndpoint();
      await this.openWithin(this.options.openTimeoutMs ?? OPEN_TIMEOUT_MS);
      this.options.logger.info('DingTalk Stream connected');
      this.lastFailure = null;
    } catch (error) {
      this.options.logger.warn({ err: (error as Error).message }, 'DingTalk Stream connection failed; retrying');
      this.lastFailure = { since: this.lastFailure?.since ?? Date.now(), reason: (error as Error).message.split('\n')[0]!.slice(0, 200) };
      if (!this.stopped) this.retryTimer = setTimeout(() => void this.connect(), (this as unknown as { reconnectInterval: number }).reconnectInterval);
    } finally {
      this.connecting = false;
    }
  }

  private async openWithin(ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        (this as unknown as { socket?: { terminate(): void } }).socket?.terminate();
        reject(new Error(`the Stream WebSocket did not open within ${ms} ms`));
      }, ms);
    });
    try {
      await Promise.race([this._connect(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  override disconnect(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    clearInterval((this as unknown as { heartbeatIntervallId?: NodeJS.Timeout }).heartbeatIntervallId);
    super.disconnect();
  }

  override onDownStream(data: string): void {
    let frame: unknown;
    try {
      frame = JSON.parse(String(data));
    } catch {
      this.options.logger.warn({ bytes: String(data).length }, 'DingTalk Stream frame is not JSON; dropped');
      return;
    }
    const f = frame as Partial<DWClientDownStream> | null;
    if (
      typeof f !== 'object' || f === null || typeof f.type !== 'string' || typeof f.headers !== 'object' || f.headers === null ||
      typeof f.headers.topic !== 'string' || typeof f.headers.messageId !== 'string' || (f.data !== undefined && typeof f.data !== 'string')
    ) {
      this.options.logger.warn('DingTalk Stream frame without type, headers.topic or headers.messageId; dropped');
      return;
    }
    super.onDownStream(String(data));
  }

  private async onRobotFrame(frame: DWClientDownStream): Promise<void> {
    const messageId = frame.headers.messageId;
    let data: unknown;
    try {
      data = JSON.parse(frame.data);
    } catch {
      data = null;
    }
    const parsed = parseRobotMessage(data);
    if (!parsed.ok) {
      // It will not read better the next time: ACK so DingTalk stops sending it.
      this.options.logger.warn({ reason: parsed.reason }, 'DingTalk robot message unreadable; dropped');
      this.socketCallBackResponse(messageId, { error: parsed.reason });
      return;
    }
    try {
      await this.options.onRobotMessage(parsed.message);
      this.socketCallBackResponse(messageId, {});
    } catch (error) {
      this.options.logger.error({ err: (error as Error).message, msgId: parsed.message.msgId }, 'DingTalk robot message failed; DingTalk will deliver it again');
    }
  }
}
