// A stand-in for Slack's Socket Mode endpoint on loopback: the WebSocket URL that
// apps.connections.open hands out. It greets with "hello", pushes envelopes (events_api,
// interactive) as Slack does, and resolves each with the app's acknowledgement ({ envelope_id }).

import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export class FakeSlackSocket {
  private server: WebSocketServer | null = null;
  private socket: WebSocket | null = null;
  private readonly acks = new Map<string, (ack: Record<string, unknown>) => void>();
  private onConnect: (() => void) | null = null;
  url = '';

  async start(): Promise<this> {
    this.server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => this.server!.once('listening', () => resolve()));
    this.url = `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}/link/?ticket=${randomUUID()}&app_id=A0KEFU`;
    this.server.on('connection', (socket) => {
      this.socket = socket;
      socket.on('message', (data) => {
        const ack = JSON.parse(String(data)) as Record<string, unknown>;
        const resolve = typeof ack.envelope_id === 'string' ? this.acks.get(ack.envelope_id) : undefined;
        resolve?.(ack);
      });
      socket.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'applink-test', build_number: 1, approximate_connection_time: 18060 }, connection_info: { app_id: 'A0KEFU' } }));
      this.onConnect?.();
    });
    return this;
  }

  /** Resolves once the app has connected. */
  connected(): Promise<void> {
    if (this.socket) return Promise.resolve();
    return new Promise((resolve) => (this.onConnect = resolve));
  }

  /** Pushes an envelope and waits for the app's acknowledgement. */
  deliver(type: 'events_api' | 'interactive', payload: unknown): Promise<Record<string, unknown>> {
    if (!this.socket) throw new Error('no Socket Mode connection');
    const envelopeId = randomUUID();
    const acked = new Promise<Record<string, unknown>>((resolve) => this.acks.set(envelopeId, resolve));
    this.socket.send(JSON.stringify({ envelope_id: envelopeId, payload, type, accepts_response_payload: type === 'interactive', ...(type === 'events_api' ? { retry_attempt: 0, retry_reason: '' } : {}) }));
    return acked;
  }

  async close(): Promise<void> {
    for (const client of this.server?.clients ?? []) client.terminate();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
