import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

/**
 * How the proxy treats the next connections:
 * - `pass`: forwards to the target;
 * - `hang`: accepts and reads, never answers (a subgraph stuck on a lock or a GC pause);
 * - `reset`: accepts, reads the request, then resets the connection unanswered (a kept-alive
 *   socket the server closed as the request went out);
 * - `down`: nothing listens on the port (connection refused);
 * - `trickle`: reads the request, answers 200 at once, then sends the body a space every 100 ms
 *   and never ends it (no single pause is long, the whole answer never comes).
 */
export type FaultMode = 'pass' | 'hang' | 'reset' | 'down' | 'trickle';

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`: put it where the real service's base URL would go. */
  url: string;
  /** Where `pass` forwards to, e.g. a subgraph's port known only once the stack runs. */
  targetPort: number | null;
  /** Sets the mode; `reset` applies to the next `times` connections, then `pass` again. */
  set(mode: FaultMode, times?: number): Promise<void>;
  /** Connections forwarded to the target so far. */
  forwarded: number;
  stop(): Promise<void>;
}

/** A TCP proxy in front of one service that can hang, reset or refuse on demand (tests only). */
export async function startFaultProxy(): Promise<FaultProxy> {
  const sockets = new Set<Socket>();
  let mode: FaultMode = 'pass';
  let resetsLeft = 0;
  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    if (mode === 'hang') {
      client.resume();
      return;
    }
    if (mode === 'trickle') {
      client.once('data', () => {
        client.write('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
        const drip = setInterval(() => client.write('1\r\n \r\n'), 100);
        client.on('close', () => clearInterval(drip));
      });
      return;
    }
    if (mode === 'reset') {
      resetsLeft -= 1;
      if (resetsLeft <= 0) mode = 'pass';
      client.once('data', () => client.resetAndDestroy());
      return;
    }
    if (proxy.targetPort === null) return void client.destroy();
    const upstream = connect({ host: '127.0.0.1', port: proxy.targetPort });
    proxy.forwarded += 1;
    sockets.add(upstream);
    upstream.on('close', () => sockets.delete(upstream));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.pipe(upstream).pipe(client);
  });
  const listen = (port: number) =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });

  await listen(0);
  const port = (server.address() as AddressInfo).port;
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${port}`,
    targetPort: null,
    forwarded: 0,
    async set(next, times = 1) {
      if (mode === 'down' && next !== 'down') await listen(port);
      if (next === 'down' && mode !== 'down') await close();
      // Kept-alive connections made before were made under the old mode.
      for (const socket of sockets) socket.destroy();
      mode = next;
      resetsLeft = times;
    },
    stop: () => (mode === 'down' ? Promise.resolve() : close()),
  };
  return proxy;
}
