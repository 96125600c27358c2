import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, describe, expect, it } from 'vitest';
import { GatewayMetrics, metricsEndpoint } from './observability';

const servers: { close(): void }[] = [];
afterAll(() => servers.forEach((server) => server.close()));

/** A server with only `/metrics`, configured as the gateway would be. */
async function metricsAt(options: { token: string | undefined; production: boolean }, metrics = new GatewayMetrics(['kabinet-web', 'demo-bank'])): Promise<string> {
  const app = express();
  app.get('/metrics', metricsEndpoint(metrics, options));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((resolve) => server.once('listening', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

const token = 'metrics-token-0123456789abcdef';

describe('/metrics', () => {
  it('is open outside production when no token is configured', async () => {
    const response = await fetch(await metricsAt({ token: undefined, production: false }));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    expect(await response.text()).toContain('process_cpu_user_seconds_total');
  });

  it('does not exist in production until a token is configured', async () => {
    expect((await fetch(await metricsAt({ token: undefined, production: true }))).status).toBe(404);
  });

  it('asks for the bearer token when one is configured, in production or not', async () => {
    for (const production of [true, false]) {
      const url = await metricsAt({ token, production });
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer wrong-token-0123456789abcdef' } })).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    }
  });

  it('gives only registered clients and anonymous callers a label of their own; any other name is "other"', async () => {
    const metrics = new GatewayMetrics(['kabinet-web', 'demo-bank']);
    // However many names come first, they cannot push a registered client out of its label.
    for (let index = 0; index < 105; index++) metrics.record({ errorCodes: [], operationType: 'query' }, `client-${index}`, 0.01);
    for (const client of ['demo-bank', 'kabinet-web', 'anonymous']) metrics.record({ errorCodes: [], operationType: 'query' }, client, 0.01);
    const text = await (await fetch(await metricsAt({ token: undefined, production: false }, metrics))).text();
    for (const client of ['demo-bank', 'kabinet-web', 'anonymous']) {
      expect(text).toContain(`kabinet_gateway_graphql_requests_total{client="${client}",operation_type="query",outcome="ok"} 1`);
    }
    expect(text).not.toContain('client="client-');
    expect(text).toContain('kabinet_gateway_graphql_requests_total{client="other",operation_type="query",outcome="ok"} 105');
  });
});
