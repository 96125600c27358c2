import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { healthRoutes, listen } from './index';

describe('health routes', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    await Promise.all(stops.splice(0).map((stop) => stop()));
  });

  async function serve(options: Parameters<typeof healthRoutes>[1] = {}) {
    const app = express();
    const health = healthRoutes(app, options);
    const { httpServer, port } = await listen(app, 0, '127.0.0.1');
    stops.push(() => new Promise((resolve) => httpServer.close(() => resolve())));
    const get = async (path: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${path}`);
      return { status: response.status, body: await response.json() };
    };
    return { health, get };
  }

  it('is alive at once, ready only once told so (a load balancer sends nothing to a service still starting)', async () => {
    let pinged = 0;
    const { health, get } = await serve({ check: async () => void (pinged += 1) });
    expect(await get('/healthz')).toEqual({ status: 200, body: { status: 'ok' } });
    expect(await get('/readyz')).toEqual({ status: 503, body: { status: 'starting' } });
    expect(pinged).toBe(0);
    health.ready();
    expect(await get('/readyz')).toEqual({ status: 200, body: { status: 'ready' } });
    expect(pinged).toBe(1);
  });

  it('is not ready while its check fails, and says so without the reason', async () => {
    const failures: unknown[] = [];
    const { health, get } = await serve({
      check: async () => {
        throw new Error('connection refused at 10.0.0.5:5432');
      },
      onCheckFailed: (error) => failures.push(error),
    });
    health.ready();
    expect(await get('/readyz')).toEqual({ status: 503, body: { status: 'unavailable' } });
    expect(failures).toHaveLength(1);
  });
});
