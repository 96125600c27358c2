import { createLogger } from '@kabinet/config';
import { createRateLimits } from '@kabinet/rate-limits';
import { describe, expect, it } from 'vitest';
import { Budgets, type BudgetName } from './budget';
import type { Caller } from './caller';

const limits = { perCustomer: 300, perClient: 600, windowSeconds: 60, maxOperationCost: 200 };
const partner: Caller = { client: 'demo-bank', clientVersion: undefined, kind: 'partner', clientKey: 'token:demo-bank', customerKey: 'user:U1' };

/** Budgets in memory whose client budget's store fails, as Redis may between two commands. */
function budgetsWithFailingClientStore() {
  const points = createRateLimits<BudgetName>(undefined, { customer: { points: 300, duration: 60 }, client: { points: 600, duration: 60 } });
  const failing = {
    ...points,
    spend: (policy: BudgetName, key: string, cost: number) => (policy === 'client' ? Promise.reject(new Error('Redis gone')) : points.spend(policy, key, cost)),
  };
  return { budgets: new Budgets({ ...limits, redisUrl: undefined, logger: createLogger('silent') }, failing), points };
}

describe('charging the budgets', () => {
  it("gives the customer's points back when the client's budget cannot be charged", async () => {
    const { budgets, points } = budgetsWithFailingClientStore();
    await expect(budgets.charge(partner, 40)).rejects.toThrow('Redis gone');
    expect(await points.peek('customer', partner.customerKey)).toMatchObject({ used: 0, remaining: 300 });
  });

  it("charges only the customer's budget of a caller without a token-proven client", async () => {
    const budgets = new Budgets({ ...limits, redisUrl: undefined, logger: createLogger('silent') });
    const web: Caller = { ...partner, client: 'kabinet-web', kind: 'first-party', clientKey: null };
    const charge = await budgets.charge(web, 40);
    expect(charge).toMatchObject({ granted: true, states: { customer: { used: 40, remaining: 260 }, client: null } });
    expect(await budgets.peek(web)).toMatchObject({ customer: { used: 40 }, client: null });
  });

  it('asks both budgets at once and leaves neither charged when one refuses', async () => {
    const budgets = new Budgets({ ...limits, redisUrl: undefined, logger: createLogger('silent') });
    const other: Caller = { ...partner, customerKey: 'user:U2' };
    // The customer's 300 nearly spent: the next 40 are refused by the customer's budget.
    expect(await budgets.charge(partner, 280)).toMatchObject({ granted: true, states: { customer: { used: 280 }, client: { used: 280 } } });
    expect(await budgets.charge(partner, 40)).toMatchObject({ granted: false, refusedBy: 'customer', states: { customer: { used: 280 }, client: { used: 280 } } });
    expect(await budgets.peek(partner)).toMatchObject({ customer: { used: 280 }, client: { used: 280 } });
    // Another customer of the same client nearly fills the client's 600: a third one's 40 are refused by the client.
    expect(await budgets.charge(other, 290)).toMatchObject({ granted: true, states: { client: { used: 570 } } });
    const third: Caller = { ...partner, customerKey: 'user:U3' };
    expect(await budgets.charge(third, 40)).toMatchObject({ granted: false, refusedBy: 'client', states: { customer: { used: 0 }, client: { used: 570 } } });
    expect(await budgets.peek(third)).toMatchObject({ customer: { used: 0 }, client: { used: 570 } });
  });
});
