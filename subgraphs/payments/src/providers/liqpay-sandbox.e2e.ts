import { createLogger } from '@kabinet/config';
import { startLiqPaySandbox, type LiqPaySandbox } from '@kabinet/liqpay/sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payOnSandbox } from '../testing/checkout-kit';
import { liqPayProvider } from './liqpay';
import type { PaymentProvider } from './provider';

/** The LiqPay adapter against the local sandbox, over HTTP: every call of the provider interface. */
describe('LiqPay adapter against the sandbox', () => {
  const keys = { publicKey: 'sandbox_test_merchant', privateKey: 'sandbox_test_private_key' };
  let sandbox: LiqPaySandbox;
  let provider: PaymentProvider;

  beforeAll(async () => {
    sandbox = await startLiqPaySandbox({ merchants: [keys], port: 0, host: '127.0.0.1', logger: createLogger('silent') });
    sandbox.callbacks = 'drop';
    provider = liqPayProvider({ keys, checkoutUrl: `${sandbox.url}/api/3/checkout`, apiUrl: `${sandbox.url}/api/request`, serverUrl: () => 'http://127.0.0.1:9/callbacks/liqpay' });
  });
  afterAll(() => sandbox?.stop());

  const checkout = (orderId: string) => ({
    orderId,
    amountMinor: 25_050,
    currency: 'UAH',
    description: 'test',
    returnUrl: 'http://127.0.0.1:9/return',
    expiresAt: new Date(Date.now() + 3600_000),
    splits: [{ merchantId: 'supplier_a', amountMinor: 25_050 }],
    language: 'en' as const,
  });

  it('knows nothing of an order never paid, then its capture, then its refund', async () => {
    const orderId = crypto.randomUUID();
    expect(await provider.queryStatus(orderId)).toBeNull();
    await payOnSandbox(provider.paymentPage(checkout(orderId)), 'pay');
    expect(await provider.queryStatus(orderId)).toMatchObject({ orderId, status: 'success', outcome: 'CAPTURED', amountMinor: 25_050, currency: 'UAH' });
    expect(await provider.refund(orderId, 25_050, 'UAH')).toMatchObject({ orderId, status: 'reversed', outcome: 'REVERSED' });
    expect(await provider.queryStatus(orderId)).toMatchObject({ outcome: 'REVERSED' });
    // The callbacks it would have posted verify with the merchant's key, as real ones do.
    const [paid] = sandbox.sentCallbacks.filter((callback) => provider.verifyCallback(callback.message)?.orderId === orderId);
    expect(provider.verifyCallback(paid!.message)).toMatchObject({ status: 'success' });
  });

  it('refuses to take a request whose split does not add up, or that is not signed by the merchant', async () => {
    const url = new URL(provider.paymentPage({ ...checkout(crypto.randomUUID()), splits: [{ merchantId: 'supplier_a', amountMinor: 100 }] }));
    const page = await fetch(url);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain('split_rules do not sum to amount');
    url.searchParams.set('signature', 'forged');
    expect((await fetch(url)).status).toBe(400);
  });

  it("takes no payment after the request's expired_date, and ends one left at 3-D Secure as a failure", async () => {
    const orderId = crypto.randomUUID();
    const expired = provider.paymentPage({ ...checkout(orderId), expiresAt: new Date(Date.now() - 1_000) });
    expect((await fetch(expired)).status).toBe(410);
    expect(await provider.queryStatus(orderId)).toBeNull();

    const stuckId = crypto.randomUUID();
    const soon = new Date(Date.now() + 1_500);
    await payOnSandbox(provider.paymentPage({ ...checkout(stuckId), expiresAt: soon }), '3ds-abandoned');
    expect(await provider.queryStatus(stuckId)).toMatchObject({ status: '3ds_verify', outcome: 'PENDING' });
    await new Promise((resolve) => setTimeout(resolve, soon.getTime() - Date.now() + 1_100));
    expect(await provider.queryStatus(stuckId)).toMatchObject({ status: 'failure', outcome: 'FAILED' });
  });

  it('says a status query failed rather than guess when the provider cannot be reached', async () => {
    const unreachable = liqPayProvider({ keys, checkoutUrl: 'http://127.0.0.1:9/', apiUrl: 'http://127.0.0.1:9/api/request', serverUrl: () => '', requestTimeoutMs: 1_000 });
    await expect(unreachable.queryStatus(crypto.randomUUID())).rejects.toThrow();
  });
});
