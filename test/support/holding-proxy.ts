// A loopback HTTP proxy in front of a test's fake backend that can hold requests at the door: while
// `hold` is set, a request is recorded and waits for it before it is passed on. Tests use it to stop
// a Kefu process at a chosen point of a turn (waiting on the shop's API) and kill it there.

import { createServer, request as forward, type Server } from 'node:http';

export interface HoldingProxy {
  url: string;
  /** Paths of the requests received, in order (also those still held). */
  requests: string[];
  /** While set, every request waits for this promise before it is passed on. */
  hold: Promise<void> | null;
  close(): Promise<void>;
}

export async function startHoldingProxy(target: string): Promise<HoldingProxy> {
  const to = new URL(target);
  const server: Server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', async () => {
      proxy.requests.push(incoming.url ?? '/');
      await proxy.hold;
      const passed = forward({ host: to.hostname, port: to.port, method: incoming.method, path: incoming.url, headers: { ...incoming.headers, host: to.host } }, (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      });
      passed.on('error', () => outgoing.destroy());
      passed.end(Buffer.concat(chunks));
    });
  });
  const proxy: HoldingProxy = {
    url: '',
    requests: [],
    hold: null,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return proxy;
}
