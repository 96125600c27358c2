import { setTimeout as sleep } from 'node:timers/promises';
import { demoUsers } from '@kabinet/demo';
import { decodeData } from '@kabinet/liqpay';
import { expectNoGraphQLErrors, loginAs, pdfText, startTestStack, type TestStack } from '@kabinet/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkoutInput, checkoutQuery, createCheckoutMutation, demoAccounts, eventually, payOnSandbox } from './testing/checkout-kit';

/**
 * What is left hanging settles: a lost callback, a payer who never paid, a confirmation that never
 * came. The reconciliation job runs every second here and the domain clock is moved past its waits.
 */
describe('reconciling checkouts whose outcome is unknown', () => {
  let t: TestStack;
  let token: string;

  beforeAll(async () => {
    // createCheckout waits up to 10 s for a stopped utility's confirmation here: the gateway must wait longer.
    t = await startTestStack({ env: { JOBS_INTERVAL_SECONDS: '1', SUBGRAPH_TIMEOUT_MS: '15000' } });
    token = await loginAs(t, demoUsers.demo);
  });
  afterAll(() => t?.stop());

  const create = async (items: { utility: string; accountId: string; amount: string }[]) =>
    expectNoGraphQLErrors(await t.gql(createCheckoutMutation, { token, variables: { input: checkoutInput(t, items) } })).createCheckout;
  const read = async (id: string) => expectNoGraphQLErrors(await t.gql(checkoutQuery, { token, variables: { id } })).checkout;
  const minutesLater = (minutes: number) => t.clock.set(new Date(t.clock.now().getTime() + minutes * 60_000));
  const paymentsOf = async (accountId: string, amount: string) => {
    const data = expectNoGraphQLErrors(await t.gql(`query ($id: ID!) { heatAccount(id: $id) { ledger(first: 100) { edges { node { kind amount { amount } } } } } }`, { token, variables: { id: accountId } }));
    return data.heatAccount.ledger.edges.filter((edge: any) => edge.node.kind === 'PAYMENT' && edge.node.amount.amount === amount).length;
  };

  it('asks the provider about a paid checkout whose callback was lost, captures and posts it once', async () => {
    const sandbox = t.stack.liqpaySandbox!;
    sandbox.callbacks = 'drop';
    const checkout = await create([{ utility: 'HEAT', accountId: demoAccounts.kyivTeplo.accountId, amount: '404.04' }]);
    try {
      await payOnSandbox(checkout.paymentUrl, 'pay');
    } finally {
      sandbox.callbacks = 'deliver';
    }
    await sleep(1_500);
    expect((await read(checkout.id)).status).toBe('PENDING');

    minutesLater(3);
    await eventually('the status query', async () => ((await read(checkout.id)).status === 'CAPTURED' ? true : undefined));
    await eventually('the posting', async () => ((await paymentsOf(demoAccounts.kyivTeplo.accountId, '-404.04')) === 1 ? true : undefined));

    // The receipt goes to the payer by mail once it is paid, the PDF attached.
    const mail = await t.mailbox.waitFor(demoUsers.demo.email, (candidate) => candidate.subject.includes('404.04'));
    expect(mail.subject).toBe('Kabinet: квитанція про оплату 404.04 UAH');
    expect(mail.text).toContain(`${demoAccounts.kyivTeplo.supplier}, особовий рахунок ${demoAccounts.kyivTeplo.number}: 404.04 UAH`);
    const [attachment] = mail.parsed.attachments;
    expect(attachment).toMatchObject({ contentType: 'application/pdf' });
    expect(pdfText(attachment!.content)).toContain(demoAccounts.kyivTeplo.number);
    await sleep(2_500);
    expect(t.mailbox.messages.filter((candidate) => candidate.subject.includes('404.04'))).toHaveLength(1);

    // The lost callback turns up after all: it changes nothing and posts nothing again.
    const lost = sandbox.sentCallbacks.findLast((callback) => !callback.delivered)!;
    const late = await fetch(lost.url.replace('localhost', '127.0.0.1'), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(lost.message),
    });
    expect(late.status).toBe(200);
    await sleep(500);
    expect(await paymentsOf(demoAccounts.kyivTeplo.accountId, '-404.04')).toBe(1);
  });

  it('fails a checkout whose payer left without paying, once the provider has never seen it for an hour', async () => {
    const abandoned = await create([{ utility: 'HEAT', accountId: demoAccounts.kyivTeplo.accountId, amount: '1.11' }]);
    minutesLater(10);
    await sleep(1_500);
    expect((await read(abandoned.id)).status).toBe('PENDING');
    minutesLater(60);
    await eventually('the abandoned checkout failed', async () => ((await read(abandoned.id)).status === 'FAILED' ? true : undefined));
    expect((await read(abandoned.id)).providerStatus).toBe('not_found');
  });

  it('refuses a checkout its utility never confirmed, and ignores the answer that comes too late', async () => {
    await t.stack.stopSubgraph('heat');
    let checkout: { id: string; status: string };
    try {
      checkout = await create([{ utility: 'HEAT', accountId: demoAccounts.poltavaTeplo.accountId, amount: '2.22' }]);
      expect(checkout.status).toBe('AWAITING_CONFIRMATION');
      minutesLater(16);
      await eventually('the expiry', async () => ((await read(checkout.id)).status === 'REFUSED' ? true : undefined));
    } finally {
      await t.stack.startSubgraph('heat');
    }
    // The utility is back and answers; the checkout stays refused and never reaches a provider.
    await sleep(3_000);
    expect(await read(checkout.id)).toMatchObject({ status: 'REFUSED', refusal: 'NOT_CONFIRMED', paymentUrl: null });
  });

  /** Pays `checkout` on the sandbox with its callback lost: the genuine, signed callback, to post later. */
  const paidWithLostCallback = async (checkout: { id: string; paymentUrl: string }) => {
    const sandbox = t.stack.liqpaySandbox!;
    sandbox.callbacks = 'drop';
    try {
      await payOnSandbox(checkout.paymentUrl, 'pay');
    } finally {
      sandbox.callbacks = 'deliver';
    }
    const lost = sandbox.sentCallbacks.findLast((callback) => !callback.delivered && decodeData(callback.message.data)?.order_id === checkout.id)!;
    expect(decodeData(lost.message.data)).toMatchObject({ status: 'success' });
    return (async () => {
      const response = await fetch(lost.url.replace('localhost', '127.0.0.1'), {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(lost.message),
      });
      expect(response.status).toBe(200);
      return ((await response.json()) as { status: string }).status;
    });
  };

  it('takes a late callback within the tolerance', async () => {
    const sandbox = t.stack.liqpaySandbox!;
    const checkout = await create([{ utility: 'HEAT', accountId: demoAccounts.kyivTeplo.accountId, amount: '606.06' }]);
    const postLost = await paidWithLostCallback(checkout);
    // The status API is out, so only the callback can settle it.
    sandbox.api = 'down';
    try {
      minutesLater(60);
      expect(await postLost()).toBe('applied');
      expect((await read(checkout.id)).status).toBe('CAPTURED');
    } finally {
      sandbox.api = 'up';
    }
    await eventually('the posting', async () => ((await paymentsOf(demoAccounts.kyivTeplo.accountId, '-606.06')) === 1 ? true : undefined));
  });

  it('refuses a stale replay of a genuine success callback; reconciliation settles the checkout from the status API', async () => {
    const sandbox = t.stack.liqpaySandbox!;
    const checkout = await create([{ utility: 'HEAT', accountId: demoAccounts.kyivTeplo.accountId, amount: '505.05' }]);
    const postLost = await paidWithLostCallback(checkout);
    // The status API is out while the replay arrives, so reconciliation cannot settle it meanwhile.
    sandbox.api = 'down';
    try {
      minutesLater(25 * 60);
      expect(await postLost()).toBe('stale');
      await sleep(1_500);
      expect(await read(checkout.id)).toMatchObject({ status: 'PENDING', capturedAt: null });
      expect(await paymentsOf(demoAccounts.kyivTeplo.accountId, '-505.05')).toBe(0);
    } finally {
      sandbox.api = 'up';
    }
    // The provider's status API is the authority: the next pass asks it and captures.
    minutesLater(3);
    await eventually('the status query', async () => ((await read(checkout.id)).status === 'CAPTURED' ? true : undefined));
    await eventually('the posting', async () => ((await paymentsOf(demoAccounts.kyivTeplo.accountId, '-505.05')) === 1 ? true : undefined));
    // The stale replay again: still refused, nothing posted twice.
    expect(await postLost()).toBe('stale');
    await sleep(500);
    expect(await paymentsOf(demoAccounts.kyivTeplo.accountId, '-505.05')).toBe(1);
  });

  it('leaves a checkout pending while the provider cannot be asked', async () => {
    const sandbox = t.stack.liqpaySandbox!;
    sandbox.callbacks = 'drop';
    const checkout = await create([{ utility: 'HEAT', accountId: demoAccounts.kyivTeplo.accountId, amount: '3.33' }]);
    await payOnSandbox(checkout.paymentUrl, 'pay');
    await sandbox.stop();
    minutesLater(120);
    await sleep(2_500);
    // Paid or not is unknown: nothing is concluded, nothing posted, and it is asked again later.
    expect((await read(checkout.id)).status).toBe('PENDING');
    expect(await paymentsOf(demoAccounts.kyivTeplo.accountId, '-3.33')).toBe(0);
  });
});
