import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';

export interface RunningService {
  name: string;
  port: number;
  /** Base URL, e.g. `http://127.0.0.1:4001`. */
  url: string;
  stop(): Promise<void>;
}

/** Every server `listen` started, by port: lets tests observe connections. */
export const servers = new Map<number, Server>();

/** Listens on `port` (0 picks a free one) and reports where it ended up. */
export async function listen(app: Express, port: number, host?: string): Promise<{ httpServer: Server; port: number }> {
  const httpServer = createServer(app);
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(port, host, () => resolve());
  });
  const actualPort = (httpServer.address() as AddressInfo).port;
  servers.set(actualPort, httpServer);
  httpServer.once('close', () => servers.delete(actualPort));
  return { httpServer, port: actualPort };
}
