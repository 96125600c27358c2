import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './env';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('query-cost configuration', () => {
  it('has budgets by default and reads them from the environment', () => {
    expect(loadConfig({}).gateway.costs).toEqual({ perCustomer: 50_000, perClient: 1_000_000, windowSeconds: 60, maxOperationCost: 1_000 });
    const config = loadConfig({ COST_BUDGET_PER_CUSTOMER: '300', COST_BUDGET_PER_CLIENT: '600', COST_BUDGET_WINDOW_SECONDS: '10', MAX_OPERATION_COST: '200' });
    expect(config.gateway.costs).toEqual({ perCustomer: 300, perClient: 600, windowSeconds: 10, maxOperationCost: 200 });
  });

  it('refuses an operation maximum no budget could pay', () => {
    expect(problemsOf({ COST_BUDGET_PER_CUSTOMER: '300', MAX_OPERATION_COST: '301' })).toEqual([
      'MAX_OPERATION_COST: must not exceed COST_BUDGET_PER_CUSTOMER or COST_BUDGET_PER_CLIENT',
    ]);
  });

  it('takes a metrics token of 16 characters or more, none when empty', () => {
    expect(loadConfig({ METRICS_TOKEN: '' }).gateway.metricsToken).toBeUndefined();
    expect(loadConfig({ METRICS_TOKEN: 'a'.repeat(16) }).gateway.metricsToken).toBe('a'.repeat(16));
    expect(problemsOf({ METRICS_TOKEN: 'short' })).toHaveLength(1);
  });
});

describe('gateway workers', () => {
  it('are one unless GATEWAY_WORKERS says (auto: one per CPU), in production too', () => {
    const production = { NODE_ENV: 'production', JWT_PUBLIC_KEY: 'a key', GATEWAY_SECRET: 's'.repeat(32) };
    expect(loadConfig(production).gateway.workers).toBe(1);
    expect(loadConfig({ ...production, GATEWAY_WORKERS: 'auto' }).gateway.workers).toBe(availableParallelism());
    expect(loadConfig({}).gateway.workers).toBe(1);
    expect(loadConfig({ GATEWAY_WORKERS: '' }).gateway.workers).toBe(1);
    expect(loadConfig({ ...production, GATEWAY_WORKERS: '3' }).gateway.workers).toBe(3);
    expect(loadConfig({ GATEWAY_WORKERS: '2' }).gateway.workers).toBe(2);
    expect(problemsOf({ GATEWAY_WORKERS: '0' })).toHaveLength(1);
    expect(problemsOf({ GATEWAY_WORKERS: 'many' })).toHaveLength(1);
  });
});

describe('checkout confirmation wait', () => {
  it('must end before the gateway stops waiting for the payments subgraph', () => {
    expect(loadConfig({}).payments.confirmWaitMs).toBe(3_000);
    expect(problemsOf({ SUBGRAPH_TIMEOUT_MS: '3000' })).toEqual(['CHECKOUT_CONFIRM_WAIT_MS: must be less than SUBGRAPH_TIMEOUT_MS']);
    expect(problemsOf({ SUBGRAPH_TIMEOUT_MS: '3000', CHECKOUT_CONFIRM_WAIT_MS: '2000' })).toEqual([]);
  });
});
