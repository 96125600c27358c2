import { decodeData, signed } from '@kabinet/liqpay';
import { describe, expect, it } from 'vitest';
import { liqPayProvider } from './liqpay';

const keys = { publicKey: 'i00000000001', privateKey: 'private-key-1' };
const provider = liqPayProvider({ keys, checkoutUrl: 'https://www.liqpay.ua/api/3/checkout', apiUrl: 'https://www.liqpay.ua/api/request', serverUrl: () => 'https://kabinet.example/callbacks/liqpay' });

describe('LiqPay as a payment provider', () => {
  it('sends the payer to a signed pay request that splits the debit among the suppliers', () => {
    const url = new URL(
      provider.paymentPage({
        orderId: 'b1f8d5f2-6a65-4d1e-8c1e-000000000001',
        amountMinor: 141_230,
        currency: 'UAH',
        description: 'Комунальні послуги',
        returnUrl: 'https://app.kabinet.test/paid',
        expiresAt: new Date('2026-12-02T09:30:00.000Z'),
        splits: [
          { merchantId: 'supplier_a', amountMinor: 41_230 },
          { merchantId: 'supplier_b', amountMinor: 100_000 },
        ],
        language: 'uk',
      }),
    );
    expect(url.origin + url.pathname).toBe('https://www.liqpay.ua/api/3/checkout');
    const params = decodeData(url.searchParams.get('data')!)!;
    expect(params).toMatchObject({
      version: 3,
      public_key: 'i00000000001',
      action: 'pay',
      expired_date: '2026-12-02 09:30:00',
      amount: 1412.3,
      currency: 'UAH',
      order_id: 'b1f8d5f2-6a65-4d1e-8c1e-000000000001',
      result_url: 'https://app.kabinet.test/paid',
      server_url: 'https://kabinet.example/callbacks/liqpay',
      split_rules: [
        { public_key: 'supplier_a', amount: 412.3, commission_payer: 'receiver' },
        { public_key: 'supplier_b', amount: 1000, commission_payer: 'receiver' },
      ],
    });
    expect(url.searchParams.get('signature')).toBe(signed(keys, params as never).signature);
  });

  it('takes a callback signed with our key for our merchant only', () => {
    const callback = signed(keys, { version: 3, status: 'success', order_id: 'o-1', amount: 12.5, currency: 'UAH', payment_id: 77 });
    expect(provider.verifyCallback(callback)).toMatchObject({ orderId: 'o-1', status: 'success', outcome: 'CAPTURED', amountMinor: 1250, transactionId: '77' });
    // Identified by LiqPay's payment and its status, timed by the signed `end_date` (else `create_date`).
    expect(provider.verifyCallback(callback)).toMatchObject({ eventId: 'payment:77:success:1250', signedAt: null });
    const dated = signed(keys, { version: 3, status: 'success', order_id: 'o-1', amount: 12.5, currency: 'UAH', payment_id: 77, create_date: 1_796_000_000_000, end_date: 1_796_000_060_000 });
    expect(provider.verifyCallback(dated)).toMatchObject({ eventId: 'payment:77:success:1250', signedAt: new Date(1_796_000_060_000) });
    const started = signed(keys, { version: 3, status: '3ds_verify', order_id: 'o-1', amount: 12.5, currency: 'UAH', create_date: 1_796_000_000_000 });
    expect(provider.verifyCallback(started)).toMatchObject({ eventId: 'order:3ds_verify:1250', signedAt: new Date(1_796_000_000_000) });
    // Refunds: one payment may be refunded in parts, each told by its amount and time (`refund_date_last` before the payment's own dates).
    const refund = (extra: Record<string, unknown>) => provider.verifyCallback(signed(keys, { version: 3, status: 'reversed', order_id: 'o-1', amount: 2.5, currency: 'UAH', payment_id: 77, create_date: 1_796_000_000_000, end_date: 1_796_000_060_000, ...extra }));
    expect(refund({})).toMatchObject({ outcome: 'REVERSED', eventId: 'payment:77:reversed:250:1796000060000', signedAt: new Date(1_796_000_060_000) });
    expect(refund({ refund_date_last: 1_796_500_000_000 })).toMatchObject({ eventId: 'payment:77:reversed:250:1796500000000', signedAt: new Date(1_796_500_000_000) });
    expect(refund({ refund_date_last: '1796600000000' })?.eventId).toBe('payment:77:reversed:250:1796600000000');
    const otherMerchant = signed({ ...keys, publicKey: 'i99' }, { version: 3, status: 'success', order_id: 'o-1', amount: 12.5, currency: 'UAH' });
    expect(provider.verifyCallback(otherMerchant)).toBeNull();
    expect(provider.verifyCallback({ data: callback.data })).toBeNull();
  });
});
