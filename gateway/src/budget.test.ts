import { createLogger } from '@kabinet/config';
import { createRateLimits } from '@kabinet/rate-limits';
import { describe, expect, it, vi } from 'vitest';
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

describe('running a query ahead of its charge', () => {
  const web: Caller = { ...partner, client: 'kabinet-web', kind: 'first-party', clientKey: null };
  const budgetsInMemory = () => new Budgets({ ...limits, redisUrl: undefined, logger: createLogger('silent') });

  it('never before the store has answered for the budget', async () => {
    const budgets = budgetsInMemory();
    expect(budgets.mayRunAhead(web, 1)).toBe(false);
    await budgets.charge(web, 10);
    expect(budgets.mayRunAhead(web, 1)).toBe(true);
    // Another customer: nothing heard of theirs.
    expect(budgets.mayRunAhead({ ...web, customerKey: 'user:U9' }, 1)).toBe(false);
  });

  it('only while the budget, less what is still unanswered, pays it and the dearest operation after it', async () => {
    const budgets = budgetsInMemory();
    await budgets.charge(web, 50); // 250 of 300 left; the dearest operation costs 200
    expect(budgets.mayRunAhead(web, 50)).toBe(true);
    expect(budgets.mayRunAhead(web, 51)).toBe(false);
    // Charges on their way count before they are answered.
    const onItsWay = budgets.charge(web, 30);
    expect(budgets.mayRunAhead(web, 21)).toBe(false);
    expect(budgets.mayRunAhead(web, 20)).toBe(true);
    await onItsWay;
    expect(budgets.mayRunAhead(web, 20)).toBe(true);
    expect(budgets.mayRunAhead(web, 21)).toBe(false);
  });

  it("asks the client's budget too when a token proves one", async () => {
    const budgets = budgetsInMemory();
    await budgets.charge(partner, 10);
    expect(budgets.mayRunAhead(partner, 10)).toBe(true);
    // Another customer of the same client: their own budget is unheard of.
    expect(budgets.mayRunAhead({ ...partner, customerKey: 'user:U2' }, 10)).toBe(false);
    // The client's 600 nearly spent by others: no room left for running ahead.
    await budgets.charge({ ...partner, customerKey: 'user:U3' }, 200);
    await budgets.charge({ ...partner, customerKey: 'user:U4' }, 200);
    expect(budgets.mayRunAhead(partner, 10)).toBe(false);
  });

  it('not once the window it heard of is over, nor after the store failed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const budgets = budgetsInMemory();
      await budgets.charge(web, 10);
      expect(budgets.mayRunAhead(web, 10)).toBe(true);
      vi.setSystemTime(Date.now() + limits.windowSeconds * 1000);
      expect(budgets.mayRunAhead(web, 10)).toBe(false);
    } finally {
      vi.useRealTimers();
    }
    const points = createRateLimits<BudgetName>(undefined, { customer: { points: 300, duration: 60 }, client: { points: 600, duration: 60 } });
    let storeUp = true;
    const flaky = { ...points, spend: (...args: Parameters<typeof points.spend>) => (storeUp ? points.spend(...args) : Promise.reject(new Error('Redis gone'))) };
    const budgets = new Budgets({ ...limits, redisUrl: undefined, logger: createLogger('silent') }, flaky);
    await budgets.charge(web, 10);
    expect(budgets.mayRunAhead(web, 10)).toBe(true);
    storeUp = false;
    await expect(budgets.charge(web, 10)).rejects.toThrow('Redis gone');
    storeUp = true;
    expect(budgets.mayRunAhead(web, 10)).toBe(false);
  });
});
