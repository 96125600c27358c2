import { setTimeout as sleep } from 'node:timers/promises';
import { demoUsers } from '@kabinet/demo';
import { expectNoGraphQLErrors, loginAs, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutInput, checkoutQuery, createCheckoutMutation, demoAccounts, eventually, payOnSandbox } from './testing/checkout-kit';

/**
 * Payers who stop at 3-D Secure leave checkouts the provider calls unfinished for as long as it
 * is asked. They must neither hold the reconciliation job's attention forever nor stay pending
 * for good. The job runs every second here and the domain clock is moved past its waits.
 */
describe('checkouts stuck with the provider', () => {
  let t: TestStack;
  let token: string;

  beforeAll(async () => {
    t = await startTestStack({ env: { JOBS_INTERVAL_SECONDS: '1' } });
    token = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  const read = async (id: string) => expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id } })).checkout;
  /** A checkout with its payment page: on a busy machine the confirmation may outlast createCheckout's wait. */
  const create = async (amount: string) => {
    const made = expectNoGraphQLErrors(
      await t.gql(createCheckoutMutation, { token, variables: { input: checkoutInput(t, [{ utility: 'HEAT', accountId: demoAccounts.poltavaTeplo.accountId, amount }]) } }),
    ).createCheckout;
    if (made.paymentUrl) return made;
    return eventually('the confirmation', async () => {
      const checkout = await read(made.id);
      return checkout.paymentUrl ? checkout : undefined;
    });
  };
  const minutesLater = (minutes: number) => t.clock.set(new Date(t.clock.now().getTime() + minutes * 60_000));

  it('settles a paid checkout whose callback was lost, however many others never finish', async () => {
    // More abandoned at 3-D Secure than the job asks about in one pass.
    const stuck: { id: string }[] = [];
    for (let batch = 0; batch < 6; batch += 1) {
      const made = await Promise.all(Array.from({ length: 10 }, (_, i) => create(`7.${String(batch * 10 + i).padStart(2, '0')}`)));
      await Promise.all(made.map((checkout) => payOnSandbox(checkout.paymentUrl, '3ds-abandoned')));
      stuck.push(...made);
    }
    // The job has asked about them once: the provider said 3ds_verify, and says it again every time.
    minutesLater(3);
    await sleep(4_000);

    const sandbox = t.stack.liqpaySandbox!;
    sandbox.callbacks = 'drop';
    const paid = await create('404.40');
    try {
      await payOnSandbox(paid.paymentUrl, 'pay');
    } finally {
      sandbox.callbacks = 'deliver';
    }
    expect((await read(paid.id)).status).toBe('PENDING');
    minutesLater(3);
    await eventually('the lost capture settled by the job', async () => ((await read(paid.id)).status === 'CAPTURED' ? true : undefined), 20_000);
    expect((await read(stuck[0]!.id)).status).toBe('PENDING');
  });

  it('ends a payment left at 3-D Secure once its page has expired, and its page takes no payment after that', async () => {
    const abandoned = await create('9.99');
    await payOnSandbox(abandoned.paymentUrl, '3ds-abandoned');
    minutesLater(23 * 60);
    await sleep(2_500);
    // Within the day the page is valid: the payer may still finish.
    expect((await read(abandoned.id)).status).toBe('PENDING');

    minutesLater(2 * 60);
    await eventually('the expired payment failed', async () => ((await read(abandoned.id)).status === 'FAILED' ? true : undefined));
    expect((await read(abandoned.id)).capturedAt).toBeNull();
    await expect(payOnSandbox(abandoned.paymentUrl, 'pay')).rejects.toThrow(/410/);
  });
});
